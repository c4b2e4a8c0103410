package dev.meridian.protocol.types;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

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
   * <p>Accepts what JDBC's {@code setObject} conversion table allows: numbers between numeric
   * types when the value fits without loss of the integer part, strings parsed for every type,
   * {@code java.sql} date/time classes, booleans as 0/1 and "true"/"false". NULL stays null.
   *
   * @throws MeridianException with a {@code 22xxx} state when the value does not fit or parse
   */
  public Object coerce(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return switch (kind) {
        case BIGINT -> toLong(value, Long.MIN_VALUE, Long.MAX_VALUE);
        case INTEGER -> (int) toLong(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
        case SMALLINT -> (short) toLong(value, Short.MIN_VALUE, Short.MAX_VALUE);
        case VARCHAR -> checkLength(toText(value));
        case CHAR -> padChar(checkLength(toText(value)));
        case BOOLEAN -> toBoolean(value);
        case DOUBLE -> toDouble(value);
        case REAL -> toReal(value);
        case DECIMAL -> toDecimal(value);
        case DATE -> toDate(value);
        case TIME -> toTime(value);
        case TIMESTAMP -> toTimestamp(value);
        case VARBINARY -> toBinary(value);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new MeridianException(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
          "cannot convert " + describe(value) + " to " + sqlName(), e);
    } catch (DateTimeParseException e) {
      throw new MeridianException(SqlState.INVALID_DATETIME_FORMAT,
          "cannot read " + describe(value) + " as " + sqlName()
              + " (expected " + datetimePattern() + ")", e);
    }
  }

  private String datetimePattern() {
    return switch (kind) {
      case DATE -> "yyyy-mm-dd";
      case TIME -> "hh:mm:ss[.fffffffff]";
      default -> "yyyy-mm-dd hh:mm:ss[.fffffffff]";
    };
  }

  private static String describe(Object value) {
    if (value instanceof byte[] b) {
      return "a byte array of length " + b.length;
    }
    String s = String.valueOf(value);
    if (s.length() > 40) {
      s = s.substring(0, 37) + "...";
    }
    return value instanceof String ? "'" + s + "'" : s + " (" + value.getClass().getSimpleName() + ")";
  }

  private MeridianException outOfRange(Object value) {
    return new MeridianException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        describe(value) + " is out of range for " + sqlName());
  }

  private MeridianException cannotConvert(Object value) {
    return new MeridianException(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
        "cannot convert " + describe(value) + " to " + sqlName());
  }

  private long toLong(Object value, long min, long max) {
    BigDecimal d;
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      long l = ((Number) value).longValue();
      if (l < min || l > max) {
        throw outOfRange(value);
      }
      return l;
    } else if (value instanceof BigDecimal bd) {
      d = bd;
    } else if (value instanceof BigInteger bi) {
      d = new BigDecimal(bi);
    } else if (value instanceof Double || value instanceof Float) {
      double x = ((Number) value).doubleValue();
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw outOfRange(value);
      }
      d = BigDecimal.valueOf(x);
    } else if (value instanceof String s) {
      d = new BigDecimal(s.trim());
    } else if (value instanceof Boolean b) {
      return b ? 1 : 0;
    } else {
      throw cannotConvert(value);
    }
    BigInteger whole = d.setScale(0, RoundingMode.DOWN).toBigInteger();
    if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
      throw outOfRange(value);
    }
    return whole.longValue();
  }

  private String toText(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof byte[]) {
      throw cannotConvert(value);
    }
    if (value instanceof BigDecimal bd) {
      return bd.toPlainString();
    }
    if (value instanceof Character || value instanceof Number || value instanceof Boolean
        || value instanceof java.util.Date || value instanceof java.time.temporal.Temporal) {
      return String.valueOf(value);
    }
    throw cannotConvert(value);
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
      throw cannotConvert(value);
    }
    if (value instanceof String s) {
      String t = s.trim();
      if (t.equalsIgnoreCase("true") || t.equals("1")) {
        return true;
      }
      if (t.equalsIgnoreCase("false") || t.equals("0")) {
        return false;
      }
    }
    throw cannotConvert(value);
  }

  private Double toDouble(Object value) {
    if (value instanceof Number n && !(value instanceof BigDecimal) && !(value instanceof BigInteger)) {
      return n.doubleValue();
    }
    if (value instanceof BigDecimal bd) {
      return bd.doubleValue();
    }
    if (value instanceof BigInteger bi) {
      return bi.doubleValue();
    }
    if (value instanceof String s) {
      return Double.parseDouble(s.trim());
    }
    throw cannotConvert(value);
  }

  private Float toReal(Object value) {
    double d = toDouble(value);
    if (!Double.isNaN(d) && !Double.isInfinite(d) && Math.abs(d) > Float.MAX_VALUE) {
      throw outOfRange(value);
    }
    return (float) d;
  }

  private BigDecimal toDecimal(Object value) {
    BigDecimal d;
    if (value instanceof BigDecimal bd) {
      d = bd;
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      d = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger bi) {
      d = new BigDecimal(bi);
    } else if (value instanceof Double || value instanceof Float) {
      double x = ((Number) value).doubleValue();
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw outOfRange(value);
      }
      d = new BigDecimal(Double.toString(x));
    } else if (value instanceof String s) {
      d = new BigDecimal(s.trim());
    } else {
      throw cannotConvert(value);
    }
    BigDecimal scaled = d.setScale(scale, RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > precision - scale) {
      throw outOfRange(value);
    }
    return scaled;
  }

  private LocalDate toDate(Object value) {
    if (value instanceof LocalDate d) {
      return d;
    }
    if (value instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (value instanceof LocalDateTime t) {
      return t.toLocalDate();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime().toLocalDate();
    }
    if (value instanceof String s) {
      return LocalDate.parse(s.trim());
    }
    throw cannotConvert(value);
  }

  private LocalTime toTime(Object value) {
    if (value instanceof LocalTime t) {
      return t;
    }
    if (value instanceof java.sql.Time t) {
      return t.toLocalTime();
    }
    if (value instanceof LocalDateTime t) {
      return t.toLocalTime();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime().toLocalTime();
    }
    if (value instanceof String s) {
      return LocalTime.parse(s.trim());
    }
    throw cannotConvert(value);
  }

  private LocalDateTime toTimestamp(Object value) {
    if (value instanceof LocalDateTime t) {
      return t;
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime();
    }
    if (value instanceof LocalDate d) {
      return d.atStartOfDay();
    }
    if (value instanceof java.sql.Date d) {
      return d.toLocalDate().atStartOfDay();
    }
    if (value instanceof java.time.Instant i) {
      return LocalDateTime.ofInstant(i, java.time.ZoneOffset.UTC);
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.atZoneSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime();
    }
    if (value instanceof String s) {
      String t = s.trim();
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay();
      }
      return LocalDateTime.parse(t.replace(' ', 'T'));
    }
    throw cannotConvert(value);
  }

  private byte[] toBinary(Object value) {
    if (value instanceof byte[] b) {
      if (b.length > precision) {
        throw new MeridianException(SqlState.STRING_DATA_RIGHT_TRUNCATION,
            "a byte array of length " + b.length + " does not fit " + sqlName());
      }
      return b;
    }
    throw cannotConvert(value);
  }
}
