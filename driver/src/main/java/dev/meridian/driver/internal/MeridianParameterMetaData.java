package dev.meridian.driver.internal;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code ?} parameters of a prepared statement: the type of the column each one is
 * compared with or written to, as the planner found it. Nullability is unknown (a key column
 * takes no NULL, but {@code k = ?} with NULL is legal and matches nothing). Immutable and
 * thread-safe.
 */
final class MeridianParameterMetaData implements ParameterMetaData {
  private final List<ColumnType> types;

  MeridianParameterMetaData(List<ColumnType> types) {
    this.types = List.copyOf(types);
  }

  private ColumnType type(int param) throws SQLException {
    if (param < 1 || param > types.size()) {
      throw SqlExceptions.of(SqlState.INVALID_DESCRIPTOR_INDEX, "parameter index " + param
          + " is out of range: the statement has " + types.size() + " parameters");
    }
    return types.get(param - 1);
  }

  @Override
  public int getParameterCount() {
    return types.size();
  }

  @Override
  public int isNullable(int param) throws SQLException {
    type(param);
    return parameterNullableUnknown;
  }

  @Override
  public boolean isSigned(int param) throws SQLException {
    return TypeFacts.signed(type(param).kind());
  }

  @Override
  public int getPrecision(int param) throws SQLException {
    return TypeFacts.precision(type(param));
  }

  @Override
  public int getScale(int param) throws SQLException {
    return TypeFacts.scale(type(param));
  }

  @Override
  public int getParameterType(int param) throws SQLException {
    return type(param).jdbcType();
  }

  @Override
  public String getParameterTypeName(int param) throws SQLException {
    return type(param).kind().name();
  }

  @Override
  public String getParameterClassName(int param) throws SQLException {
    return TypeFacts.className(type(param).kind());
  }

  @Override
  public int getParameterMode(int param) throws SQLException {
    type(param);
    return parameterModeIn;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
        "Meridian parameter metadata is not a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
