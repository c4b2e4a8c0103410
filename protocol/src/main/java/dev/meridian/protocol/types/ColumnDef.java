package dev.meridian.protocol.types;

/**
 * One column of a table. A column's position in {@link TableSchema#columns()} is its stable id:
 * cells are stored under it, {@code ALTER TABLE} only appends columns and never reuses a
 * position, a rename changes only the name, and a dropped column keeps its slot, marked
 * {@code dropped}, so that cells written before the drop (here or in a region that has not
 * heard of it yet) are kept but never read.
 *
 * @param name the column's name as stored (unquoted identifiers upper-cased by the parser)
 * @param type its SQL type
 * @param nullable false for key columns and columns declared NOT NULL
 * @param dropped whether {@code ALTER TABLE … DROP COLUMN} removed it: invisible to SQL, its
 *     name free for a new column
 */
public record ColumnDef(String name, ColumnType type, boolean nullable, boolean dropped) {
  public ColumnDef {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("column name is empty");
    }
    if (type == null) {
      throw new IllegalArgumentException("column " + name + " has no type");
    }
  }

  /** A live column. */
  public ColumnDef(String name, ColumnType type, boolean nullable) {
    this(name, type, nullable, false);
  }

  /** The same column under another name. */
  public ColumnDef renamed(String newName) {
    return new ColumnDef(newName, type, nullable, dropped);
  }

  /** The same column with another type. */
  public ColumnDef retyped(ColumnType newType) {
    return new ColumnDef(name, newType, nullable, dropped);
  }

  /** The same column, dropped. */
  public ColumnDef asDropped() {
    return new ColumnDef(name, type, nullable, true);
  }
}
