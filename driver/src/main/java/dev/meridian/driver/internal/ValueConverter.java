package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Conversions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.HexFormat;

/**
 * Converts canonical column values (see {@link dev.meridian.protocol.types.TypeKind#javaClass()})
 * into what the {@code ResultSet} getters return, with the same {@link Conversions} table that
 * {@code setObject} and literals go through, plus what only getters do (any value as text,
 * {@code java.sql} date/time values in a calendar's zone, lenient booleans): numbers
 * between numeric types when the integer part fits (fractions are truncated), strings parsed
 * for every type, any value as a string, dates and times as {@code java.sql} or
 * {@code java.time} values. Stateless and thread-safe.
 */
final class ValueConverter {
  private ValueConverter() {}

  /** {@code getString}: any value as text; times as {@code hh:mm:ss[.f]}, binary as hex. */
  static String toText(Object v) {
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof LocalTime t) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    }
    if (v instanceof LocalDateTime t) {
      return t.toLocalDate() + " " + DateTimeFormatter.ISO_LOCAL_TIME.format(t.toLocalTime());
    }
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    return String.valueOf(v);
  }

  /** {@code getBoolean}: booleans; numbers (0 is false, else true); true/false/1/0 text. */
  static boolean toBoolean(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof BigDecimal d) {
      return d.signum() != 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof String s) {
      String t = s.trim();
      if (t.equalsIgnoreCase("true") || t.equals("1")) {
        return true;
      }
      if (t.equalsIgnoreCase("false") || t.equals("0")) {
        return false;
      }
    }
    throw Conversions.cannot(v, "BOOLEAN");
  }

  /** {@code getLong} and its narrower kin: the integer part, which must be within bounds. */
  static long toLong(Object v, long min, long max, String target) {
    return v == null ? 0 : Conversions.toLong(v, min, max, target);
  }

  /** {@code getDouble}. */
  static double toDouble(Object v) {
    return v == null ? 0 : Conversions.toDouble(v, "DOUBLE");
  }

  /** {@code getFloat}; a finite value beyond REAL's range fails with {@code 22003}. */
  static float toFloat(Object v) {
    return v == null ? 0 : Conversions.toReal(v, "REAL");
  }

  /** {@code getBigDecimal}; null for SQL NULL. */
  static BigDecimal toBigDecimal(Object v) {
    return v == null ? null : Conversions.toDecimal(v, "DECIMAL");
  }

  /** {@code getBytes}: binary values only (a copy). */
  static byte[] toBytes(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return b.clone();
    }
    throw Conversions.cannot(v, "VARBINARY");
  }

  static LocalDate toLocalDate(Object v) {
    return v == null ? null : Conversions.toDate(v, "DATE");
  }

  static LocalTime toLocalTime(Object v) {
    return v == null ? null : Conversions.toTime(v, "TIME");
  }

  static LocalDateTime toLocalDateTime(Object v) {
    return v == null ? null : Conversions.toTimestamp(v, "TIMESTAMP");
  }

  /** {@code getDate}: midnight of the date in the calendar's zone (the JVM's without one). */
  static java.sql.Date toDate(Object v, Calendar cal) {
    LocalDate d = toLocalDate(v);
    if (d == null) {
      return null;
    }
    if (cal == null) {
      return java.sql.Date.valueOf(d);
    }
    return new java.sql.Date(d.atStartOfDay(zone(cal)).toInstant().toEpochMilli());
  }

  /** {@code getTime}: milliseconds kept, finer digits dropped. */
  static Time toTime(Object v, Calendar cal) {
    LocalTime t = toLocalTime(v);
    if (t == null) {
      return null;
    }
    if (cal == null) {
      return new Time(Time.valueOf(t).getTime() + t.getNano() / 1_000_000);
    }
    return new Time(t.atDate(LocalDate.EPOCH).atZone(zone(cal)).toInstant().toEpochMilli());
  }

  /** {@code getTimestamp}: nanoseconds kept. */
  static Timestamp toTimestamp(Object v, Calendar cal) {
    LocalDateTime t = toLocalDateTime(v);
    if (t == null) {
      return null;
    }
    if (cal == null) {
      return Timestamp.valueOf(t);
    }
    return Timestamp.from(t.atZone(zone(cal)).toInstant());
  }

  private static ZoneId zone(Calendar cal) {
    return cal.getTimeZone().toZoneId();
  }

  /** {@code getObject(int)}: JDBC's default class for the value's type. */
  static Object toJdbcObject(Object v) {
    if (v instanceof Short s) {
      return s.intValue();
    }
    if (v instanceof LocalDate || v instanceof LocalTime || v instanceof LocalDateTime) {
      return v instanceof LocalDate ? toDate(v, null)
          : v instanceof LocalTime ? toTime(v, null) : toTimestamp(v, null);
    }
    if (v instanceof byte[] b) {
      return b.clone();
    }
    return v;
  }

  /** {@code getObject(int, Class)}; null for SQL NULL whatever the class. */
  static <T> T to(Object v, Class<T> type) {
    if (v == null) {
      return null;
    }
    Object out;
    if (type == String.class) {
      out = toText(v);
    } else if (type == Long.class) {
      out = toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
    } else if (type == Integer.class) {
      out = (int) toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "INTEGER");
    } else if (type == Short.class) {
      out = (short) toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "SMALLINT");
    } else if (type == Byte.class) {
      out = (byte) toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "TINYINT");
    } else if (type == Double.class) {
      out = toDouble(v);
    } else if (type == Float.class) {
      out = toFloat(v);
    } else if (type == BigDecimal.class) {
      out = toBigDecimal(v);
    } else if (type == BigInteger.class) {
      out = Conversions.toDecimal(v, "BIGINT").setScale(0, RoundingMode.DOWN).toBigInteger();
    } else if (type == Boolean.class) {
      out = toBoolean(v);
    } else if (type == byte[].class) {
      out = toBytes(v);
    } else if (type == LocalDate.class) {
      out = toLocalDate(v);
    } else if (type == LocalTime.class) {
      out = toLocalTime(v);
    } else if (type == LocalDateTime.class) {
      out = toLocalDateTime(v);
    } else if (type == java.sql.Date.class) {
      out = toDate(v, null);
    } else if (type == Time.class) {
      out = toTime(v, null);
    } else if (type == Timestamp.class || type == java.util.Date.class) {
      out = toTimestamp(v, null);
    } else if (type == Object.class) {
      out = toJdbcObject(v);
    } else {
      throw new MeridianException(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, "cannot return "
          + Conversions.describe(v) + " as " + type.getName() + "; supported: String, Long,"
          + " Integer, Short, Byte, Double, Float, BigDecimal, BigInteger, Boolean, byte[], LocalDate,"
          + " LocalTime, LocalDateTime, java.sql.Date, Time, Timestamp, Object");
    }
    return type.cast(out);
  }
}
