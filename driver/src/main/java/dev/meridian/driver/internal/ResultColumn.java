package dev.meridian.driver.internal;

import dev.meridian.protocol.types.ColumnType;
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
 */
record ResultColumn(String label, String name, String table, ColumnType type, int nullable) {

  /** A computed column (constants, metadata results): no table, nullability unknown. */
  static ResultColumn computed(String label, ColumnType type) {
    return new ResultColumn(label, label, "", type, ResultSetMetaData.columnNullableUnknown);
  }
}
