package dev.meridian.sql.internal.query;

import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.protocol.wire.ScanFilter.Op;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimeString;
import org.apache.calcite.util.TimestampString;

/**
 * Translates the filters Calcite offers a scan into {@link ScanFilter}s for the peers:
 * comparisons, {@code IN} and ranges ({@code SEARCH}), {@code AND}/{@code OR}/{@code NOT},
 * {@code IS [NOT] NULL} and {@code LIKE}, on columns against literals or bound parameters (and
 * columns against columns of the same type). Anything else, or any operand whose value might
 * compare differently on a peer than in Calcite (CHAR padding, approximate against exact
 * numbers, binary strings), is not translated and stays with Calcite: pushing is only ever an
 * optimisation. One instance per scan; not thread-safe.
 */
final class FilterTranslator {
  private static final RexBuilder REX = new RexBuilder(new JavaTypeFactoryImpl());

  private final TableSchema table;
  /** Calcite's field ordinals to column ids (they differ once a column was dropped). */
  private final int[] ids;
  private final DataContext context;

  FilterTranslator(TableSchema table, DataContext context) {
    this.table = table;
    this.ids = table.visibleColumnIds();
    this.context = context;
  }

  /** The filter for a condition, or null when it cannot be pushed exactly. */
  ScanFilter translate(RexNode node) {
    try {
      return node(node);
    } catch (RuntimeException e) {
      return null; // an unexpected shape: leave it to Calcite
    }
  }

