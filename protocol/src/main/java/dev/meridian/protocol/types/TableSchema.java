package dev.meridian.protocol.types;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A table's definition: name, columns in declaration order, primary key, conflict resolution,
 * capacity limits and the version of its definition. Immutable and thread-safe.
 *
 * <p>A column's index in {@link #columns()} is its stable id (see {@link ColumnDef}): columns
 * dropped by {@code ALTER TABLE} stay in the list, marked dropped, and SQL sees only the
 * others ({@link #visibleColumnIds()}); {@link #columnIndex(String)} finds only live columns.
 * {@code version} starts at 1 and each {@code ALTER TABLE} adds one.
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
 * @param version the definition's version: 1 when created, one more per ALTER TABLE
 * @param capacity the write and read limits per region ({@link TableCapacity#NONE} when null)
 * @param ttlColumn the id of the TIMESTAMP column after whose time a row expires, or
 *     {@link #NO_TTL}; never a key column
 * @param conflictLog whether merges of this table's rows record what they discard
 */
public record TableSchema(long tableId, String name, List<ColumnDef> columns,
    List<Integer> keyColumns, ConflictResolution resolution, long version,
    TableCapacity capacity, int ttlColumn, boolean conflictLog) {

  /** {@link #ttlColumn()} of a table whose rows never expire. */
  public static final int NO_TTL = -1;

  /** A definition at version 1 without capacity limits. */
  public TableSchema(long tableId, String name, List<ColumnDef> columns,
      List<Integer> keyColumns, ConflictResolution resolution) {
    this(tableId, name, columns, keyColumns, resolution, 1);
  }

  /** A definition without capacity limits. */
  public TableSchema(long tableId, String name, List<ColumnDef> columns,
      List<Integer> keyColumns, ConflictResolution resolution, long version) {
    this(tableId, name, columns, keyColumns, resolution, version, TableCapacity.NONE);
  }

  /** A definition whose rows never expire, with the conflict log on. */
  public TableSchema(long tableId, String name, List<ColumnDef> columns,
      List<Integer> keyColumns, ConflictResolution resolution, long version,
      TableCapacity capacity) {
    this(tableId, name, columns, keyColumns, resolution, version, capacity, NO_TTL, true);
  }

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
    if (version < 1) {
      throw new IllegalArgumentException("table " + name + " has version " + version);
    }
    Set<String> seen = new HashSet<>();
    for (ColumnDef c : columns) {
      if (!c.dropped() && !seen.add(c.name())) {
        throw new IllegalArgumentException("column " + c.name() + " is declared twice");
      }
    }
    Set<Integer> keys = new HashSet<>();
    for (int k : keyColumns) {
      if (k < 0 || k >= columns.size() || !keys.add(k)) {
        throw new IllegalArgumentException("bad key column index " + k);
      }
      if (columns.get(k).dropped()) {
        throw new IllegalArgumentException("key column " + columns.get(k).name() + " is dropped");
      }
      if (columns.get(k).nullable()) {
        throw new IllegalArgumentException("key column " + columns.get(k).name() + " is nullable");
      }
    }
    if (resolution == null) {
      resolution = ConflictResolution.CELL;
    }
    if (capacity == null) {
      capacity = TableCapacity.NONE;
    }
    if (ttlColumn != NO_TTL) {
      if (ttlColumn < 0 || ttlColumn >= columns.size() || columns.get(ttlColumn).dropped()) {
        throw new IllegalArgumentException("bad ttl column index " + ttlColumn);
      }
      if (columns.get(ttlColumn).type().kind() != TypeKind.TIMESTAMP
          || keys.contains(ttlColumn)) {
        throw new IllegalArgumentException("ttl column " + columns.get(ttlColumn).name()
            + " is not a TIMESTAMP column outside the key");
      }
    }
  }

  /** Whether rows of this table expire at the time in their {@link #ttlColumn()}. */
  public boolean hasTtl() {
    return ttlColumn != NO_TTL;
  }

  /** The same definition with another incarnation id. */
  public TableSchema withTableId(long id) {
    return new TableSchema(id, name, columns, keyColumns, resolution, version, capacity,
        ttlColumn, conflictLog);
  }

  /** The next version of this definition, with these capacity limits. */
  public TableSchema withCapacity(TableCapacity limits) {
    return new TableSchema(tableId, name, columns, keyColumns, resolution, version + 1, limits,
        ttlColumn, conflictLog);
  }

  /**
   * The next version of this definition with these options.
   *
   * @param ttl the ttl column's id or {@link #NO_TTL}
   * @param log whether the conflict log records this table
   */
  public TableSchema withOptions(TableCapacity limits, int ttl, boolean log) {
    return new TableSchema(tableId, name, columns, keyColumns, resolution, version + 1, limits,
        ttl, log);
  }

  /** The next version of this definition: these columns under this name. */
  public TableSchema evolve(String newName, List<ColumnDef> newColumns) {
    return new TableSchema(tableId, newName, newColumns, keyColumns, resolution, version + 1,
        capacity, ttlColumn, conflictLog);
  }

  /** The ids (indexes) of the columns that are not dropped, in order. */
  public int[] visibleColumnIds() {
    int n = 0;
    for (ColumnDef c : columns) {
      n += c.dropped() ? 0 : 1;
    }
    int[] ids = new int[n];
    int j = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (!columns.get(i).dropped()) {
        ids[j++] = i;
      }
    }
    return ids;
  }

  /** Whether some column was dropped (so that column ids and SQL positions differ). */
  public boolean hasDroppedColumns() {
    for (ColumnDef c : columns) {
      if (c.dropped()) {
        return true;
      }
    }
    return false;
  }

  /** The index of the live (not dropped) column with this exact name, or -1. */
  public int columnIndex(String columnName) {
    for (int i = 0; i < columns.size(); i++) {
      if (!columns.get(i).dropped() && columns.get(i).name().equals(columnName)) {
        return i;
      }
    }
    return -1;
  }

  /** The column at an index. */
  public ColumnDef column(int index) {
    return columns.get(index);
  }

  /** Number of column ids, dropped columns included. */
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
