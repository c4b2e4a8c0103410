package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.BitString;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimeString;
import org.apache.calcite.util.TimestampString;

/**
 * Evaluates the constant forms the planner accepts where a value goes: numbers (with unary
 * minus or plus), strings, TRUE/FALSE, NULL, DATE/TIME/TIMESTAMP literals, X'..' binary strings
 * and {@code CAST(constant AS type)}. Anything else is {@code 0A000} naming the expression.
 */
final class Literals {
  private static final ColumnType NULL_TYPE = ColumnType.of(TypeKind.VARCHAR, 1);

  /**
   * A constant's value and the type it has on its own (used where no column gives one).
   *
   * @param value the value in a form {@link ColumnType#coerce} accepts, or null
   * @param type the literal's own type
   */
  record Typed(Object value, ColumnType type) {}

  private final SourceText text;

  Literals(SourceText text) {
    this.text = text;
  }

  /** Whether a node is a constant form this class evaluates (no {@code ?} inside). */
  static boolean isConstant(SqlNode node) {
    if (node instanceof SqlLiteral) {
      return true;
    }
    if (node instanceof SqlBasicCall call) {
      SqlKind kind = call.getKind();
      if (kind == SqlKind.MINUS_PREFIX || kind == SqlKind.PLUS_PREFIX
          || kind == SqlKind.CAST) {
        return isConstant(call.operand(0));
      }
    }
    return false;
  }

  /** Evaluates a constant form. */
  Typed evaluate(SqlNode node) {
    if (node instanceof SqlLiteral literal) {
      return literal(literal);
    }
    if (node instanceof SqlCall call) {
      switch (call.getKind()) {
        case MINUS_PREFIX:
        case PLUS_PREFIX:
          return sign(call);
        case CAST:
          return cast(call);
        default:
          break;
      }
    }
    throw unsupported(node);
  }

  /** A {@code 0A000} for an expression where a constant or {@code ?} was needed. */
  MeridianException unsupported(SqlNode node) {
    return SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "expression " + text.quote(node)
        + " is not supported here; only literals, ? parameters and CAST of a literal are"
        + " supported so far", node);
  }

  private Typed literal(SqlLiteral parsed) {
    SqlLiteral literal = parsed instanceof SqlUnknownLiteral unknown ? resolve(unknown) : parsed;
    switch (literal.getTypeName()) {
      case NULL:
        return new Typed(null, NULL_TYPE);
      case BOOLEAN:
        Boolean b = literal.getValueAs(Boolean.class);
        return new Typed(b, ColumnType.of(TypeKind.BOOLEAN));
      case DECIMAL:
      case DOUBLE:
      case REAL:
      case FLOAT:
      case INTEGER:
      case BIGINT:
      case SMALLINT:
      case TINYINT:
        return number(literal);
      case CHAR:
      case VARCHAR:
        String s = literal.getValueAs(String.class);
        return new Typed(s, ColumnType.of(TypeKind.VARCHAR, Math.max(1, s.length())));
      case BINARY:
      case VARBINARY:
        byte[] bytes = literal.getValue() instanceof BitString bits ? bits.getAsByteArray()
            : literal.getValueAs(ByteString.class).getBytes();
        return new Typed(bytes, ColumnType.of(TypeKind.VARBINARY, Math.max(1, bytes.length)));
      case DATE:
        return new Typed(LocalDate.parse(literal.getValueAs(DateString.class).toString()),
            ColumnType.of(TypeKind.DATE));
      case TIME:
        return new Typed(LocalTime.parse(literal.getValueAs(TimeString.class).toString()),
            ColumnType.of(TypeKind.TIME));
      case TIMESTAMP:
        return new Typed(LocalDateTime.parse(
            literal.getValueAs(TimestampString.class).toString().replace(' ', 'T')),
            ColumnType.of(TypeKind.TIMESTAMP));
      default:
        throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "literal " + text.quote(literal)
            + " of type " + literal.getTypeName() + " is not supported", literal);
    }
  }

  /**
   * Calcite leaves {@code DATE '...'} and friends unparsed until validation; Meridian has no
   * validator, so they are read here, with Calcite's own rules.
   */
  private SqlLiteral resolve(SqlUnknownLiteral literal) {
    SqlTypeName type = switch (literal.tag) {
      case "DATE" -> SqlTypeName.DATE;
      case "TIME" -> SqlTypeName.TIME;
      case "TIMESTAMP" -> SqlTypeName.TIMESTAMP;
      default -> throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, literal.tag
          + " literals are not supported: " + text.quote(literal), literal);
    };
    try {
      return literal.resolve(type);
    } catch (RuntimeException e) {
      String message = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw SourceText.error(SqlState.INVALID_DATETIME_FORMAT, message, literal, e);
    }
  }

  private Typed number(SqlLiteral literal) {
    BigDecimal d = literal.bigDecimalValue();
    if (literal instanceof SqlNumericLiteral n && !n.isExact()) {
      double x = d.doubleValue();
      if (Double.isInfinite(x)) {
        throw SourceText.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "number "
            + text.quote(literal) + " is out of range for DOUBLE", literal);
      }
      return new Typed(x, ColumnType.of(TypeKind.DOUBLE));
    }
    return new Typed(d, exactType(d, literal));
  }

  /** INTEGER or BIGINT for whole numbers that fit, like Calcite; else DECIMAL(p,s). */
  private static ColumnType exactType(BigDecimal d, SqlNode at) {
    if (d.scale() <= 0) {
      try {
        long l = d.longValueExact();
        return l == (int) l ? ColumnType.of(TypeKind.INTEGER) : ColumnType.of(TypeKind.BIGINT);
      } catch (ArithmeticException tooBig) {
        // falls through to DECIMAL
      }
    }
    int scale = Math.max(0, d.scale());
    int precision = Math.max(d.precision(), scale);
    if (precision > ColumnType.MAX_DECIMAL_PRECISION) {
      throw SourceText.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "number " + d.toPlainString()
          + " has more than " + ColumnType.MAX_DECIMAL_PRECISION + " digits", at);
    }
    return ColumnType.decimal(Math.max(1, precision), scale);
  }

  private Typed sign(SqlCall call) {
    SqlNode operand = call.operand(0);
    Typed inner = evaluate(operand);
    if (inner.value() instanceof BigDecimal d) {
      BigDecimal v = call.getKind() == SqlKind.MINUS_PREFIX ? d.negate() : d;
      return new Typed(v, exactType(v, call));
    }
    if (inner.value() instanceof Double x) {
      return new Typed(call.getKind() == SqlKind.MINUS_PREFIX ? -x : x, inner.type());
    }
    throw unsupported(call);
  }

  private Typed cast(SqlCall call) {
    SqlNode operand = call.operand(0);
    ColumnType type = TypeMapping.columnType((SqlDataTypeSpec) call.operand(1), text);
    Typed inner = evaluate(operand);
    return new Typed(coerce(type, inner.value(), operand, null), type);
  }

  /**
   * {@link ColumnType#coerce}, with a failure positioned at {@code at} and naming the column
   * it was meant for (when there is one).
   */
  static Object coerce(ColumnType type, Object value, SqlNode at, String column) {
    try {
      return type.coerce(value);
    } catch (MeridianException e) {
      String where = column == null ? "" : " for column " + column;
      throw SourceText.error(e.state(), e.getMessage() + where, at, e);
    }
  }
}
