package dev.meridian.driver.internal;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;

/**
 * The columns of a result: labels, names, tables and types, from {@link ResultColumn}s and
 * {@link TypeFacts}. Meridian has no catalogs, so their names are ""; the schema name is
 * {@code MERIDIAN} for columns of system tables and "" otherwise. Immutable and thread-safe;
 * usable after its result set closed.
 */
final class MeridianResultSetMetaData implements ResultSetMetaData {
  private final List<ResultColumn> columns;

  MeridianResultSetMetaData(List<ResultColumn> columns) {
    this.columns = List.copyOf(columns);
  }

  private ResultColumn column(int column) throws SQLException {
    if (column < 1 || column > columns.size()) {
      throw SqlExceptions.of(SqlState.INVALID_DESCRIPTOR_INDEX, "column index " + column
          + " is out of range: the result has " + columns.size() + " columns");
    }
    return columns.get(column - 1);
  }

  private ColumnType type(int column) throws SQLException {
    return column(column).type();
  }

  @Override
  public int getColumnCount() {
    return columns.size();
  }

  @Override
  public boolean isAutoIncrement(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public boolean isCaseSensitive(int column) throws SQLException {
    return TypeFacts.caseSensitive(type(column).kind());
  }

  @Override
  public boolean isSearchable(int column) throws SQLException {
    column(column);
    return true;
  }

  @Override
  public boolean isCurrency(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public int isNullable(int column) throws SQLException {
    return column(column).nullable();
  }

  @Override
  public boolean isSigned(int column) throws SQLException {
    return TypeFacts.signed(type(column).kind());
  }

  @Override
  public int getColumnDisplaySize(int column) throws SQLException {
    return TypeFacts.displaySize(type(column));
  }

  @Override
  public String getColumnLabel(int column) throws SQLException {
    return column(column).label();
  }

  @Override
  public String getColumnName(int column) throws SQLException {
    return column(column).name();
  }

  @Override
  public String getSchemaName(int column) throws SQLException {
    return column(column).schema();
  }

  @Override
  public int getPrecision(int column) throws SQLException {
    return TypeFacts.precision(type(column));
  }

  @Override
  public int getScale(int column) throws SQLException {
    return TypeFacts.scale(type(column));
  }

  @Override
  public String getTableName(int column) throws SQLException {
    return column(column).table();
  }

  @Override
  public String getCatalogName(int column) throws SQLException {
    column(column);
    return "";
  }

  @Override
  public int getColumnType(int column) throws SQLException {
    return type(column).jdbcType();
  }

  @Override
  public String getColumnTypeName(int column) throws SQLException {
    return type(column).kind().name();
  }

  @Override
  public boolean isReadOnly(int column) throws SQLException {
    return column(column).readOnly();
  }

  @Override
  public boolean isWritable(int column) throws SQLException {
    return !isReadOnly(column);
  }

  @Override
  public boolean isDefinitelyWritable(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public String getColumnClassName(int column) throws SQLException {
    return TypeFacts.className(type(column).kind());
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
        "Meridian result set metadata is not a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
