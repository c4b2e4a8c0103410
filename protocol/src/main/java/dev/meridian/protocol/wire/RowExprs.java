package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr.Call;
import dev.meridian.protocol.wire.RowExpr.Fn;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates {@link RowExpr}s against a row and holds their byte layout. This interpreter is the
 * one place where a computed write's condition and values are worked out: the driver binds the
 * statement's parameters into the expression, the peer that owns the row evaluates it on the
 * merged row in the same step that stores the result. An interpreter of our own rather than a
 * compiled Calcite expression keeps Calcite off the peer, keeps the wire form small and
 * fuzzable, and costs no compilation per new statement.
 *
 * <h2>Byte layout</h2>
 * One tag byte per node, then its payload (big-endian; values in {@link Values}' layout):
 * <pre>
 *   1 Column   int index
 *   2 Literal  value
 *   3 Call     byte fn (ordinal of {@link Fn}), int n, n expressions
 *   4 Cast     byte kind tag, int precision, int scale, expression
 * </pre>
 * Example: {@code n + 1} on column 2 is {@code 03 00 00000002 | 01 00000002 | 02 01 0000000000000001}
 * ({@code Call ADD, 2 arguments, Column 2, Literal Long 1}). Nesting deeper than
 * {@value #MAX_DEPTH} and more than {@value #MAX_NODES} nodes are refused, so hostile input fails
 * with {@code 08P01} and never exhausts a peer's stack or memory. A {@link RowExpr.Param} has no
 * layout: expressions are bound before they are sent.
 *
 * <p>Stateless and thread-safe.
 */
public final class RowExprs {
  /** Deepest nesting accepted. */
  public static final int MAX_DEPTH = 64;
  /** Most nodes in one expression. */
  public static final int MAX_NODES = 4096;

  private static final byte COLUMN = 1;
  private static final byte LITERAL = 2;
  private static final byte CALL = 3;
  private static final byte CAST = 4;
  private static final Fn[] FNS = Fn.values();
  private static final MathContext DIVISION = MathContext.DECIMAL128;

  private RowExprs() {}

  // ---- binding ----

  /** The expression with every parameter replaced by its bound value, coerced to its type. */
  public static RowExpr bind(RowExpr expr, Object[] parameters) {
    if (expr instanceof RowExpr.Param p) {
      return new RowExpr.Literal(p.type().coerce(parameters[p.index()]));
    } else if (expr instanceof Call c) {
      List<RowExpr> args = new ArrayList<>(c.args().size());
      boolean same = true;
      for (RowExpr a : c.args()) {
        RowExpr b = bind(a, parameters);
        same &= b == a;
        args.add(b);
      }
      return same ? c : new Call(c.fn(), args);
    } else if (expr instanceof RowExpr.Cast c) {
      RowExpr b = bind(c.arg(), parameters);
      return b == c.arg() ? c : new RowExpr.Cast(b, c.type());
    }
    return expr;
  }

  /** Whether the expression reads column {@code index}. */
  public static boolean reads(RowExpr expr, int index) {
    if (expr instanceof RowExpr.Column c) {
      return c.index() == index;
    } else if (expr instanceof Call c) {
      for (RowExpr a : c.args()) {
        if (reads(a, index)) {
          return true;
        }
      }
    } else if (expr instanceof RowExpr.Cast c) {
      return reads(c.arg(), index);
    }
    return false;
  }

  // ---- evaluation ----

  /**
   * Evaluates an expression against a row's values (canonical, null for NULL; columns beyond
   * the array read as NULL).
   *
   * @throws MeridianException {@code 22003} overflow, {@code 22012} division by zero,
   *     {@code 42804} operands of types that do not combine, {@code 22xxx} a failed CAST,
   *     {@code 08P01} an unbound parameter
   */
  public static Object eval(RowExpr expr, Object[] row) {
    if (expr instanceof RowExpr.Column c) {
      return c.index() < row.length ? row[c.index()] : null;
    } else if (expr instanceof RowExpr.Literal l) {
      return l.value();
    } else if (expr instanceof RowExpr.Cast c) {
      return c.type().coerce(eval(c.arg(), row));
    } else if (expr instanceof Call c) {
      return call(c, row);
    }
    throw new MeridianException(SqlState.PROTOCOL_VIOLATION,
        "an expression still holds a parameter; bind it before evaluating");
  }

  /** Evaluates a condition: true only when it is TRUE (FALSE and unknown are false). */
  public static boolean holds(RowExpr condition, Object[] row) {
    Object v = eval(condition, row);
    if (v != null && !(v instanceof Boolean)) {
      throw mismatch("a condition must be a boolean, not " + kindOf(v));
    }
    return Boolean.TRUE.equals(v);
  }

  private static Object call(Call c, Object[] row) {
    List<RowExpr> args = c.args();
    switch (c.fn()) {
      case AND: {
        boolean unknown = false;
        for (RowExpr a : args) {
          Boolean b = bool(eval(a, row));
          if (b == null) {
            unknown = true;
          } else if (!b) {
            return false;
          }
        }
        return unknown ? null : true;
      }
      case OR: {
        boolean unknown = false;
        for (RowExpr a : args) {
          Boolean b = bool(eval(a, row));
          if (b == null) {
            unknown = true;
          } else if (b) {
            return true;
          }
        }
        return unknown ? null : false;
      }
      case NOT: {
        Boolean b = bool(eval(args.get(0), row));
        return b == null ? null : !b;
      }
      case IS_NULL:
        return eval(args.get(0), row) == null;
      case IS_NOT_NULL:
        return eval(args.get(0), row) != null;
      case COALESCE:
        for (RowExpr a : args) {
          Object v = eval(a, row);
          if (v != null) {
            return v;
          }
        }
        return null;
      case CASE: {
        int pairs = args.size() / 2;
        for (int i = 0; i < pairs; i++) {
          if (Boolean.TRUE.equals(bool(eval(args.get(2 * i), row)))) {
            return eval(args.get(2 * i + 1), row);
          }
        }
        return args.size() % 2 == 1 ? eval(args.get(args.size() - 1), row) : null;
      }
      default:
        break;
    }
    Object[] v = new Object[args.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = eval(args.get(i), row);
    }
    if (c.fn() == Fn.NULLIF) {
      return v[0] != null && v[1] != null && compare(v[0], v[1]) == 0 ? null : v[0];
    }
    for (Object o : v) {
      if (o == null) {
        return null;
      }
    }
    return switch (c.fn()) {
      case ADD, SUB, MUL, DIV, MOD -> arithmetic(c.fn(), v[0], v[1]);
      case NEG -> negate(v[0]);
      case ABS -> compare(v[0], 0L) < 0 ? negate(v[0]) : number(v[0]);
      case CONCAT -> string(v[0]) + string(v[1]);
      case EQ -> compare(v[0], v[1]) == 0;
      case NE -> compare(v[0], v[1]) != 0;
      case LT -> compare(v[0], v[1]) < 0;
      case LE -> compare(v[0], v[1]) <= 0;
      case GT -> compare(v[0], v[1]) > 0;
      case GE -> compare(v[0], v[1]) >= 0;
      case LIKE -> ScanFilters.likePattern(string(v[1]), v.length > 2 ? string(v[2]) : "")
          .matcher(string(v[0])).matches();
      case UPPER -> string(v[0]).toUpperCase(Locale.ROOT);
      case LOWER -> string(v[0]).toLowerCase(Locale.ROOT);
      case TRIM -> string(v[0]).strip();
      case CHAR_LENGTH -> string(v[0]).length();
      case SUBSTRING -> substring(string(v[0]), v[1], v.length > 2 ? v[2] : null);
      case GREATEST, LEAST -> extreme(c.fn() == Fn.GREATEST, v);
      default -> throw new IllegalStateException("unhandled " + c.fn());
    };
  }

  private static Object extreme(boolean greatest, Object[] v) {
    Object best = v[0];
    for (int i = 1; i < v.length; i++) {
      int cmp = compare(v[i], best);
      if (greatest ? cmp > 0 : cmp < 0) {
        best = v[i];
      }
    }
    return best;
  }

  private static String substring(String s, Object start, Object length) {
    long from = integral(start, "SUBSTRING's start");
    long end = length == null ? Long.MAX_VALUE
        : from + integral(length, "SUBSTRING's length");
    if (length != null && integral(length, "SUBSTRING's length") < 0) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE,
          "SUBSTRING's length is negative: " + length);
    }
    int lo = (int) Math.max(1, Math.min(from, s.length() + 1L));
    int hi = (int) Math.max(lo, Math.min(end, s.length() + 1L));
    return s.substring(lo - 1, hi - 1);
  }

  private static long integral(Object v, String what) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short) {
      return ((Number) v).longValue();
    }
    throw mismatch(what + " must be an integer, not " + kindOf(v));
  }

  private static Object arithmetic(Fn fn, Object a, Object b) {
    Number x = number(a);
    Number y = number(b);
    try {
      if (isIntegral(x) && isIntegral(y)) {
        long l = x.longValue();
        long r = y.longValue();
        return switch (fn) {
          case ADD -> Math.addExact(l, r);
          case SUB -> Math.subtractExact(l, r);
          case MUL -> Math.multiplyExact(l, r);
          case DIV -> {
            if (r == 0) {
              throw divisionByZero();
            }
            if (l == Long.MIN_VALUE && r == -1) {
              throw new ArithmeticException("overflow");
            }
            yield l / r;
          }
          default -> {
            if (r == 0) {
              throw divisionByZero();
            }
            yield r == -1 ? 0L : l % r;
          }
        };
      }
      if (x instanceof Double || x instanceof Float || y instanceof Double || y instanceof Float) {
        double l = x.doubleValue();
        double r = y.doubleValue();
        if ((fn == Fn.DIV || fn == Fn.MOD) && r == 0) {
          throw divisionByZero();
        }
        double d = switch (fn) {
          case ADD -> l + r;
          case SUB -> l - r;
          case MUL -> l * r;
          case DIV -> l / r;
          default -> l % r;
        };
        if (Double.isInfinite(d) || Double.isNaN(d)) {
          throw new ArithmeticException("overflow");
        }
        return d;
      }
      BigDecimal l = decimal(x);
      BigDecimal r = decimal(y);
      if ((fn == Fn.DIV || fn == Fn.MOD) && r.signum() == 0) {
        throw divisionByZero();
      }
      return switch (fn) {
        case ADD -> l.add(r);
        case SUB -> l.subtract(r);
        case MUL -> l.multiply(r);
        case DIV -> l.divide(r, DIVISION);
        default -> l.remainder(r);
      };
    } catch (ArithmeticException e) {
      throw new MeridianException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
          "the result of " + a + " " + symbol(fn) + " " + b + " is out of range", e);
    }
  }

  private static MeridianException divisionByZero() {
    return new MeridianException(SqlState.DIVISION_BY_ZERO, "division by zero");
  }

  private static String symbol(Fn fn) {
    return switch (fn) {
      case ADD -> "+";
      case SUB -> "-";
      case MUL -> "*";
      case DIV -> "/";
      default -> "%";
    };
  }

  private static Object negate(Object v) {
    Number n = number(v);
    if (n instanceof Long l) {
      if (l == Long.MIN_VALUE) {
        throw new MeridianException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
            "the negation of " + l + " is out of range");
      }
      return -l;
    } else if (n instanceof Integer i) {
      return -(long) i;
    } else if (n instanceof Short s) {
      return -(long) s;
    } else if (n instanceof Double d) {
      return -d;
    } else if (n instanceof Float f) {
      return -f;
    }
    return ((BigDecimal) n).negate();
  }

  /**
   * Compares two non-null values the way SQL does: numbers by value whatever their classes,
   * strings by UTF-16 code units, binary unsigned.
   */
  private static int compare(Object a, Object b) {
    try {
      return ScanFilters.compare(a, b);
    } catch (IllegalArgumentException e) {
      throw mismatch("cannot compare " + kindOf(a) + " with " + kindOf(b));
    }
  }

  private static Number number(Object v) {
    if (v instanceof Number n && !(v instanceof Byte)) {
      return n;
    }
    throw mismatch("arithmetic needs numbers, not " + kindOf(v));
  }

  private static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw mismatch("a string was expected, not " + kindOf(v));
  }

  private static Boolean bool(Object v) {
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw mismatch("a boolean was expected, not " + kindOf(v));
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    return BigDecimal.valueOf(n.longValue());
  }

  private static MeridianException mismatch(String message) {
    return new MeridianException(SqlState.DATATYPE_MISMATCH, message);
  }

  private static String kindOf(Object v) {
    for (TypeKind k : TypeKind.values()) {
      if (k.javaClass().isInstance(v)) {
        return k.name();
      }
    }
    return v.getClass().getSimpleName();
  }

  // ---- encoding ----

  /**
   * Writes an expression.
   *
   * @throws IllegalArgumentException for an unbound {@link RowExpr.Param}
   */
  public static void write(ByteBuf out, RowExpr expr) {
    if (expr instanceof RowExpr.Column c) {
      out.writeByte(COLUMN).writeInt(c.index());
    } else if (expr instanceof RowExpr.Literal l) {
      out.writeByte(LITERAL);
      Values.write(out, l.value());
    } else if (expr instanceof Call c) {
      out.writeByte(CALL).writeByte(c.fn().ordinal()).writeInt(c.args().size());
      for (RowExpr a : c.args()) {
        write(out, a);
      }
    } else if (expr instanceof RowExpr.Cast c) {
      out.writeByte(CAST).writeByte(c.type().kind().tag()).writeInt(c.type().precision())
          .writeInt(c.type().scale());
      write(out, c.arg());
    } else {
      throw new IllegalArgumentException("bind parameters before encoding an expression");
    }
  }

  /** Reads an expression written by {@link #write}; malformed input fails with {@code 08P01}. */
  public static RowExpr read(ByteBuf in) {
    return read(in, 0, new int[1]);
  }

  private static RowExpr read(ByteBuf in, int depth, int[] nodes) {
    if (depth > MAX_DEPTH) {
      throw Values.corrupt("expression nested deeper than " + MAX_DEPTH);
    }
    if (++nodes[0] > MAX_NODES) {
      throw Values.corrupt("expression of more than " + MAX_NODES + " nodes");
    }
    byte tag = Values.readByte(in);
    switch (tag) {
      case COLUMN: {
        int index = Values.need(in, 4).readInt();
        if (index < 0) {
          throw Values.corrupt("expression column " + index);
        }
        return new RowExpr.Column(index);
      }
      case LITERAL:
        return new RowExpr.Literal(Values.read(in));
      case CALL: {
        byte f = Values.readByte(in);
        if (f < 0 || f >= FNS.length) {
          throw Values.corrupt("expression function " + f);
        }
        int n = Values.readCount(in, 2);
        List<RowExpr> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          args.add(read(in, depth + 1, nodes));
        }
        try {
          return new Call(FNS[f], args);
        } catch (IllegalArgumentException e) {
          throw Values.corrupt(e.getMessage());
        }
      }
      case CAST: {
        byte kind = Values.readByte(in);
        int precision = Values.need(in, 8).readInt();
        int scale = in.readInt();
        ColumnType type;
        try {
          type = new ColumnType(TypeKind.ofTag(kind), precision, scale);
        } catch (IllegalArgumentException | MeridianException e) {
          throw Values.corrupt("expression cast: " + e.getMessage());
        }
        return new RowExpr.Cast(read(in, depth + 1, nodes), type);
      }
      default:
        throw Values.corrupt("expression tag " + tag);
    }
  }
}
