package dev.meridian.protocol.types;

import java.sql.Types;

/**
 * The SQL types a Meridian column may have (DESIGN.md, "Data model"), with the JDBC type code
 * and the Java class of their canonical value.
 */
public enum TypeKind {
  BIGINT(Types.BIGINT, Long.class, false, false),
  INTEGER(Types.INTEGER, Integer.class, false, false),
  SMALLINT(Types.SMALLINT, Short.class, false, false),
  VARCHAR(Types.VARCHAR, String.class, true, false),
  CHAR(Types.CHAR, String.class, true, false),
  BOOLEAN(Types.BOOLEAN, Boolean.class, false, false),
  DOUBLE(Types.DOUBLE, Double.class, false, false),
  REAL(Types.REAL, Float.class, false, false),
  DECIMAL(Types.DECIMAL, java.math.BigDecimal.class, true, true),
  DATE(Types.DATE, java.time.LocalDate.class, false, false),
  TIME(Types.TIME, java.time.LocalTime.class, false, false),
  TIMESTAMP(Types.TIMESTAMP, java.time.LocalDateTime.class, false, false),
  VARBINARY(Types.VARBINARY, byte[].class, true, false),
  /**
   * A BIGINT whose value is a sum: written only by {@code SET c = c + n} / {@code c - n}, merged
   * across regions without losing an increment (each region's contribution is kept apart).
   */
  COUNTER(Types.BIGINT, Long.class, false, false);

  private final int jdbcType;
  private final Class<?> javaClass;
  private final boolean hasPrecision;
  private final boolean hasScale;

  TypeKind(int jdbcType, Class<?> javaClass, boolean hasPrecision, boolean hasScale) {
    this.jdbcType = jdbcType;
    this.javaClass = javaClass;
    this.hasPrecision = hasPrecision;
    this.hasScale = hasScale;
  }

  /** The {@link java.sql.Types} code. */
  public int jdbcType() {
    return jdbcType;
  }

  /** The class of the canonical Java value of this type. */
  public Class<?> javaClass() {
    return javaClass;
  }

  /** Whether the type takes a length or precision ({@code VARCHAR(n)}, {@code DECIMAL(p,s)}). */
  public boolean hasPrecision() {
    return hasPrecision;
  }

  /** Whether the type takes a scale ({@code DECIMAL(p,s)}). */
  public boolean hasScale() {
    return hasScale;
  }

  /** Stable one-byte tag used on the wire and in storage; never reorder. */
  public byte tag() {
    return (byte) ordinal();
  }

  /** The kind for a wire tag. */
  public static TypeKind ofTag(byte tag) {
    TypeKind[] all = values();
    if (tag < 0 || tag >= all.length) {
      throw new IllegalArgumentException("unknown type tag " + tag);
    }
    return all[tag];
  }
}
