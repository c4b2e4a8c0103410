package dev.meridian.protocol.types;

/**
 * Which definitions may follow a table's definition through {@code ALTER TABLE}: the rule the
 * planner builds by and the peer checks again before it stores a new version, so that cells
 * stored under any earlier version stay readable under every later one.
 *
 * <p>A legal successor keeps the table's id, key and conflict resolution, has the next version,
 * and keeps every column id: a column keeps its type or widens it
 * ({@link ColumnType#widensTo}), may be renamed, may be dropped (a key column never), and stays
 * dropped once dropped; new columns come only at the end, live and nullable (the rows already
 * there have no cell for them and read NULL).
 * Stateless and thread-safe.
 */
public final class SchemaEvolution {
  private SchemaEvolution() {}

  /** Null when {@code next} may follow {@code current}, else what is wrong. */
  public static String problem(TableSchema current, TableSchema next) {
    if (next.tableId() != current.tableId()) {
      return "it names table id " + Long.toHexString(next.tableId()) + ", not "
          + Long.toHexString(current.tableId());
    }
    if (next.version() != current.version() + 1) {
      return "table " + current.name() + " is at version " + current.version()
          + ", not " + (next.version() - 1);
    }
    if (!next.keyColumns().equals(current.keyColumns())
        || next.resolution() != current.resolution()) {
      return "the primary key and conflict resolution of a table cannot change";
    }
    if (next.columnCount() < current.columnCount()) {
      return "columns cannot disappear; a dropped column keeps its place";
    }
    for (int i = 0; i < current.columnCount(); i++) {
      ColumnDef was = current.column(i);
      ColumnDef now = next.column(i);
      if (was.dropped() && !now.dropped()) {
        return "dropped column " + was.name() + " cannot come back";
      }
      if (!was.type().widensTo(now.type())) {
        return "column " + was.name() + " cannot change from " + was.type() + " to "
            + now.type() + ": only widening keeps the values already stored";
      }
      if (was.nullable() != now.nullable()) {
        return "column " + was.name() + " cannot change its nullability";
      }
    }
    for (int i = current.columnCount(); i < next.columnCount(); i++) {
      ColumnDef added = next.column(i);
      if (added.dropped()) {
        return "an added column cannot be dropped already";
      }
      if (!added.nullable()) {
        return "added column " + added.name() + " is NOT NULL: the rows already there would"
            + " hold NULL";
      }
    }
    return null;
  }
}
