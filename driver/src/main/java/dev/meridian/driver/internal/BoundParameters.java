package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.JDBCType;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * The values bound to a prepared statement's {@code ?}s, 1-based as JDBC counts them. Values
 * are kept as given (the statement's plan coerces them to their column's type when it runs),
 * except what only the setter can know, such as a {@code Calendar}'s zone or a target SQL type.
 * Not thread-safe.
 */
final class BoundParameters {
  private final Object[] values;
  private final boolean[] set;

  BoundParameters(int count) {
    this.values = new Object[count];
    this.set = new boolean[count];
  }

  /** Binds a value (null for SQL NULL); {@code 07009} when the index is out of range. */
  void set(int index, Object value) throws SQLException {
    check(index);
    values[index - 1] = value;
    set[index - 1] = true;
  }

  void check(int index) throws SQLException {
    if (index < 1 || index > values.length) {
      throw SqlExceptions.of(SqlState.INVALID_DESCRIPTOR_INDEX, "parameter index " + index
          + " is out of range: the statement has " + values.length + " parameter"
          + (values.length == 1 ? "" : "s") + (values.length == 0 ? "" : " (1 to "
              + values.length + ")"));
    }
  }

  void clear() {
    Arrays.fill(values, null);
    Arrays.fill(set, false);
  }

  /** A copy of the values (0-based); {@code 07001} naming the first parameter not set. */
  Object[] snapshot() throws SQLException {
    for (int i = 0; i < set.length; i++) {
      if (!set[i]) {
        throw SqlExceptions.of(SqlState.WRONG_PARAMETER_COUNT, "parameter " + (i + 1)
            + " is not set; bind every parameter (setNull for NULL) before executing");
      }
    }
    return values.clone();
  }

  /**
   * Converts a value to the Java class of a JDBC target type, for
   * {@code setObject(index, x, targetSqlType[, scaleOrLength])}.
   *
   * @param scaleOrLength the scale for DECIMAL/NUMERIC, or null
   * @throws MeridianException {@code 22xxx} when the value does not convert, {@code 0A000} for
   *     a target type Meridian does not have
   */
  static Object forTarget(Object x, int targetSqlType, Integer scaleOrLength) {
    if (x == null || targetSqlType == Types.NULL) {
      return null;
    }
    switch (targetSqlType) {
      case Types.BIT:
      case Types.BOOLEAN:
        return ColumnType.of(TypeKind.BOOLEAN).coerce(x);
      case Types.TINYINT:
      case Types.SMALLINT:
        return ColumnType.of(TypeKind.SMALLINT).coerce(x);
      case Types.INTEGER:
        return ColumnType.of(TypeKind.INTEGER).coerce(x);
      case Types.BIGINT:
        return ColumnType.of(TypeKind.BIGINT).coerce(x);
      case Types.REAL:
        return ColumnType.of(TypeKind.REAL).coerce(x);
      case Types.FLOAT:
      case Types.DOUBLE:
        return ColumnType.of(TypeKind.DOUBLE).coerce(x);
      case Types.DECIMAL:
      case Types.NUMERIC:
        return decimal(x, scaleOrLength);
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
        return ColumnType.of(TypeKind.VARCHAR, ColumnType.MAX_LENGTH).coerce(x);
      case Types.DATE:
        return ColumnType.of(TypeKind.DATE).coerce(x);
      case Types.TIME:
        return ColumnType.of(TypeKind.TIME).coerce(x);
      case Types.TIMESTAMP:
        return ColumnType.of(TypeKind.TIMESTAMP).coerce(x);
      case Types.BINARY:
      case Types.VARBINARY:
      case Types.LONGVARBINARY:
        return ColumnType.of(TypeKind.VARBINARY, ColumnType.MAX_LENGTH).coerce(x);
      case Types.OTHER:
      case Types.JAVA_OBJECT:
        return x;
      default:
        throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "setObject with target type "
            + typeName(targetSqlType) + " is not supported by Meridian");
    }
  }

  private static Object decimal(Object x, Integer scale) {
    BigDecimal d;
    if (x instanceof BigDecimal bd) {
      d = bd;
    } else if (x instanceof BigInteger bi) {
      d = new BigDecimal(bi);
    } else if (x instanceof Number || x instanceof String) {
      try {
        d = new BigDecimal(x.toString().trim());
      } catch (NumberFormatException e) {
        throw new MeridianException(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
            "cannot convert '" + x + "' to DECIMAL", e);
      }
    } else if (x instanceof Boolean b) {
      d = b ? BigDecimal.ONE : BigDecimal.ZERO;
    } else {
      throw new MeridianException(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
          "cannot convert " + x.getClass().getSimpleName() + " to DECIMAL");
    }
    return scale == null ? d : d.setScale(scale, java.math.RoundingMode.HALF_UP);
  }

  static String typeName(int sqlType) {
    try {
      return JDBCType.valueOf(sqlType).getName();
    } catch (IllegalArgumentException e) {
      return "code " + sqlType;
    }
  }
}
