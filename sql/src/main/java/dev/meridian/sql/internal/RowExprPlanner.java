package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.RowExpr.Call;
import dev.meridian.protocol.wire.RowExpr.Fn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlTrimFunction;

/**
 * Turns the expressions of an UPDATE or DELETE that names its rows by key (a {@code SET}
 * value, the predicate beside the key) into {@link RowExpr}s that the row's owner evaluates.
 * A {@code ?} takes the type its place implies: the column it is assigned to or compared with,
 * or the other operand of an arithmetic operator; where nothing tells, {@code 42P18} asks for a
 * CAST. What the interpreter cannot evaluate is {@code 0A000}, naming it and what is supported.
 * Not thread-safe; one instance per statement.
 */
final class RowExprPlanner {
  private static final ColumnType BIGINT = ColumnType.of(TypeKind.BIGINT);
  private static final ColumnType DOUBLE = ColumnType.of(TypeKind.DOUBLE);
  private static final ColumnType BOOLEAN = ColumnType.of(TypeKind.BOOLEAN);
  private static final ColumnType TEXT = ColumnType.of(TypeKind.VARCHAR, ColumnType.MAX_LENGTH);
  private static final String SUPPORTED = "columns of the row, literals, ?, + - * / %, ||,"
      + " comparisons, AND/OR/NOT, IS [NOT] NULL, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN (values),"
      + " CASE, COALESCE, NULLIF, CAST, UPPER, LOWER, TRIM, CHAR_LENGTH, SUBSTRING, ABS, MOD,"
      + " GREATEST and LEAST";
  private static final Map<SqlKind, Fn> COMPARISONS = Map.of(SqlKind.EQUALS, Fn.EQ,
      SqlKind.NOT_EQUALS, Fn.NE, SqlKind.LESS_THAN, Fn.LT, SqlKind.LESS_THAN_OR_EQUAL, Fn.LE,
      SqlKind.GREATER_THAN, Fn.GT, SqlKind.GREATER_THAN_OR_EQUAL, Fn.GE);

  /**
   * An expression and the type of its value, or null where it has none of its own (NULL).
   */
  record Typed(RowExpr expr, ColumnType type) {}

  private final TableRef table;
  private final Operands operands;
  private final SourceText text;
  private final String verb;

  RowExprPlanner(TableRef table, Operands operands, SourceText text, String verb) {
    this.table = table;
    this.operands = operands;
    this.text = text;
    this.verb = verb;
  }

  /** A predicate: the AND of the conjuncts (at least one). */
  RowExpr condition(List<SqlNode> conjuncts) {
    List<RowExpr> parts = new ArrayList<>(conjuncts.size());
    for (SqlNode c : conjuncts) {
      Typed t = translate(c, BOOLEAN);
      if (t.type() != null && t.type().kind() != TypeKind.BOOLEAN) {
        throw SourceText.error(SqlState.DATATYPE_MISMATCH, "condition " + text.quote(c)
            + " is " + t.type() + ", not BOOLEAN", c);
      }
      parts.add(t.expr());
    }
    return parts.size() == 1 ? parts.get(0) : new Call(Fn.AND, parts);
  }

  /** The value assigned to a column. */
  RowExpr value(SqlNode node, ColumnDef column) {
    return translate(node, column.type()).expr();
  }

  /**
   * The increment of a COUNTER column: {@code c + delta} or {@code c - delta}, where
   * {@code delta} does not read the counter itself.
   *
   * @throws MeridianException {@code 42809} for any other form
   */
  RowExpr increment(SqlNode node, int column) {
    ColumnDef def = table.schema().column(column);
    if ((node.getKind() == SqlKind.PLUS || node.getKind() == SqlKind.MINUS)
        && ((SqlCall) node).operand(0) instanceof SqlIdentifier id && table.column(id) == column) {
      RowExpr delta = translate(((SqlCall) node).operand(1), BIGINT).expr();
      if (!dev.meridian.protocol.wire.RowExprs.reads(delta, column)) {
        return Call.of(node.getKind() == SqlKind.PLUS ? Fn.ADD : Fn.SUB, new RowExpr.Column(column),
            delta);
      }
    }
    throw counterOnly(def, node, text);
  }

