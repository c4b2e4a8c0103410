package dev.meridian.protocol.wire;

import dev.meridian.protocol.wire.ScanFilter.Op;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Evaluates and encodes {@link ScanFilter}s. Stateless and thread-safe; a compiled
 * {@link Condition} is immutable and thread-safe too.
 *
 * <h2>Byte layout</h2>
 * A filter is one kind byte and its body (values are {@link Values}, strings
 * {@code int length + UTF-8}):
 * <pre>
 * 1 Compare        int column, byte op (0 EQ, 1 NE, 2 LT, 3 LE, 4 GT, 5 GE), value
 * 2 CompareColumns int left, byte op, int right
 * 3 In             int column, int n, n values
 * 4 IsNull         int column
 * 5 Like           int column, string pattern, string escape
 * 6 And            int n, n filters
 * 7 Or             int n, n filters
 * 8 Not            filter
 * </pre>
 * Example: {@code ID > 5} on column 0 is {@code 01 | 00 00 00 00 | 04 | 01 00 00 00 00 00 00 00 05}.
 * Decoding rejects unknown kinds, negative columns, NULL constants and nesting deeper than
 * {@value #MAX_DEPTH} with {@code 08P01}.
 */
public final class ScanFilters {
  /** The deepest nesting a decoded filter may have. */
  public static final int MAX_DEPTH = 64;

  private static final byte COMPARE = 1;
  private static final byte COMPARE_COLUMNS = 2;
  private static final byte IN = 3;
  private static final byte IS_NULL = 4;
  private static final byte LIKE = 5;
  private static final byte AND = 6;
  private static final byte OR = 7;
  private static final byte NOT = 8;

  private ScanFilters() {}

  /** A compiled filter: {@link Boolean#TRUE}, {@link Boolean#FALSE} or null (unknown). */
  @FunctionalInterface
  public interface Condition {
    /** The condition's value on a row of canonical values in column order. */
    Boolean test(Object[] row);

    /** Whether a row passes: the condition is true. */
    default boolean passes(Object[] row) {
      return Boolean.TRUE.equals(test(row));
    }
  }

  /** Compiles a filter for evaluation; null compiles to "every row passes". */
  public static Condition compile(ScanFilter filter) {
    if (filter == null) {
      return row -> Boolean.TRUE;
    }
    if (filter instanceof ScanFilter.Compare c) {
      int column = c.column();
      Op op = c.op();
      Object value = c.value();
      return row -> {
        Object v = cell(row, column);
        return v == null ? null : op.holds(compare(v, value));
      };
    }
    if (filter instanceof ScanFilter.CompareColumns c) {
      return row -> {
        Object l = cell(row, c.left());
        Object r = cell(row, c.right());
        return l == null || r == null ? null : c.op().holds(compare(l, r));
      };
    }
    if (filter instanceof ScanFilter.In in) {
      List<Object> values = in.values();
      return row -> {
        Object v = cell(row, in.column());
        if (v == null) {
          return null;
        }
        for (Object candidate : values) {
          if (compare(v, candidate) == 0) {
            return Boolean.TRUE;
          }
        }
        return Boolean.FALSE;
      };
    }
    if (filter instanceof ScanFilter.IsNull n) {
      return row -> cell(row, n.column()) == null;
    }
    if (filter instanceof ScanFilter.Like like) {
      Pattern pattern = likePattern(like.pattern(), like.escape());
      return row -> {
        Object v = cell(row, like.column());
        return v == null ? null : pattern.matcher(v.toString()).matches();
      };
    }
    if (filter instanceof ScanFilter.And and) {
      Condition[] parts = compileAll(and.operands());
      return row -> {
        Boolean result = Boolean.TRUE;
        for (Condition part : parts) {
          Boolean b = part.test(row);
          if (Boolean.FALSE.equals(b)) {
            return Boolean.FALSE;
          }
          if (b == null) {
            result = null;
          }
        }
        return result;
      };
    }
    if (filter instanceof ScanFilter.Or or) {
      Condition[] parts = compileAll(or.operands());
      return row -> {
        Boolean result = Boolean.FALSE;
        for (Condition part : parts) {
          Boolean b = part.test(row);
          if (Boolean.TRUE.equals(b)) {
            return Boolean.TRUE;
          }
          if (b == null) {
            result = null;
          }
        }
        return result;
      };
    }
    ScanFilter.Not not = (ScanFilter.Not) filter;
    Condition inner = compile(not.operand());
    return row -> {
      Boolean b = inner.test(row);
      return b == null ? null : !b;
    };
  }

  /**
   * How many leading columns a row needs for the filter to be evaluated on it: one more than
   * the highest column it names (0 for a null filter).
   */
  public static int width(ScanFilter filter) {
    if (filter == null) {
      return 0;
    }
    if (filter instanceof ScanFilter.Compare c) {
      return c.column() + 1;
    } else if (filter instanceof ScanFilter.CompareColumns c) {
      return Math.max(c.left(), c.right()) + 1;
    } else if (filter instanceof ScanFilter.In c) {
      return c.column() + 1;
    } else if (filter instanceof ScanFilter.IsNull c) {
      return c.column() + 1;
    } else if (filter instanceof ScanFilter.Like c) {
      return c.column() + 1;
    } else if (filter instanceof ScanFilter.And a) {
      return a.operands().stream().mapToInt(ScanFilters::width).max().orElse(0);
    } else if (filter instanceof ScanFilter.Or o) {
      return o.operands().stream().mapToInt(ScanFilters::width).max().orElse(0);
    } else {
      return width(((ScanFilter.Not) filter).operand());
    }
  }

  /** Whether a filter names a column (a null filter names none). */
  public static boolean names(ScanFilter filter, int column) {
    if (filter == null) {
      return false;
    } else if (filter instanceof ScanFilter.Compare c) {
      return c.column() == column;
    } else if (filter instanceof ScanFilter.CompareColumns c) {
      return c.left() == column || c.right() == column;
    } else if (filter instanceof ScanFilter.In c) {
      return c.column() == column;
    } else if (filter instanceof ScanFilter.IsNull c) {
      return c.column() == column;
    } else if (filter instanceof ScanFilter.Like c) {
      return c.column() == column;
    } else if (filter instanceof ScanFilter.And a) {
      return a.operands().stream().anyMatch(f -> names(f, column));
    } else if (filter instanceof ScanFilter.Or o) {
      return o.operands().stream().anyMatch(f -> names(f, column));
    } else {
      return names(((ScanFilter.Not) filter).operand(), column);
    }
  }

  private static Condition[] compileAll(List<ScanFilter> filters) {
    Condition[] out = new Condition[filters.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(filters.get(i));
    }
    return out;
  }

  private static Object cell(Object[] row, int column) {
    return column < row.length ? row[column] : null;
  }

  /**
   * Compares two non-null canonical values: numbers by value whatever their classes, strings
   * by UTF-16 code units (as Calcite does), byte arrays unsigned lexicographically, anything
   * else by its natural order.
   *
   * @throws IllegalArgumentException for values that do not compare (a string and a number)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      if (isIntegral(x) && isIntegral(y)) {
        return Long.compare(x.longValue(), y.longValue());
      }
      if ((x instanceof Double || x instanceof Float) && (y instanceof Double || y instanceof Float)) {
        double l = x.doubleValue();
        double r = y.doubleValue();
        return l < r ? -1 : l > r ? 1 : Double.compare(l + 0.0, r + 0.0);
      }
      return decimal(x).compareTo(decimal(y));
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    if (a.getClass() == b.getClass() && a instanceof Comparable c) {
      return c.compareTo(b);
    }
    throw new IllegalArgumentException("cannot compare " + a.getClass().getSimpleName()
        + " with " + b.getClass().getSimpleName());
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    return isIntegral(n) ? BigDecimal.valueOf(n.longValue()) : new BigDecimal(n.doubleValue());
  }

  /** The regular expression of a SQL LIKE pattern. */
  static Pattern likePattern(String like, String escape) {
    StringBuilder regex = new StringBuilder(like.length() + 8);
    char esc = escape.isEmpty() ? 0 : escape.charAt(0);
    for (int i = 0; i < like.length(); i++) {
      char ch = like.charAt(i);
      if (esc != 0 && ch == esc && i + 1 < like.length()) {
        regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
      } else if (ch == '%') {
        regex.append(".*");
      } else if (ch == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  // ---- encoding ----

  /** Writes a filter. */
  public static void write(ByteBuf out, ScanFilter filter) {
    if (filter instanceof ScanFilter.Compare c) {
      out.writeByte(COMPARE).writeInt(c.column()).writeByte(c.op().ordinal());
      Values.write(out, c.value());
    } else if (filter instanceof ScanFilter.CompareColumns c) {
      out.writeByte(COMPARE_COLUMNS).writeInt(c.left()).writeByte(c.op().ordinal())
          .writeInt(c.right());
    } else if (filter instanceof ScanFilter.In in) {
      out.writeByte(IN).writeInt(in.column()).writeInt(in.values().size());
      for (Object v : in.values()) {
        Values.write(out, v);
      }
    } else if (filter instanceof ScanFilter.IsNull n) {
      out.writeByte(IS_NULL).writeInt(n.column());
    } else if (filter instanceof ScanFilter.Like like) {
      out.writeByte(LIKE).writeInt(like.column());
      Values.writeString(out, like.pattern());
      Values.writeString(out, like.escape());
    } else if (filter instanceof ScanFilter.And and) {
      writeAll(out.writeByte(AND), and.operands());
    } else if (filter instanceof ScanFilter.Or or) {
      writeAll(out.writeByte(OR), or.operands());
    } else if (filter instanceof ScanFilter.Not not) {
      write(out.writeByte(NOT), not.operand());
    } else {
      throw new IllegalArgumentException("unknown filter " + filter);
    }
  }

  private static void writeAll(ByteBuf out, List<ScanFilter> filters) {
    out.writeInt(filters.size());
    for (ScanFilter f : filters) {
      write(out, f);
    }
  }

  /** Reads a filter written by {@link #write}; malformed input fails with {@code 08P01}. */
  public static ScanFilter read(ByteBuf in) {
    return read(in, 1);
  }

  private static ScanFilter read(ByteBuf in, int depth) {
    if (depth > MAX_DEPTH) {
      throw Values.corrupt("scan filter nested deeper than " + MAX_DEPTH);
    }
    byte kind = Values.readByte(in);
    return switch (kind) {
      case COMPARE -> {
        int column = column(in);
        Op op = op(in);
        yield new ScanFilter.Compare(column, op, constant(in));
      }
      case COMPARE_COLUMNS -> {
        int left = column(in);
        Op op = op(in);
        yield new ScanFilter.CompareColumns(left, op, column(in));
      }
      case IN -> {
        int column = column(in);
        int n = Values.readCount(in, 1);
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(constant(in));
        }
        yield new ScanFilter.In(column, values);
      }
      case IS_NULL -> new ScanFilter.IsNull(column(in));
      case LIKE -> {
        int column = column(in);
        String pattern = Values.readString(in);
        String escape = Values.readString(in);
        if (escape.length() > 1) {
          throw Values.corrupt("LIKE escape '" + escape + "' is longer than one character");
        }
        yield new ScanFilter.Like(column, pattern, escape);
      }
      case AND -> new ScanFilter.And(readAll(in, depth));
      case OR -> new ScanFilter.Or(readAll(in, depth));
      case NOT -> new ScanFilter.Not(read(in, depth + 1));
      default -> throw Values.corrupt("unknown scan filter kind " + kind);
    };
  }

  private static List<ScanFilter> readAll(ByteBuf in, int depth) {
    int n = Values.readCount(in, 1);
    List<ScanFilter> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(read(in, depth + 1));
    }
    return out;
  }

  private static int column(ByteBuf in) {
    int c = Values.need(in, 4).readInt();
    if (c < 0) {
      throw Values.corrupt("scan filter column " + c);
    }
    return c;
  }

  private static Op op(ByteBuf in) {
    byte op = Values.readByte(in);
    if (op < 0 || op >= Op.values().length) {
      throw Values.corrupt("scan filter operator " + op);
    }
    return Op.values()[op];
  }

  private static Object constant(ByteBuf in) {
    Object v = Values.read(in);
    if (v == null) {
      throw Values.corrupt("a NULL constant in a scan filter");
    }
    return v;
  }
}
