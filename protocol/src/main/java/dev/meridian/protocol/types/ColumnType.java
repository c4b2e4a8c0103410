package dev.meridian.protocol.types;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A column's SQL type: a {@link TypeKind} with its length or precision and scale.
 *
 * <p>{@link #coerce(Object)} is the one place where a Java value becomes the canonical value of
 * the type, so that the driver (binding parameters and literals) and the peer (checking what a
 * client sent) agree. Immutable and thread-safe.
 *
 * @param kind the kind
 * @param precision the length of VARCHAR/CHAR/VARBINARY, the precision of DECIMAL, else 0
 * @param scale the scale of DECIMAL, else 0
 */
public record ColumnType(TypeKind kind, int precision, int scale) {

  /** Largest length or precision accepted. */
  public static final int MAX_LENGTH = 1 << 20;
  /** Largest DECIMAL precision accepted. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  public ColumnType {
    if (kind == null) {
      throw new IllegalArgumentException("kind is null");
    }
    if (!kind.hasPrecision() && (precision != 0 || scale != 0)) {
      throw new MeridianException(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
          kind + " takes no length or precision");
    }
    if (kind.hasPrecision() && (precision < 1 || precision > MAX_LENGTH)) {
      throw new MeridianException(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
          kind + " needs a length between 1 and " + MAX_LENGTH + ", not " + precision);
    }
    if (kind == TypeKind.DECIMAL
        && (precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision)) {
      throw new MeridianException(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
          "DECIMAL(" + precision + "," + scale + ") is invalid: precision must be 1.."
              + MAX_DECIMAL_PRECISION + " and scale 0..precision");
    }
    if (!kind.hasScale() && scale != 0) {
      throw new MeridianException(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
          kind + " takes no scale");
    }
  }

  /** A type without length or precision, such as BIGINT. */
  public static ColumnType of(TypeKind kind) {
    return new ColumnType(kind, 0, 0);
  }

  /** A type with a length or precision, such as VARCHAR(20). */
  public static ColumnType of(TypeKind kind, int precision) {
    return new ColumnType(kind, precision, 0);
  }

  /** DECIMAL(precision, scale). */
  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(TypeKind.DECIMAL, precision, scale);
  }

  /** The JDBC type code. */
  public int jdbcType() {
    return kind.jdbcType();
  }

  /** The SQL spelling, e.g. {@code VARCHAR(20)} or {@code DECIMAL(10,2)}. */
  public String sqlName() {
    if (kind.hasScale()) {
      return kind.name() + "(" + precision + "," + scale + ")";
    }
    if (kind.hasPrecision()) {
      return kind.name() + "(" + precision + ")";
    }
    return kind.name();
  }

  @Override
  public String toString() {
    return sqlName();
  }

  /**
   * Converts a Java value to this type's canonical value ({@link TypeKind#javaClass()}).
   *
   * <p>Accepts what JDBC's {@code setObject} conversion table allows (see {@link Conversions},
   * the table the driver's getters use too): numbers between numeric types when the integer
   * part fits, booleans as 1/0, strings parsed for every type, {@code java.sql} and
   * {@code java.time} date/time values; then checks lengths and DECIMAL precision. Writing to
   * BOOLEAN is strict (only 0/1 and true/false). NULL stays null.
   *
   * @throws MeridianException with a {@code 22xxx} state when the value does not fit or parse
   */
  public Object coerce(Object value) {
    if (value == null) {
      return null;
    }
    String target = sqlName();
    return switch (kind) {
      case BIGINT, COUNTER -> Conversions.toLong(value, Long.MIN_VALUE, Long.MAX_VALUE, target);
      case INTEGER -> (int) Conversions.toLong(value, Integer.MIN_VALUE, Integer.MAX_VALUE, target);
      case SMALLINT -> (short) Conversions.toLong(value, Short.MIN_VALUE, Short.MAX_VALUE, target);
      case VARCHAR -> checkLength(toText(value));
      case CHAR -> padChar(checkLength(toText(value)));
      case BOOLEAN -> toBoolean(value);
      case DOUBLE -> Conversions.toDouble(value, target);
      case REAL -> Conversions.toReal(value, target);
      case DECIMAL -> toDecimal(value);
      case DATE -> Conversions.toDate(value, target);
      case TIME -> Conversions.toTime(value, target);
      case TIMESTAMP -> Conversions.toTimestamp(value, target);
      case VARBINARY -> toBinary(value);
    };
  }

  /**
   * Whether a column of this type may become {@code wider} in place: every value this type
   * holds is a value of {@code wider}, unchanged in meaning. SMALLINT to INTEGER or BIGINT,
   * INTEGER to BIGINT, REAL to DOUBLE, VARCHAR and VARBINARY to a greater length, DECIMAL to a
   * greater precision at the same scale, and any type to itself.
   */
  public boolean widensTo(ColumnType wider) {
    if (equals(wider)) {
      return true;
    }
    return switch (kind) {
      case VARCHAR, VARBINARY -> wider.kind == kind && wider.precision >= precision;
      case DECIMAL -> wider.kind == kind && wider.scale == scale
          && wider.precision >= precision;
      default -> false;
    };
  }

  private String toText(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof BigDecimal bd) {
      return bd.toPlainString();
    }
    if (value instanceof Character || value instanceof Number || value instanceof Boolean
        || value instanceof java.util.Date || value instanceof java.time.temporal.Temporal) {
      return String.valueOf(value);
    }
    throw Conversions.cannot(value, sqlName());
  }

  private String checkLength(String s) {
    if (s.length() > precision) {
      throw new MeridianException(SqlState.STRING_DATA_RIGHT_TRUNCATION,
          "a string of length " + s.length() + " does not fit " + sqlName());
    }
    return s;
  }

  private String padChar(String s) {
    if (s.length() == precision) {
      return s;
    }
    StringBuilder b = new StringBuilder(precision).append(s);
    while (b.length() < precision) {
      b.append(' ');
    }
    return b.toString();
  }

  private Boolean toBoolean(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (d == 0) {
        return false;
      }
      if (d == 1) {
        return true;
      }
    } else if (value instanceof String s) {
      String t = s.trim();
      if (t.equalsIgnoreCase("true") || t.equals("1")) {
        return true;
      }
      if (t.equalsIgnoreCase("false") || t.equals("0")) {
        return false;
      }
    }
    throw Conversions.cannot(value, sqlName());
  }

  private BigDecimal toDecimal(Object value) {
    BigDecimal scaled = Conversions.toDecimal(value, sqlName()).setScale(scale, RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > precision - scale) {
      throw Conversions.outOfRange(value, sqlName());
    }
    return scaled;
  }

  private byte[] toBinary(Object value) {
    if (value instanceof byte[] b) {
      if (b.length > precision) {
        throw new MeridianException(SqlState.STRING_DATA_RIGHT_TRUNCATION,
            "a byte array of length " + b.length + " does not fit " + sqlName());
      }
      return b;
    }
    throw Conversions.cannot(value, sqlName());
  }
}
