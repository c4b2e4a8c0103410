package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.ChangeRecord;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer on the check of what a link sends: any key and row bytes give a verdict, never an
 * exception, and a fragment that passes decodes to cells of existing columns. The input's first
 * byte is the key's length, the key follows, the row is the rest. Under a plain test run this
 * replays the seed corpus (valid and broken fragments); with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class FragmentCheckFuzzTest {
  static final TableSchema TABLE = new TableSchema(7L, "T", List.of(
      new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
      new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 20), true),
      new ColumnDef("N", ColumnType.of(TypeKind.INTEGER), false)),
      List.of(0), ConflictResolution.CELL);
  static final long NOW = 1_700_000_000_000L;

  @FuzzTest(maxDuration = "10s")
  void anyBytesGetAVerdict(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int keyLength = Math.min(input[0] & 0xff, input.length - 1);
    byte[] key = Arrays.copyOfRange(input, 1, 1 + keyLength);
    byte[] row = Arrays.copyOfRange(input, 1 + keyLength, input.length);
    String problem = FragmentCheck.problem(TABLE, new ChangeRecord(7L, key, row), NOW);
    if (problem == null) {
      StoredRow decoded = RowFormat.decode(row);
      for (Cell c : decoded.cells()) {
        assertTrue(c.column() < TABLE.columnCount());
      }
    }
  }
}