  /** The {@code 42809} for a COUNTER column written any other way than by increment. */
  static MeridianException counterOnly(ColumnDef column, SqlNode at, SourceText text) {
    return SourceText.error(SqlState.WRONG_OBJECT_TYPE, "column " + column.name()
        + " is a COUNTER: it is written only by UPDATE ... SET " + column.name() + " = "
        + column.name() + " + n (or - n), not by " + text.quote(at), at);
  }

  private Typed translate(SqlNode node, ColumnType expected) {
    if (node instanceof SqlIdentifier id) {
      int c = table.column(id);
      ColumnType type = table.schema().column(c).type();
      return new Typed(new RowExpr.Column(c), type.kind() == TypeKind.COUNTER ? BIGINT : type);
    }
    if (node instanceof SqlDynamicParam p) {
      if (expected == null) {
        throw SourceText.error(SqlState.INDETERMINATE_DATATYPE, "the type of parameter "
            + (p.getIndex() + 1) + " cannot be told from where it stands; write CAST(? AS type)",
            node);
      }
      return param(p, expected);
    }
    if (node instanceof SqlLiteral || (Literals.isConstant(node) && node.getKind() != SqlKind.CAST)) {
      Literals.Typed t = operands.literals().evaluate(node);
      ColumnType type = t.value() == null ? null : t.type();
      return new Typed(new RowExpr.Literal(type == null ? null
          : Literals.coerce(type, t.value(), node, "a literal")), type);
    }
    if (!(node instanceof SqlCall call)) {
      throw unsupported(node);
    }
    SqlKind kind = call.getKind();
    Fn comparison = COMPARISONS.get(kind);
    if (comparison != null) {
      Typed[] both = pair(call.operand(0), call.operand(1));
      return new Typed(Call.of(comparison, both[0].expr(), both[1].expr()), BOOLEAN);
    }
    switch (kind) {
      case CAST: {
        ColumnType type = TypeMapping.columnType((SqlDataTypeSpec) call.operand(1), text);
        if (call.operand(0) instanceof SqlDynamicParam p) {
          return param(p, type);
        }
        return new Typed(new RowExpr.Cast(translate(call.operand(0), null).expr(), type), type);
      }
      case PLUS:
      case MINUS:
      case TIMES:
      case DIVIDE:
      case MOD: {
        Typed[] both = pair(call.operand(0), call.operand(1));
        Fn fn = switch (kind) {
          case PLUS -> Fn.ADD;
          case MINUS -> Fn.SUB;
          case TIMES -> Fn.MUL;
          case DIVIDE -> Fn.DIV;
          default -> Fn.MOD;
        };
        return new Typed(Call.of(fn, both[0].expr(), both[1].expr()),
            numeric(both[0].type(), both[1].type()));
      }
      case MINUS_PREFIX: {
        Typed t = translate(call.operand(0), expected);
        return new Typed(Call.of(Fn.NEG, t.expr()), t.type());
      }
      case PLUS_PREFIX:
        return translate(call.operand(0), expected);
      case AND:
      case OR: {
        List<RowExpr> args = new ArrayList<>();
        for (SqlNode o : call.getOperandList()) {
          args.add(translate(o, BOOLEAN).expr());
        }
        return new Typed(new Call(kind == SqlKind.AND ? Fn.AND : Fn.OR, args), BOOLEAN);
      }
      case NOT:
        return new Typed(Call.of(Fn.NOT, translate(call.operand(0), BOOLEAN).expr()), BOOLEAN);
      case IS_NULL:
      case IS_NOT_NULL:
        return new Typed(Call.of(kind == SqlKind.IS_NULL ? Fn.IS_NULL : Fn.IS_NOT_NULL,
            translate(call.operand(0), TEXT).expr()), BOOLEAN);
      case IS_TRUE:
      case IS_FALSE: {
        RowExpr b = translate(call.operand(0), BOOLEAN).expr();
        return new Typed(Call.of(Fn.EQ, Call.of(Fn.COALESCE, b,
            new RowExpr.Literal(kind == SqlKind.IS_FALSE)), new RowExpr.Literal(
                kind == SqlKind.IS_TRUE)), BOOLEAN);
      }
      case LIKE: {
        if (((org.apache.calcite.sql.fun.SqlLikeOperator) call.getOperator()).isNegated()) {
          return new Typed(Call.of(Fn.NOT, like(call)), BOOLEAN);
        }
        return new Typed(like(call), BOOLEAN);
      }
      case BETWEEN: {
        Typed value = translate(call.operand(0), null);
        RowExpr lo = translate(call.operand(1), value.type()).expr();
        RowExpr hi = translate(call.operand(2), value.type()).expr();
        RowExpr between = Call.of(Fn.AND, Call.of(Fn.GE, value.expr(), lo),
            Call.of(Fn.LE, value.expr(), hi));
        boolean negated = ((org.apache.calcite.sql.fun.SqlBetweenOperator) call.getOperator())
            .isNegated();
        return new Typed(negated ? Call.of(Fn.NOT, between) : between, BOOLEAN);
      }
      case IN:
      case NOT_IN: {
        if (!(call.operand(1) instanceof SqlNodeList values)) {
          throw unsupported(node);
        }
        Typed value = translate(call.operand(0), null);
        List<RowExpr> tests = new ArrayList<>();
        for (SqlNode v : values) {
          tests.add(Call.of(Fn.EQ, value.expr(), translate(v, value.type()).expr()));
        }
        RowExpr any = tests.size() == 1 ? tests.get(0) : new Call(Fn.OR, tests);
        return new Typed(kind == SqlKind.NOT_IN ? Call.of(Fn.NOT, any) : any, BOOLEAN);
      }
      case CASE:
        return caseOf((SqlCase) call, expected);
      case TRIM:
        return trim(call);
      default:
        break;
    }
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    List<SqlNode> ops = call.getOperandList();
    switch (name) {
      case "COALESCE":
      case "GREATEST":
      case "LEAST": {
        List<Typed> args = sameTyped(ops, expected);
        Fn fn = name.equals("COALESCE") ? Fn.COALESCE
            : name.equals("GREATEST") ? Fn.GREATEST : Fn.LEAST;
        return new Typed(new Call(fn, args.stream().map(Typed::expr).toList()),
            firstType(args));
      }
      case "NULLIF": {
        Typed[] both = pair(ops.get(0), ops.get(1));
        return new Typed(Call.of(Fn.NULLIF, both[0].expr(), both[1].expr()), both[0].type());
      }
      case "MOD": {
        Typed[] both = pair(ops.get(0), ops.get(1));
        return new Typed(Call.of(Fn.MOD, both[0].expr(), both[1].expr()),
            numeric(both[0].type(), both[1].type()));
      }
      case "||":
        return new Typed(Call.of(Fn.CONCAT, translate(ops.get(0), TEXT).expr(),
            translate(ops.get(1), TEXT).expr()), TEXT);
      case "UPPER":
      case "LOWER":
        return new Typed(Call.of(name.equals("UPPER") ? Fn.UPPER : Fn.LOWER,
            translate(ops.get(0), TEXT).expr()), TEXT);
      case "CHAR_LENGTH":
      case "CHARACTER_LENGTH":
        return new Typed(Call.of(Fn.CHAR_LENGTH, translate(ops.get(0), TEXT).expr()),
            ColumnType.of(TypeKind.INTEGER));
      case "SUBSTRING": {
        List<RowExpr> args = new ArrayList<>();
        args.add(translate(ops.get(0), TEXT).expr());
        for (int i = 1; i < ops.size(); i++) {
          args.add(translate(ops.get(i), BIGINT).expr());
        }
        return new Typed(new Call(Fn.SUBSTRING, args), TEXT);
      }
      case "ABS": {
        Typed t = translate(ops.get(0), expected);
        return new Typed(Call.of(Fn.ABS, t.expr()), t.type());
      }
      default:
        throw unsupported(node);
    }
  }

