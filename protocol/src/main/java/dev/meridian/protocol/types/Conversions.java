package dev.meridian.protocol.types;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The one table of value conversions, following JDBC's: used both ways, by
 * {@link ColumnType#coerce} for values going into a column ({@code setObject}, literals, what a
 * peer receives) and by the driver's result-set getters for values coming out. Keeping one
 * table means a string that a statement accepts as a DATE is also one a getter reads as a DATE.
 *
 * <p>Arguments are non-null; callers decide what SQL NULL becomes. Failures are
 * {@link MeridianException}s: {@code 22018} for a value of a kind that does not convert,
 * {@code 22003} for a number out of range, {@code 22007} for unreadable dates and times, each
 * naming the value and {@code target} (how the caller spells the destination type).
 * Stateless and thread-safe.
 */
public final class Conversions {
  private Conversions() {}

  /** The integer part of a number, string or boolean (1/0), which must lie in [min, max]. */
  public static long toLong(Object v, long min, long max, String target) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long l = ((Number) v).longValue();
      if (l < min || l > max) {
        throw outOfRange(v, target);
      }
      return l;
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    BigInteger whole = toDecimal(v, target).setScale(0, RoundingMode.DOWN).toBigInteger();
    if (whole.compareTo(BigInteger.valueOf(min)) < 0
        || whole.compareTo(BigInteger.valueOf(max)) > 0) {
      throw outOfRange(v, target);
    }
    return whole.longValue();
  }

  /** A number, string or boolean (1/0) as a double. */
  public static double toDouble(Object v, String target) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw cannot(v, target);
      }
    }
    throw cannot(v, target);
  }

  /** As {@link #toDouble}, failing with {@code 22003} beyond REAL's finite range. */
  public static float toReal(Object v, String target) {
    double d = toDouble(v, target);
    if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
      throw outOfRange(v, target);
    }
    return (float) d;
  }

  /** A number, string or boolean (1/0) as an exact decimal, its scale as it comes. */
  public static BigDecimal toDecimal(Object v, String target) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger bi) {
      return new BigDecimal(bi);
    }
    if (v instanceof Double || v instanceof Float) {
      double x = ((Number) v).doubleValue();
      if (!Double.isFinite(x)) {
        throw outOfRange(v, target);
      }
      return new BigDecimal(v.toString());
    }
    if (v instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw cannot(v, target);
      }
    }
    throw cannot(v, target);
  }

  /** A date: date and timestamp values (their date part) and {@code yyyy-mm-dd[ time]} text. */
  public static LocalDate toDate(Object v, String target) {
    if (v instanceof LocalDate d) {
      return d;
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof LocalDateTime || v instanceof java.sql.Timestamp || v instanceof Instant
        || v instanceof OffsetDateTime) {
      return toTimestamp(v, target).toLocalDate();
    }
    if (v instanceof String s) {
      String t = s.trim();
      try {
        return t.length() > 10 ? parseTimestamp(t).toLocalDate() : LocalDate.parse(t);
      } catch (DateTimeParseException e) {
        throw unreadable(v, target, "yyyy-mm-dd", e);
      }
    }
    throw cannot(v, target);
  }

  /** A time of day: time and timestamp values (their time part) and {@code hh:mm:ss[.f]} text. */
  public static LocalTime toTime(Object v, String target) {
    if (v instanceof LocalTime t) {
      return t;
    }
    if (v instanceof java.sql.Time t) {
      return t.toLocalTime();
    }
    if (v instanceof LocalDateTime || v instanceof java.sql.Timestamp) {
      return toTimestamp(v, target).toLocalTime();
    }
    if (v instanceof String s) {
      try {
        return LocalTime.parse(s.trim());
      } catch (DateTimeParseException e) {
        throw unreadable(v, target, "hh:mm:ss[.fffffffff]", e);
      }
    }
    throw cannot(v, target);
  }

  /**
   * A timestamp: timestamps, dates (at midnight), instants and offset date-times (as UTC), and
   * {@code yyyy-mm-dd[ hh:mm:ss[.f]]} text.
   */
  public static LocalDateTime toTimestamp(Object v, String target) {
    if (v instanceof LocalDateTime t) {
      return t;
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime();
    }
    if (v instanceof LocalDate d) {
      return d.atStartOfDay();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().atStartOfDay();
    }
    if (v instanceof Instant i) {
      return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }
    if (v instanceof OffsetDateTime o) {
      return o.atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    if (v instanceof String s) {
      try {
        return parseTimestamp(s.trim());
      } catch (DateTimeParseException e) {
        throw unreadable(v, target, "yyyy-mm-dd hh:mm:ss[.fffffffff]", e);
      }
    }
    throw cannot(v, target);
  }

  private static LocalDateTime parseTimestamp(String t) {
    return t.length() == 10 ? LocalDate.parse(t).atStartOfDay()
        : LocalDateTime.parse(t.replace(' ', 'T'));
  }

  /** {@code 22018}: the value does not convert to {@code target}. */
  public static MeridianException cannot(Object v, String target) {
    return new MeridianException(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
        "cannot convert " + describe(v) + " to " + target);
  }

  /** {@code 22003}: the number does not fit {@code target}. */
  public static MeridianException outOfRange(Object v, String target) {
    return new MeridianException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        describe(v) + " is out of range for " + target);
  }

  private static MeridianException unreadable(Object v, String target, String pattern,
      Throwable cause) {
    return new MeridianException(SqlState.INVALID_DATETIME_FORMAT,
        "cannot read " + describe(v) + " as " + target + " (expected " + pattern + ")", cause);
  }

  /** A value as error messages show it: quoted strings, long ones cut, arrays by length. */
  public static String describe(Object v) {
    if (v instanceof byte[] b) {
      return "a byte array of length " + b.length;
    }
    String s = String.valueOf(v);
    if (s.length() > 40) {
      s = s.substring(0, 37) + "...";
    }
    return v instanceof String ? "'" + s + "'" : s + " (" + v.getClass().getSimpleName() + ")";
  }
}
