package dev.meridian.driver.internal;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.SystemTables;
import java.sql.ResultSetMetaData;

/**
 * One column of a result: what {@link MeridianResultSetMetaData} reports about it.
 *
 * @param label the label ({@code AS} name, else the column name)
 * @param name the underlying column's name, or the label for computed columns
 * @param table the table the column comes from, or "" for computed columns
 * @param type its SQL type
 * @param nullable one of {@link ResultSetMetaData#columnNoNulls}, {@code columnNullable},
 *     {@code columnNullableUnknown}
 * @param schema the table's schema: {@link SystemTables#SCHEMA} for a system table, else ""
 *     (user tables are named without one)
 */
record ResultColumn(String label, String name, String table, ColumnType type, int nullable,
    String schema) {

  /** A column of a user table, or a computed one when {@code table} is "". */
  ResultColumn(String label, String name, String table, ColumnType type, int nullable) {
    this(label, name, table, type, nullable, "");
  }

  /** A computed column (constants, metadata results): no table, nullability unknown. */
  static ResultColumn computed(String label, ColumnType type) {
    return new ResultColumn(label, label, "", type, ResultSetMetaData.columnNullableUnknown);
  }

  /** Whether no statement can write the column: it is computed or of a system table. */
  boolean readOnly() {
    return table.isEmpty() || schema.equals(SystemTables.SCHEMA);
  }
}
