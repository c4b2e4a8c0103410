package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Maps a type as Calcite parsed it to a Meridian {@link ColumnType}.
 *
 * <p>Defaults when no length is given: VARCHAR and VARBINARY take {@link ColumnType#MAX_LENGTH},
 * CHAR takes 1, DECIMAL takes precision 38 and scale 0. TINYINT widens to SMALLINT and FLOAT to
 * DOUBLE; a precision on TIME or TIMESTAMP is accepted and ignored (values keep nanoseconds).
 * Aliases tools emit: INT and NUMERIC (Calcite's own), TEXT, DATETIME and BOOL. Every other
 * type is {@code 0A000}.
 */
final class TypeMapping {
  private TypeMapping() {}

  static ColumnType columnType(SqlDataTypeSpec spec, SourceText text) {
    SqlTypeName name = null;
    if (spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic
        && spec.getCollectionsTypeName() == null) {
      name = SqlTypeName.get(basic.getTypeName().getSimple());
      if (basic.getCharSetName() != null) {
        throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "CHARACTER SET is not supported"
            + " in type " + text.quote(spec) + ": every string is Unicode", spec);
      }
    }
    if (name == null && spec.getCollectionsTypeName() == null) {
      ColumnType alias = alias(spec, text);
      if (alias != null) {
        return alias;
      }
    }
    if (name == null) {
      throw unsupported(spec, text);
    }
    SqlBasicTypeNameSpec basic = (SqlBasicTypeNameSpec) spec.getTypeNameSpec();
    int precision = basic.getPrecision();
    boolean hasPrecision = precision != RelDataType.PRECISION_NOT_SPECIFIED;
    try {
      return switch (name) {
        case BIGINT -> ColumnType.of(TypeKind.BIGINT);
        case INTEGER -> ColumnType.of(TypeKind.INTEGER);
        case SMALLINT, TINYINT -> ColumnType.of(TypeKind.SMALLINT);
        case BOOLEAN -> ColumnType.of(TypeKind.BOOLEAN);
        case DOUBLE, FLOAT -> ColumnType.of(TypeKind.DOUBLE);
        case REAL -> ColumnType.of(TypeKind.REAL);
        case DATE -> ColumnType.of(TypeKind.DATE);
        case TIME -> ColumnType.of(TypeKind.TIME);
        case TIMESTAMP -> ColumnType.of(TypeKind.TIMESTAMP);
        case VARCHAR ->
            ColumnType.of(TypeKind.VARCHAR, hasPrecision ? precision : ColumnType.MAX_LENGTH);
        case CHAR -> ColumnType.of(TypeKind.CHAR, hasPrecision ? precision : 1);
        case VARBINARY ->
            ColumnType.of(TypeKind.VARBINARY, hasPrecision ? precision : ColumnType.MAX_LENGTH);
        case DECIMAL -> ColumnType.decimal(hasPrecision ? precision
                : ColumnType.MAX_DECIMAL_PRECISION,
            basic.getScale() == RelDataType.SCALE_NOT_SPECIFIED ? 0 : basic.getScale());
        default -> throw unsupported(spec, text);
      };
    } catch (MeridianException e) {
      if (e.position() != null) {
        throw e;
      }
      throw SourceText.error(e.state(), e.getMessage(), spec, e);
    }
  }

  /**
   * COUNTER, and the type names tools emit that Calcite's grammar does not know: TEXT (VARCHAR
   * of the largest length) and BOOL (BOOLEAN); CLOB and BLOB are refused naming the type to use
   * instead. (DATETIME is parsed as TIMESTAMP by the grammar.)
   */
  private static ColumnType alias(SqlDataTypeSpec spec, SourceText text) {
    org.apache.calcite.sql.SqlIdentifier name = spec.getTypeNameSpec().getTypeName();
    if (!name.isSimple()) {
      return null; // a compound name (a.b) is no type of ours: refused as unsupported
    }
    String typeName = name.getSimple().toUpperCase(Locale.ROOT);
    return switch (typeName) {
      case "COUNTER" -> ColumnType.of(TypeKind.COUNTER);
      case "TEXT" -> ColumnType.of(TypeKind.VARCHAR, ColumnType.MAX_LENGTH);
      case "BOOL" -> ColumnType.of(TypeKind.BOOLEAN);
      case "CLOB", "LONGTEXT", "LONGVARCHAR" -> throw SourceText.error(
          SqlState.FEATURE_NOT_SUPPORTED, "type " + text.quote(spec) + " is not supported: use"
              + " VARCHAR (or TEXT), which holds up to " + ColumnType.MAX_LENGTH + " characters",
          spec);
      case "BLOB", "LONGVARBINARY", "BYTEA" -> throw SourceText.error(
          SqlState.FEATURE_NOT_SUPPORTED, "type " + text.quote(spec) + " is not supported: use"
              + " VARBINARY, which holds up to " + ColumnType.MAX_LENGTH + " bytes", spec);
      default -> null;
    };
  }

  private static MeridianException unsupported(SqlDataTypeSpec spec, SourceText text) {
    return SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "type " + text.quote(spec)
        + " is not supported; Meridian has BIGINT, INTEGER, SMALLINT, VARCHAR(n), CHAR(n),"
        + " BOOLEAN, DOUBLE, REAL, DECIMAL(p,s), DATE, TIME, TIMESTAMP, VARBINARY(n) and COUNTER",
        spec);
  }
}
