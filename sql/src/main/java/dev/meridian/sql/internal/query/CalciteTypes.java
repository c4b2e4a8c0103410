package dev.meridian.sql.internal.query;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Meridian's column types and values in Calcite's terms: row types of tables, the Meridian
 * type of a query's result column, and values between Meridian's canonical Java form and
 * Calcite's internal one (DATE as epoch days, TIME as milliseconds of the day, TIMESTAMP as
 * epoch milliseconds read as UTC, VARBINARY as {@link ByteString}). Stateless and thread-safe.
 */
public final class CalciteTypes {
  private CalciteTypes() {}

  /** The row type of a table: its columns that are not dropped. */
  static RelDataType rowType(TableSchema table, RelDataTypeFactory f) {
    RelDataTypeFactory.Builder b = f.builder();
    for (int id : table.visibleColumnIds()) {
      ColumnDef c = table.column(id);
      b.add(c.name(), f.createTypeWithNullability(type(c.type(), f), c.nullable()));
    }
    return b.build();
  }

  static RelDataType type(ColumnType t, RelDataTypeFactory f) {
    return switch (t.kind()) {
      case BIGINT, COUNTER -> f.createSqlType(SqlTypeName.BIGINT);
      case INTEGER -> f.createSqlType(SqlTypeName.INTEGER);
      case SMALLINT -> f.createSqlType(SqlTypeName.SMALLINT);
      case VARCHAR -> f.createSqlType(SqlTypeName.VARCHAR, t.precision());
      case CHAR -> f.createSqlType(SqlTypeName.CHAR, t.precision());
      case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
      case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
      case REAL -> f.createSqlType(SqlTypeName.REAL);
      case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale());
      case DATE -> f.createSqlType(SqlTypeName.DATE);
      case TIME -> f.createSqlType(SqlTypeName.TIME);
      case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case VARBINARY -> f.createSqlType(SqlTypeName.VARBINARY, t.precision());
    };
  }

  /**
   * The Meridian type of a result column or parameter.
   *
   * @throws MeridianException {@code 0A000} for types Meridian has no column type for
   */
  public static ColumnType columnType(RelDataType t, String what) {
    int p = t.getPrecision();
    return switch (t.getSqlTypeName()) {
      case BIGINT -> ColumnType.of(TypeKind.BIGINT);
      case INTEGER -> ColumnType.of(TypeKind.INTEGER);
      case SMALLINT, TINYINT -> ColumnType.of(TypeKind.SMALLINT);
      case BOOLEAN -> ColumnType.of(TypeKind.BOOLEAN);
      case DOUBLE, FLOAT -> ColumnType.of(TypeKind.DOUBLE);
      case REAL -> ColumnType.of(TypeKind.REAL);
      case DECIMAL -> ColumnType.decimal(Math.max(1, Math.min(p, ColumnType.MAX_DECIMAL_PRECISION)),
          Math.max(0, Math.min(t.getScale(), Math.min(p, ColumnType.MAX_DECIMAL_PRECISION))));
      case CHAR -> ColumnType.of(TypeKind.CHAR, length(p));
      case VARCHAR, NULL -> ColumnType.of(TypeKind.VARCHAR, length(p));
      case DATE -> ColumnType.of(TypeKind.DATE);
      case TIME -> ColumnType.of(TypeKind.TIME);
      case TIMESTAMP -> ColumnType.of(TypeKind.TIMESTAMP);
      case BINARY, VARBINARY -> ColumnType.of(TypeKind.VARBINARY, length(p));
      default -> throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, what + " has type "
          + t.getFullTypeString() + ", which Meridian does not support; CAST it to one of"
          + " BIGINT, INTEGER, SMALLINT, VARCHAR, CHAR, BOOLEAN, DOUBLE, REAL, DECIMAL, DATE,"
          + " TIME, TIMESTAMP, VARBINARY");
    };
  }

  private static int length(int precision) {
    return precision <= 0 || precision > ColumnType.MAX_LENGTH ? ColumnType.MAX_LENGTH
        : precision;
  }

  /** A canonical value as Calcite holds it inside a row. */
  public static Object toInternal(Object v) {
    if (v instanceof LocalDate d) {
      return (int) d.toEpochDay();
    }
    if (v instanceof LocalTime t) {
      return (int) (t.toNanoOfDay() / 1_000_000L);
    }
    if (v instanceof LocalDateTime ts) {
      return ts.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (v instanceof byte[] b) {
      return new ByteString(b);
    }
    return v;
  }

  /**
   * A value Calcite holds internally, or a JDBC value, as the canonical value of a type;
   * the value as it is when it does not convert.
   */
  public static Object toCanonical(Object v, ColumnType type) {
    if (v == null) {
      return null;
    }
    Object in = switch (type.kind()) {
      case DATE -> v instanceof Integer days ? LocalDate.ofEpochDay(days) : v;
      case TIME -> v instanceof Integer millis ? LocalTime.ofNanoOfDay(millis * 1_000_000L) : v;
      case TIMESTAMP -> v instanceof Long millis
          ? LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000),
              (int) Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.UTC) : v;
      case VARBINARY -> v instanceof ByteString b ? b.getBytes() : v;
      default -> v;
    };
    try {
      return type.coerce(in);
    } catch (MeridianException e) {
      return in;
    }
  }
}