  private ScanFilter node(RexNode node) {
    if (node instanceof RexInputRef ref && ref.getType().getSqlTypeName() == SqlTypeName.BOOLEAN) {
      return new ScanFilter.Compare(ids[ref.getIndex()], Op.EQ, Boolean.TRUE);
    }
    if (!(node instanceof RexCall call)) {
      return null;
    }
    SqlKind kind = call.getKind();
    switch (kind) {
      case AND:
      case OR: {
        List<ScanFilter> parts = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          ScanFilter f = node(operand);
          if (f == null) {
            return null;
          }
          parts.add(f);
        }
        return kind == SqlKind.AND ? new ScanFilter.And(parts) : new ScanFilter.Or(parts);
      }
      case NOT: {
        ScanFilter inner = node(call.getOperands().get(0));
        return inner == null ? null : new ScanFilter.Not(inner);
      }
      case SEARCH:
        return node(RexUtil.expandSearch(REX, null, call));
      case IS_NULL:
      case IS_NOT_NULL: {
        Integer column = column(call.getOperands().get(0));
        if (column == null) {
          return null;
        }
        ScanFilter isNull = new ScanFilter.IsNull(column);
        return kind == SqlKind.IS_NULL ? isNull : new ScanFilter.Not(isNull);
      }
      case LIKE:
        return like(call);
      case EQUALS:
      case NOT_EQUALS:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
        return comparison(call);
      default:
        return null;
    }
  }

  private ScanFilter comparison(RexCall call) {
    Op op = switch (call.getKind()) {
      case EQUALS -> Op.EQ;
      case NOT_EQUALS -> Op.NE;
      case LESS_THAN -> Op.LT;
      case LESS_THAN_OR_EQUAL -> Op.LE;
      case GREATER_THAN -> Op.GT;
      default -> Op.GE;
    };
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    Integer l = column(left);
    Integer r = column(right);
    if (l != null && r != null) {
      TypeKind lk = table.column(l).type().kind();
      TypeKind rk = table.column(r).type().kind();
      // CHAR columns of two lengths are padded to two lengths: Calcite pads the shorter.
      boolean same = lk == rk && (lk != TypeKind.CHAR
          || table.column(l).type().equals(table.column(r).type()));
      return same ? new ScanFilter.CompareColumns(l, op, r) : null;
    }
    if (l == null && r != null) {
      Integer swap = l;
      l = r;
      r = swap;
      RexNode other = left;
      left = right;
      right = other;
      op = op.flipped();
    }
    if (l == null) {
      return null;
    }
    Object value = constant(right, table.column(l).type());
    return value == null ? null : new ScanFilter.Compare(l, op, value);
  }

  private ScanFilter like(RexCall call) {
    List<RexNode> operands = call.getOperands();
    Integer column = column(operands.get(0));
    if (column == null || table.column(column).type().kind() != TypeKind.VARCHAR) {
      return null;
    }
    Object pattern = constant(operands.get(1), table.column(column).type());
    String escape = "";
    if (operands.size() > 2) {
      Object e = constant(operands.get(2), table.column(column).type());
      if (!(e instanceof String s) || s.length() != 1) {
        return null;
      }
      escape = s;
    }
    return pattern instanceof String p ? new ScanFilter.Like(column, p, escape) : null;
  }

  /** The table column a node reads, through widening numeric casts, or null. */
  private Integer column(RexNode node) {
    if (node instanceof RexInputRef ref) {
      return ids[ref.getIndex()];
    }
    if (node.getKind() == SqlKind.CAST && node instanceof RexCall cast
        && cast.getOperands().get(0) instanceof RexInputRef ref) {
      TypeKind from = table.column(ids[ref.getIndex()]).type().kind();
      SqlTypeFamily to = cast.getType().getSqlTypeName().getFamily();
      boolean exactWidening = isExact(from) && to == SqlTypeFamily.NUMERIC
          && SqlTypeName.EXACT_TYPES.contains(cast.getType().getSqlTypeName());
      // Every REAL is a DOUBLE exactly, and the peers compare a REAL as its DOUBLE.
      boolean realToDouble = from == TypeKind.REAL
          && cast.getType().getSqlTypeName() == SqlTypeName.DOUBLE;
      return exactWidening || realToDouble ? ids[ref.getIndex()] : null;
    }
    return null;
  }

  private static boolean isExact(TypeKind kind) {
    return kind == TypeKind.BIGINT || kind == TypeKind.INTEGER || kind == TypeKind.SMALLINT
        || kind == TypeKind.DECIMAL;
  }

  private static boolean isApproximate(TypeKind kind) {
    return kind == TypeKind.DOUBLE || kind == TypeKind.REAL;
  }

  /**
   * The canonical value of a literal or bound parameter, compared with a column of
   * {@code kind}; null when there is none or it might compare differently on a peer.
   */
  private Object constant(RexNode node, dev.meridian.protocol.types.ColumnType type) {
    Object v = constantValue(node, type.kind());
    if (v instanceof Number n && node.getType().getSqlTypeName() == SqlTypeName.REAL) {
      // Calcite compares a REAL operand as a float: so must the peer.
      return (double) n.floatValue();
    }
    if (type.kind() == TypeKind.CHAR && v instanceof String s) {
      return padded(s, type.precision());
    }
    return v;
  }

  /**
   * A string compared with a CHAR(n) column as the stored values are: blank-padded to n; null
   * (not pushed) when longer than n with anything but blanks beyond n.
   */
  private static String padded(String s, int n) {
    if (s.length() > n) {
      return s.substring(n).isBlank() && s.substring(n).chars().allMatch(ch -> ch == ' ')
          ? s.substring(0, n) : null;
    }
    return s + " ".repeat(n - s.length());
  }

  private Object constantValue(RexNode node, TypeKind kind) {
    Object v;
    if (node instanceof RexLiteral literal) {
      v = literal(literal);
    } else if (node instanceof RexDynamicParam param) {
      v = context.get(param.getName());
    } else if (node.getKind() == SqlKind.CAST && node instanceof RexCall cast
        && cast.getOperands().get(0) instanceof RexDynamicParam param) {
      v = context.get(param.getName());
    } else {
      return null;
    }
    return v == null ? null : canonical(v, kind);
  }

  private static Object literal(RexLiteral literal) {
    if (literal.isNull()) {
      return null;
    }
    Comparable<?> v = literal.getValue();
    if (v instanceof NlsString s) {
      return s.getValue();
    }
    if (v instanceof org.apache.calcite.avatica.util.ByteString b) {
      return b.getBytes();
    }
    if (v instanceof DateString d) {
      return LocalDate.ofEpochDay(d.getDaysSinceEpoch());
    }
    if (v instanceof TimeString t) {
      return LocalTime.ofNanoOfDay(t.getMillisOfDay() * 1_000_000L);
    }
    if (v instanceof TimestampString ts) {
      return CalciteTypes.toCanonical(ts.getMillisSinceEpoch(),
          dev.meridian.protocol.types.ColumnType.of(TypeKind.TIMESTAMP));
    }
    if (v instanceof BigDecimal d && SqlTypeName.APPROX_TYPES.contains(
        literal.getType().getSqlTypeName())) {
      return d.doubleValue();
    }
    return v instanceof BigDecimal || v instanceof Boolean ? v : null;
  }

  private static Object canonical(Object v, TypeKind kind) {
    if (isExact(kind)) {
      if (v instanceof BigDecimal || v instanceof Long || v instanceof Integer
          || v instanceof Short || v instanceof Byte) {
        return v;
      }
      return null;
    }
    if (isApproximate(kind)) {
      return v instanceof Number n ? (Object) n.doubleValue() : null;
    }
    return switch (kind) {
      case VARCHAR, CHAR -> v instanceof String ? v : null;
      case VARBINARY -> v instanceof byte[] ? v
          : v instanceof org.apache.calcite.avatica.util.ByteString b ? b.getBytes() : null;
      case BOOLEAN -> v instanceof Boolean ? v : null;
      case DATE -> v instanceof LocalDate ? v
          : v instanceof java.sql.Date d ? d.toLocalDate()
          : v instanceof Integer days ? LocalDate.ofEpochDay(days) : null;
      case TIME -> v instanceof LocalTime ? v
          : v instanceof java.sql.Time t ? t.toLocalTime()
          : v instanceof Integer ms ? LocalTime.ofNanoOfDay(ms * 1_000_000L) : null;
      case TIMESTAMP -> v instanceof LocalDateTime ? v
          : v instanceof java.sql.Timestamp t ? t.toLocalDateTime()
          : v instanceof Long ms ? CalciteTypes.toCanonical(ms,
              dev.meridian.protocol.types.ColumnType.of(TypeKind.TIMESTAMP)) : null;
      default -> null;
    };
  }
}
