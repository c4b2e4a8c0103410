package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.RowExprs;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@link RowWrite} checked and coerced against the stored {@link TableSchema}: the
 * canonical key bytes and the cells to write (key cells included, so a row is rebuilt from its
 * value alone), each value in its canonical encoding.
 *
 * <p>Checking happens on the peer that received the request, before anything reaches the
 * partition owner, so a bad row costs no round trip and a stored value always fits its column.
 * Immutable once built; arrays are not copied and must not be modified.
 *
 * @param key canonical key bytes ({@link TableKey})
 * @param columns written columns, ascending
 * @param values their encoded canonical values, parallel to {@code columns} (null where
 *     {@code computed} has the expression)
 * @param computed null, or per column the expression the owner evaluates against the current
 *     row (checked here to read only the table's columns, and for a COUNTER to be an increment)
 * @param condition null, or the condition the current row must satisfy
 */
record CheckedWrite(byte[] key, int[] columns, byte[][] values, RowExpr[] computed,
    RowExpr condition) {

  /** A write of plain values that reads nothing. */
  CheckedWrite(byte[] key, int[] columns, byte[][] values) {
    this(key, columns, values, null, null);
  }

  /** Whether the owner must read the row to write it. */
  boolean readsRow() {
    return computed != null || condition != null;
  }

  /**
   * Checks one row of a write.
   *
   * @throws MeridianException with the row's state: {@code 08P01} malformed, {@code 22xxx} a
   *     value that does not fit, {@code 22004} a NULL key, {@code 23502} NULL in a NOT NULL
   *     column, {@code 42703}/{@code 42701} a bad or repeated column index, {@code 0A000} a
   *     write that changes a key column
   */
  static CheckedWrite check(TableSchema schema, WriteKind kind, RowWrite row) {
    if (row == null) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "a row of the write is missing");
    }
    Object[] key = row.key();
    int keyCount = schema.keyColumns().size();
    if (key == null || key.length != keyCount) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "table " + schema.name()
          + " has " + keyCount + " key columns, but the row gave "
          + (key == null ? "no key" : key.length + " key values"));
    }
    Map<Integer, byte[]> cells = new TreeMap<>();
    Object[] canonicalKey = new Object[keyCount];
    for (int p = 0; p < keyCount; p++) {
      int index = schema.keyColumns().get(p);
      ColumnDef column = schema.column(index);
      if (key[p] == null) {
        throw new MeridianException(SqlState.NULL_VALUE_NOT_ALLOWED,
            "key column " + column.name() + " may not be NULL");
      }
      canonicalKey[p] = TableKey.coerce(column, key[p]);
      cells.put(index, TableKey.encodeValue(canonicalKey[p]));
    }
    if (kind == WriteKind.DELETE && row.columns().length > 0) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "a DELETE carries no cells, got "
          + row.columns().length);
    }
    if (row.readsRow() && kind != WriteKind.UPDATE && kind != WriteKind.DELETE) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "only UPDATE and DELETE may read"
          + " the row they write, not " + kind);
    }
    if (row.condition() != null) {
      checkColumns(schema, row.condition());
    }
    Map<Integer, RowExpr> computed = new TreeMap<>();
    boolean[] assigned = new boolean[schema.columnCount()];
    for (int i = 0; i < row.columns().length; i++) {
      int index = row.columns()[i];
      if (index < 0 || index >= schema.columnCount()) {
        throw new MeridianException(SqlState.UNDEFINED_COLUMN, "table " + schema.name()
            + " has no column number " + index + " (it has " + schema.columnCount() + ")");
      }
      ColumnDef column = schema.column(index);
      if (column.dropped()) {
        throw droppedColumn(schema, column);
      }
      if (assigned[index]) {
        throw new MeridianException(SqlState.DUPLICATE_COLUMN,
            "column " + column.name() + " is assigned twice");
      }
      assigned[index] = true;
      RowExpr expr = row.computed() == null ? null : row.computed()[i];
      boolean counter = column.type().kind() == TypeKind.COUNTER;
      if (expr != null) {
        if (schema.isKeyColumn(index)) {
          throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "changing key column "
              + column.name() + " is not supported; delete the row and insert it again");
        }
        checkColumns(schema, expr);
        if (counter && increment(expr, index) == null) {
          throw counterOnly(column);
        }
        computed.put(index, expr);
        continue;
      }
      if (counter) {
        throw counterOnly(column);
      }
      Object value = TableKey.coerce(column, row.values()[i]);
      boolean isKey = schema.isKeyColumn(index);
      if (value == null && (isKey || !column.nullable())) {
        throw isKey
            ? new MeridianException(SqlState.NULL_VALUE_NOT_ALLOWED,
                "key column " + column.name() + " may not be NULL")
            : new MeridianException(SqlState.NOT_NULL_VIOLATION,
                "column " + column.name() + " is NOT NULL");
      }
      byte[] encoded = TableKey.encodeValue(value);
      if (isKey) {
        if (!Arrays.equals(encoded, cells.get(index))) {
          throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "changing key column "
              + column.name() + " is not supported; delete the row and insert it again");
        }
      } else {
        cells.put(index, encoded);
      }
    }
    if (kind == WriteKind.INSERT) {
      for (int c = 0; c < schema.columnCount(); c++) {
        if (!schema.column(c).nullable() && !schema.column(c).dropped() && !cells.containsKey(c)
            && schema.column(c).type().kind() != TypeKind.COUNTER) {
          throw new MeridianException(SqlState.NOT_NULL_VIOLATION, "INSERT must set column "
              + schema.column(c).name() + ", which is NOT NULL");
        }
      }
    }
    for (Integer c : computed.keySet()) {
      cells.put(c, null);
    }
    int[] columns = new int[cells.size()];
    byte[][] values = new byte[cells.size()][];
    RowExpr[] exprs = computed.isEmpty() ? null : new RowExpr[cells.size()];
    int i = 0;
    for (Map.Entry<Integer, byte[]> e : cells.entrySet()) {
      columns[i] = e.getKey();
      values[i] = e.getValue();
      if (exprs != null) {
        exprs[i] = computed.get(e.getKey());
      }
      i++;
    }
    if (kind == WriteKind.DELETE) {
      return new CheckedWrite(TableKey.encode(canonicalKey), new int[0], new byte[0][], null,
          row.condition());
    }
    return new CheckedWrite(TableKey.encode(canonicalKey), columns, values, exprs,
        row.condition());
  }

  /**
   * The delta of a COUNTER assignment {@code c + delta} (or {@code c - delta}, negated in the
   * result's function), or null when {@code expr} is not one: the function (ADD or SUB) and the
   * delta expression, which must not read the counter.
   */
  static RowExpr.Call increment(RowExpr expr, int column) {
    if (expr instanceof RowExpr.Call call
        && (call.fn() == RowExpr.Fn.ADD || call.fn() == RowExpr.Fn.SUB)
        && call.args().get(0) instanceof RowExpr.Column c && c.index() == column
        && !RowExprs.reads(call.args().get(1), column)) {
      return call;
    }
    return null;
  }

  private static MeridianException counterOnly(ColumnDef column) {
    return new MeridianException(SqlState.WRONG_OBJECT_TYPE, "column " + column.name()
        + " is a COUNTER: it is written only by UPDATE ... SET " + column.name() + " = "
        + column.name() + " + n (or - n)");
  }

  /** {@code 42703} for a statement planned before the column was dropped. */
  private static MeridianException droppedColumn(TableSchema schema, ColumnDef column) {
    return new MeridianException(SqlState.UNDEFINED_COLUMN, "column " + column.name()
        + " was dropped from table " + schema.name());
  }

  /** {@code 42703} for an expression that reads a column the table does not have. */
  private static void checkColumns(TableSchema schema, RowExpr expr) {
    if (expr instanceof RowExpr.Column c && c.index() >= schema.columnCount()) {
      throw new MeridianException(SqlState.UNDEFINED_COLUMN, "table " + schema.name()
          + " has no column number " + c.index() + " (it has " + schema.columnCount() + ")");
    } else if (expr instanceof RowExpr.Column c && schema.column(c.index()).dropped()) {
      throw droppedColumn(schema, schema.column(c.index()));
    } else if (expr instanceof RowExpr.Call call) {
      for (RowExpr a : call.args()) {
        checkColumns(schema, a);
      }
    } else if (expr instanceof RowExpr.Cast cast) {
      checkColumns(schema, cast.arg());
    } else if (expr instanceof RowExpr.Param) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "an expression with an unbound"
          + " parameter");
    }
  }
}