  private RowExpr like(SqlCall call) {
    List<RowExpr> args = new ArrayList<>();
    for (SqlNode o : call.getOperandList()) {
      args.add(translate(o, TEXT).expr());
    }
    return new Call(Fn.LIKE, args);
  }

  private Typed trim(SqlCall call) {
    SqlNode flag = call.operand(0);
    SqlNode chars = call.operand(1);
    boolean both = flag instanceof SqlLiteral l
        && l.getValue() == SqlTrimFunction.Flag.BOTH;
    boolean spaces = chars instanceof SqlLiteral l2 && " ".equals(l2.getValueAs(String.class));
    if (!both || !spaces) {
      throw unsupported(call);
    }
    return new Typed(Call.of(Fn.TRIM, translate(call.operand(2), TEXT).expr()), TEXT);
  }

  private Typed caseOf(SqlCase c, ColumnType expected) {
    List<RowExpr> args = new ArrayList<>();
    List<Typed> values = new ArrayList<>();
    SqlNode subject = c.getValueOperand();
    Typed subjectTyped = subject == null ? null : translate(subject, null);
    for (int i = 0; i < c.getWhenOperands().size(); i++) {
      SqlNode when = c.getWhenOperands().get(i);
      RowExpr test = subjectTyped == null ? translate(when, BOOLEAN).expr()
          : Call.of(Fn.EQ, subjectTyped.expr(), translate(when, subjectTyped.type()).expr());
      Typed then = translate(c.getThenOperands().get(i), expected);
      args.add(test);
      args.add(then.expr());
      values.add(then);
    }
    SqlNode otherwise = c.getElseOperand();
    if (otherwise != null && !SqlUtil.isNullLiteral(otherwise, false)) {
      Typed e = translate(otherwise, expected);
      args.add(e.expr());
      values.add(e);
    }
    return new Typed(new Call(Fn.CASE, args), firstType(values));
  }

