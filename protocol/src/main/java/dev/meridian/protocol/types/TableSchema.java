package dev.meridian.protocol.types;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A table's definition: name, columns in declaration order, primary key and conflict
 * resolution. Immutable and thread-safe.
 *
 * <p>{@code tableId} identifies one incarnation of a table: a table dropped and created again
 * under the same name gets a new id, so a client holding the old definition is told to reload
 * instead of writing rows of the wrong shape. An id of 0 means "not yet assigned" (a
 * {@code CREATE TABLE} on its way to a peer).
 *
 * @param tableId the incarnation id, or 0 before a peer assigned one
 * @param name the table's name as stored
 * @param columns the columns, in declaration order
 * @param keyColumns indexes into {@code columns} of the primary key, in key order
 * @param resolution per-cell or per-row conflict resolution
 */
public record TableSchema(long tableId, String name, List<ColumnDef> columns,
    List<Integer> keyColumns, ConflictResolution resolution) {

  public TableSchema {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("table name is empty");
    }
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " has no columns");
    }
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " has no primary key");
    }
    Set<String> seen = new HashSet<>();
    for (ColumnDef c : columns) {
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException("column " + c.name() + " is declared twice");
      }
    }
    Set<Integer> keys = new HashSet<>();
    for (int k : keyColumns) {
      if (k < 0 || k >= columns.size() || !keys.add(k)) {
        throw new IllegalArgumentException("bad key column index " + k);
      }
      if (columns.get(k).nullable()) {
        throw new IllegalArgumentException("key column " + columns.get(k).name() + " is nullable");
      }
    }
    if (resolution == null) {
      resolution = ConflictResolution.CELL;
    }
  }

  /** The same definition with another incarnation id. */
  public TableSchema withTableId(long id) {
    return new TableSchema(id, name, columns, keyColumns, resolution);
  }

  /** The index of the column with this exact name, or -1. */
  public int columnIndex(String columnName) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(columnName)) {
        return i;
      }
    }
    return -1;
  }

  /** The column at an index. */
  public ColumnDef column(int index) {
    return columns.get(index);
  }

  /** Number of columns. */
  public int columnCount() {
    return columns.size();
  }

  /** Whether the column at an index is part of the primary key. */
  public boolean isKeyColumn(int index) {
    return keyColumns.contains(index);
  }

  /** The position of a column in the key, or -1 when it is not a key column. */
  public int keyPosition(int columnIndex) {
    return keyColumns.indexOf(columnIndex);
  }
}
