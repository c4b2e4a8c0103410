package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.TableSchema;
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
 * @param values their encoded canonical values, parallel to {@code columns}
 */
record CheckedWrite(byte[] key, int[] columns, byte[][] values) {

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
    boolean[] assigned = new boolean[schema.columnCount()];
    for (int i = 0; i < row.columns().length; i++) {
      int index = row.columns()[i];
      if (index < 0 || index >= schema.columnCount()) {
        throw new MeridianException(SqlState.UNDEFINED_COLUMN, "table " + schema.name()
            + " has no column number " + index + " (it has " + schema.columnCount() + ")");
      }
      ColumnDef column = schema.column(index);
      if (assigned[index]) {
        throw new MeridianException(SqlState.DUPLICATE_COLUMN,
            "column " + column.name() + " is assigned twice");
      }
      assigned[index] = true;
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
        if (!schema.column(c).nullable() && !cells.containsKey(c)) {
          throw new MeridianException(SqlState.NOT_NULL_VIOLATION, "INSERT must set column "
              + schema.column(c).name() + ", which is NOT NULL");
        }
      }
    }
    int[] columns = new int[cells.size()];
    byte[][] values = new byte[cells.size()][];
    int i = 0;
    for (Map.Entry<Integer, byte[]> e : cells.entrySet()) {
      columns[i] = e.getKey();
      values[i] = e.getValue();
      i++;
    }
    if (kind == WriteKind.DELETE) {
      return new CheckedWrite(TableKey.encode(canonicalKey), new int[0], new byte[0][]);
    }
    return new CheckedWrite(TableKey.encode(canonicalKey), columns, values);
  }
}