  /** Two operands that type each other: a {@code ?} takes the other side's type. */
  private Typed[] pair(SqlNode left, SqlNode right) {
    if (left instanceof SqlDynamicParam && !(right instanceof SqlDynamicParam)) {
      Typed r = translate(right, null);
      return new Typed[] {translate(left, r.type()), r};
    }
    Typed l = translate(left, null);
    return new Typed[] {l, translate(right, l.type())};
  }

  private List<Typed> sameTyped(List<SqlNode> nodes, ColumnType expected) {
    ColumnType type = expected;
    for (SqlNode n : nodes) {
      if (!(n instanceof SqlDynamicParam) && type == null) {
        type = translate(n, null).type();
      }
    }
    List<Typed> out = new ArrayList<>();
    for (SqlNode n : nodes) {
      out.add(translate(n, type));
    }
    return out;
  }

  private static ColumnType firstType(List<Typed> typed) {
    for (Typed t : typed) {
      if (t.type() != null) {
        return t.type();
      }
    }
    return null;
  }

  private Typed param(SqlDynamicParam p, ColumnType type) {
    ColumnType t = type.kind() == TypeKind.COUNTER ? BIGINT : type;
    return new Typed(new RowExpr.Param(p.getIndex(), t), operands.typed(p, t).type());
  }

  /** The type of an arithmetic result, as Calcite would widen it. */
  private static ColumnType numeric(ColumnType a, ColumnType b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    TypeKind x = a.kind();
    TypeKind y = b.kind();
    if (x == TypeKind.DOUBLE || x == TypeKind.REAL || y == TypeKind.DOUBLE || y == TypeKind.REAL) {
      return DOUBLE;
    }
    if (x == TypeKind.DECIMAL || y == TypeKind.DECIMAL) {
      int scale = Math.max(a.scale(), b.scale());
      return ColumnType.decimal(ColumnType.MAX_DECIMAL_PRECISION, scale);
    }
    return BIGINT;
  }

  private MeridianException unsupported(SqlNode node) {
    return SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, text.quote(node) + " is not"
        + " supported in an " + verb + " that names its row by key; it may use " + SUPPORTED,
        node);
  }
}
