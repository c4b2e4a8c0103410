package dev.meridian.driver.internal;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;

/**
 * What JDBC metadata says about each {@link TypeKind}: precision, display size, sign, the class
 * {@code getObject} returns. One table shared by result set, parameter and database metadata.
 * Stateless and thread-safe.
 */
final class TypeFacts {
  private TypeFacts() {}

  /** Decimal digits of numbers, characters of text and date/time renderings, bytes of binary. */
  static int precision(ColumnType t) {
    switch (t.kind()) {
      case BIGINT:
      case COUNTER:
        return 19;
      case INTEGER:
        return 10;
      case SMALLINT:
        return 5;
      case BOOLEAN:
        return 1;
      case DOUBLE:
        return 15;
      case REAL:
        return 7;
      case DATE:
        return 10;
      case TIME:
        return 18;
      case TIMESTAMP:
        return 29;
      default:
        return t.precision();
    }
  }

  /** The largest precision of a kind (for {@code getTypeInfo}). */
  static int maxPrecision(TypeKind k) {
    if (k == TypeKind.DECIMAL) {
      return ColumnType.MAX_DECIMAL_PRECISION;
    }
    if (k.hasPrecision()) {
      return ColumnType.MAX_LENGTH;
    }
    return precision(ColumnType.of(k));
  }

  /** Digits after the point: a DECIMAL's scale; 9 (nanoseconds) for TIME and TIMESTAMP. */
  static int scale(ColumnType t) {
    return switch (t.kind()) {
      case DECIMAL -> t.scale();
      case TIME, TIMESTAMP -> 9;
      default -> 0;
    };
  }

  /** Characters needed to show any value. */
  static int displaySize(ColumnType t) {
    switch (t.kind()) {
      case BIGINT:
      case COUNTER:
        return 20;
      case INTEGER:
        return 11;
      case SMALLINT:
        return 6;
      case BOOLEAN:
        return 5;
      case DOUBLE:
        return 24;
      case REAL:
        return 15;
      case DECIMAL:
        return t.precision() + 2;
      case VARBINARY:
        return (int) Math.min(Integer.MAX_VALUE, 2L * t.precision());
      default:
        return precision(t);
    }
  }

  static boolean signed(TypeKind k) {
    switch (k) {
      case BIGINT:
      case COUNTER:
      case INTEGER:
      case SMALLINT:
      case DOUBLE:
      case REAL:
      case DECIMAL:
        return true;
      default:
        return false;
    }
  }

  static boolean caseSensitive(TypeKind k) {
    return k == TypeKind.VARCHAR || k == TypeKind.CHAR;
  }

  static boolean numeric(TypeKind k) {
    return signed(k);
  }

  /** The class {@code ResultSet.getObject} returns for the kind (JDBC's default mapping). */
  static Class<?> objectClass(TypeKind k) {
    switch (k) {
      case BIGINT:
      case COUNTER:
        return Long.class;
      case INTEGER:
      case SMALLINT:
        return Integer.class;
      case VARCHAR:
      case CHAR:
        return String.class;
      case BOOLEAN:
        return Boolean.class;
      case DOUBLE:
        return Double.class;
      case REAL:
        return Float.class;
      case DECIMAL:
        return java.math.BigDecimal.class;
      case DATE:
        return java.sql.Date.class;
      case TIME:
        return java.sql.Time.class;
      case TIMESTAMP:
        return java.sql.Timestamp.class;
      default:
        return byte[].class;
    }
  }

  /** The class name JDBC metadata reports ({@code [B} for byte arrays). */
  static String className(TypeKind k) {
    return objectClass(k).getName();
  }

  /** The quote a literal of the kind starts with, or null. */
  static String literalPrefix(TypeKind k) {
    switch (k) {
      case VARCHAR:
      case CHAR:
        return "'";
      case DATE:
        return "DATE '";
      case TIME:
        return "TIME '";
      case TIMESTAMP:
        return "TIMESTAMP '";
      case VARBINARY:
        return "X'";
      default:
        return null;
    }
  }

  static String literalSuffix(TypeKind k) {
    return literalPrefix(k) == null ? null : "'";
  }

  /** The parameters of the type's SQL spelling, or null. */
  static String createParams(TypeKind k) {
    if (k == TypeKind.DECIMAL) {
      return "precision,scale";
    }
    return k.hasPrecision() ? "length" : null;
  }
}
