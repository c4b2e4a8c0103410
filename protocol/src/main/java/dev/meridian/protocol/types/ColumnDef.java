package dev.meridian.protocol.types;

/**
 * One column of a table.
 *
 * @param name the column's name as stored (unquoted identifiers upper-cased by the parser)
 * @param type its SQL type
 * @param nullable false for key columns and columns declared NOT NULL
 */
public record ColumnDef(String name, ColumnType type, boolean nullable) {
  public ColumnDef {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("column name is empty");
    }
    if (type == null) {
      throw new IllegalArgumentException("column " + name + " has no type");
    }
  }
}
