package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckedWriteTest {
  private static final TableSchema T = new TableSchema(42, "T", List.of(
      new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
      new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 5), true),
      new ColumnDef("QTY", ColumnType.of(TypeKind.INTEGER), false),
      new ColumnDef("X", ColumnType.of(TypeKind.DOUBLE), true)),
      List.of(0), ConflictResolution.CELL);

  private static SqlState failure(WriteKind kind, RowWrite row) {
    return assertThrows(MeridianException.class, () -> CheckedWrite.check(T, kind, row)).state();
  }

  @Test
  void coercesValuesAndIncludesTheKeyCell() {
    CheckedWrite w = CheckedWrite.check(T, WriteKind.INSERT,
        new RowWrite(new Object[] {"7"}, new int[] {2, 1}, new Object[] {3L, "ab"}));
    assertArrayEquals(TableKey.encode(new Object[] {7L}), w.key());
    assertArrayEquals(new int[] {0, 1, 2}, w.columns());
    assertArrayEquals(TableKey.encodeValue(3), w.values()[2], "BIGINT 3 became INTEGER 3");
  }

  @Test
  void rejectsBadRowsWithTheirStates() {
    assertEquals(SqlState.NULL_VALUE_NOT_ALLOWED,
        failure(WriteKind.UPSERT, new RowWrite(new Object[] {null}, new int[0], new Object[0])));
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
        failure(WriteKind.UPSERT, new RowWrite(new Object[] {"x"}, new int[0], new Object[0])));
    assertEquals(SqlState.STRING_DATA_RIGHT_TRUNCATION, failure(WriteKind.UPSERT,
        new RowWrite(new Object[] {1L}, new int[] {1}, new Object[] {"toolong"})));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(WriteKind.UPSERT,
        new RowWrite(new Object[] {1L}, new int[] {2}, new Object[] {1L << 40})));
    assertEquals(SqlState.NOT_NULL_VIOLATION, failure(WriteKind.UPDATE,
        new RowWrite(new Object[] {1L}, new int[] {2}, new Object[] {null})));
    assertEquals(SqlState.NOT_NULL_VIOLATION, failure(WriteKind.INSERT,
        new RowWrite(new Object[] {1L}, new int[] {1}, new Object[] {"a"})));
    assertEquals(SqlState.UNDEFINED_COLUMN, failure(WriteKind.UPSERT,
        new RowWrite(new Object[] {1L}, new int[] {9}, new Object[] {1})));
    assertEquals(SqlState.DUPLICATE_COLUMN, failure(WriteKind.UPSERT,
        new RowWrite(new Object[] {1L}, new int[] {1, 1}, new Object[] {"a", "b"})));
    assertEquals(SqlState.FEATURE_NOT_SUPPORTED, failure(WriteKind.UPDATE,
        new RowWrite(new Object[] {1L}, new int[] {0}, new Object[] {2L})));
    assertEquals(SqlState.PROTOCOL_VIOLATION, failure(WriteKind.DELETE,
        new RowWrite(new Object[] {1L}, new int[] {1}, new Object[] {"a"})));
    assertEquals(SqlState.PROTOCOL_VIOLATION, failure(WriteKind.DELETE,
        new RowWrite(new Object[] {1L, 2L}, new int[0], new Object[0])));
    assertEquals(SqlState.PROTOCOL_VIOLATION, failure(WriteKind.DELETE, null));
  }

  @Test
  void keyColumnMayBeRepeatedWithItsOwnValue() {
    CheckedWrite w = CheckedWrite.check(T, WriteKind.INSERT,
        new RowWrite(new Object[] {1L}, new int[] {0, 2}, new Object[] {1, 5}));
    assertArrayEquals(new int[] {0, 2}, w.columns());
  }

  @Test
  void deleteCarriesOnlyTheKey() {
    CheckedWrite w = CheckedWrite.check(T, WriteKind.DELETE,
        new RowWrite(new Object[] {1L}, new int[0], new Object[0]));
    assertEquals(0, w.columns().length);
  }

  @Test
  void signedZeroAndNaNKeysAreCanonical() {
    ColumnDef d = new ColumnDef("D", ColumnType.of(TypeKind.DOUBLE), false);
    assertEquals(0.0d, TableKey.coerce(d, -0.0d));
    assertEquals(Double.doubleToRawLongBits(Double.NaN),
        Double.doubleToRawLongBits((Double) TableKey.coerce(d, Double.longBitsToDouble(
            0x7ff8000000000001L))));
    assertNull(TableKey.coerceOrNull(T, new Object[] {null}));
  }
}
