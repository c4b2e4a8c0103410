package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.ChangeRecord;
import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Whether a change record received over a link fits this region's catalog before anything of
 * it applies: a valid stored row; a key of exactly the table's key values, each in its column's
 * canonical form; cells only of existing columns, each value one its column could hold (type,
 * length, precision; no NULL in a key or NOT NULL column) in canonical encoding; key cells equal
 * to the key; no stamp beyond the hard bound ahead of local time (a clock wrong by more than a
 * day, or a hostile stamp such as {@code Long.MAX_VALUE}). Stateless and thread-safe.
 */
final class FragmentCheck {
  /** How far ahead of local time a received stamp may be at all: one day. */
  static final long MAX_STAMP_AHEAD_MS = 24L * 3_600_000;

  private FragmentCheck() {}

  /**
   * Checks one record against its table.
   *
   * @param nowMillis local wall-clock time
   * @return null when it fits, else what is wrong (for the log)
   */
  static String problem(TableSchema schema, ChangeRecord record, long nowMillis) {
    try {
      return check(schema, record, nowMillis);
    } catch (RuntimeException e) {
      // Whatever else hostile bytes can provoke is a bad fragment too, never a failed apply.
      return "unreadable: " + e;
    }
  }

  /**
   * The id of a column a record has a cell of but {@code schema} does not know yet (the record
   * was written under a later version of the table), or -1. Cells of dropped columns are known:
   * they apply, and are never read.
   */
  static int newerColumn(TableSchema schema, ChangeRecord record) {
    try {
      for (Cell c : RowFormat.decode(record.row()).cells()) {
        if (c.column() >= schema.columnCount()) {
          return c.column();
        }
      }
      return -1;
    } catch (RuntimeException e) {
      return -1; // what is wrong with it is for problem() to say
    }
  }

  private static String check(TableSchema schema, ChangeRecord record, long nowMillis) {
    StoredRow row;
    try {
      row = RowFormat.decode(record.row());
    } catch (MeridianException e) {
      return "not a stored row: " + e.getMessage();
    }
    Object[] key = decodeKey(schema, record.key());
    if (key == null) {
      return "its key is not " + schema.keyColumns().size() + " canonical key value(s) of "
          + schema.name();
    }
    if (row.tombstone() != null && tooFarAhead(row.tombstone(), nowMillis)) {
      return "its tombstone stamp " + row.tombstone() + " is more than a day ahead";
    }
    for (Cell c : row.cells()) {
      if (c.column() >= schema.columnCount()) {
        return "a cell of column " + c.column() + ", but " + schema.name() + " has "
            + schema.columnCount() + " columns";
      }
      if (tooFarAhead(c.stamp(), nowMillis)) {
        return "the stamp " + c.stamp() + " of column " + schema.column(c.column()).name()
            + " is more than a day ahead";
      }
      String bad = valueProblem(schema, c);
      if (bad != null) {
        return bad;
      }
      int keyPosition = schema.keyPosition(c.column());
      if (keyPosition >= 0 && !Arrays.equals(c.encodedValue(), Cell.encode(key[keyPosition]))) {
        return "its key cell " + schema.column(c.column()).name() + " differs from its key";
      }
    }
    return null;
  }

  private static boolean tooFarAhead(Stamp stamp, long nowMillis) {
    return stamp.hlc() < 0 || stamp.millis() - nowMillis > MAX_STAMP_AHEAD_MS;
  }

  private static String valueProblem(TableSchema schema, Cell c) {
    ColumnDef column = schema.column(c.column());
    boolean counterColumn = column.type().kind() == TypeKind.COUNTER;
    if (counterColumn != c.isCounter()) {
      // The row format has already checked a counter's own layout and stamp.
      return counterColumn ? "COUNTER column " + column.name() + " holds a plain value"
          : "column " + column.name() + " holds a counter";
    }
    if (counterColumn) {
      return null;
    }
    Object value;
    try {
      value = c.value();
    } catch (MeridianException e) {
      return "column " + column.name() + ": " + e.getMessage();
    }
    if (value == null) {
      return column.nullable() && !schema.isKeyColumn(c.column()) ? null
          : "NULL in column " + column.name() + ", which may not hold one";
    }
    Object canonical;
    try {
      canonical = KeyBytes.fold(column.type().coerce(value));
    } catch (MeridianException e) {
      return "column " + column.name() + " " + column.type() + ": " + e.getMessage();
    }
    return Arrays.equals(Cell.encode(canonical), c.encodedValue()) ? null
        : "column " + column.name() + " holds a value not in its canonical form";
  }

  /** The key's values when the bytes are exactly the table's canonical key, else null. */
  private static Object[] decodeKey(TableSchema schema, byte[] bytes) {
    int n = schema.keyColumns().size();
    Object[] key = new Object[n];
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    try {
      for (int p = 0; p < n; p++) {
        Object v = Values.read(in);
        if (v == null) {
          return null;
        }
        key[p] = KeyBytes.fold(schema.column(schema.keyColumns().get(p)).type().coerce(v));
      }
      if (in.isReadable() || !Arrays.equals(KeyBytes.encode(key), bytes)) {
        return null;
      }
      return key;
    } catch (MeridianException e) {
      return null;
    } finally {
      in.release();
    }
  }
}
