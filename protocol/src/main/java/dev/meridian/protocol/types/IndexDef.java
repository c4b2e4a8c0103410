package dev.meridian.protocol.types;

import java.util.List;

/**
 * A secondary index of one table in one region: its name (unique in the region), the table it
 * belongs to, and its key columns in order, each ascending or descending. Entries are derived
 * from the region's merged rows: a row is indexed while it is visible, under the values of the
 * key columns, NULL sorting above every value (so first in a descending column).
 *
 * <p>{@code ready} is false while the index is being built for the rows that existed when it
 * was created; only a ready index serves queries. Immutable and thread-safe.
 *
 * @param name the index's name as stored
 * @param table the table's name
 * @param tableId the table incarnation the index belongs to
 * @param keys the indexed columns, in order
 * @param ready whether the index holds every row (its online build finished)
 */
public record IndexDef(String name, String table, long tableId, List<Key> keys, boolean ready) {

  /**
   * How the names of primary-key indexes begin. Every table has one, implicitly: its key
   * columns ascending, under {@link #primaryKey}'s name; it is in no catalog and cannot be
   * created or dropped, and a declared index may not take such a name.
   */
  public static final String PRIMARY_KEY_PREFIX = "PRIMARY KEY#";

  /** One indexed column: its index in the table, and whether larger values come first. */
  public record Key(int column, boolean descending) {}

  public IndexDef {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("index name is empty");
    }
    if (table == null || table.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " names no table");
    }
    keys = List.copyOf(keys);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " has no columns");
    }
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Key k : keys) {
      if (k.column() < 0 || !seen.add(k.column())) {
        throw new IllegalArgumentException("index " + name + ": bad column " + k.column());
      }
    }
  }

  /**
   * The implicit index of a table's primary key: its key columns ascending, always ready, named
   * {@value #PRIMARY_KEY_PREFIX} and the table incarnation's id (unique in the region).
   */
  public static IndexDef primaryKey(TableSchema table) {
    List<Key> keys = new java.util.ArrayList<>();
    for (int column : table.keyColumns()) {
      keys.add(new Key(column, false));
    }
    return new IndexDef(PRIMARY_KEY_PREFIX + table.tableId(), table.name(), table.tableId(), keys,
        true);
  }

  /** Whether a name is that of an implicit primary-key index. */
  public static boolean isPrimaryKey(String name) {
    return name != null && name.startsWith(PRIMARY_KEY_PREFIX);
  }

  /** Whether this is a table's implicit primary-key index. */
  public boolean primaryKey() {
    return isPrimaryKey(name);
  }

  /** The same index, ready or not. */
  public IndexDef withReady(boolean isReady) {
    return new IndexDef(name, table, tableId, keys, isReady);
  }

  /** The same index for another table incarnation. */
  public IndexDef withTableId(long id) {
    return new IndexDef(name, table, id, keys, ready);
  }

  /** Whether the index's first column is this table column. */
  public boolean leads(int column) {
    return keys.get(0).column() == column;
  }
}
