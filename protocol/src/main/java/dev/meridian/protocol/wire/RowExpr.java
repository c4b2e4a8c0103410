package dev.meridian.protocol.wire;

import dev.meridian.protocol.types.ColumnType;
import java.util.List;
import java.util.Objects;

/**
 * An expression over the cells of one row, evaluated by the peer that owns the row in the same
 * step that writes it: the condition of an {@code UPDATE}/{@code DELETE} by key and the value
 * of a computed {@code SET} ({@code n = n + ?}, {@code CASE}, {@code COALESCE}, {@code ||}).
 * {@link RowExprs} evaluates it and holds its byte layout.
 *
 * <p>Values are canonical ({@link dev.meridian.protocol.types.TypeKind#javaClass()}); SQL NULL is
 * Java null and a boolean expression may be null (unknown), following SQL's three-valued logic.
 * Immutable and thread-safe.
 */
public sealed interface RowExpr {

  /** The current value of the row's column {@code index} (in the table's column order). */
  record Column(int index) implements RowExpr {
    public Column {
      if (index < 0) {
        throw new IllegalArgumentException("negative column " + index);
      }
    }
  }

  /** A constant: a canonical value, or null for SQL NULL. */
  record Literal(Object value) implements RowExpr {}

  /**
   * The {@code index}-th {@code ?} of a statement (0-based), coerced to {@code type} when bound
   * ({@link RowExprs#bind}). Exists only in plans: a bound expression has none, and the byte
   * layout has no place for one.
   */
  record Param(int index, ColumnType type) implements RowExpr {
    public Param {
      Objects.requireNonNull(type, "type");
    }
  }

  /** An operator or function applied to its arguments; {@link Fn} says how many it takes. */
  record Call(Fn fn, List<RowExpr> args) implements RowExpr {
    public Call {
      Objects.requireNonNull(fn, "fn");
      args = List.copyOf(args);
      if (args.size() < fn.minArgs || args.size() > fn.maxArgs) {
        throw new IllegalArgumentException(fn + " takes " + fn.minArgs
            + (fn.maxArgs == fn.minArgs ? "" : " to " + fn.maxArgs) + " arguments, not "
            + args.size());
      }
    }

    /** A call of {@code fn} on the given arguments. */
    public static Call of(Fn fn, RowExpr... args) {
      return new Call(fn, List.of(args));
    }
  }

  /** {@code CAST(arg AS type)}. */
  record Cast(RowExpr arg, ColumnType type) implements RowExpr {
    public Cast {
      Objects.requireNonNull(arg, "arg");
      Objects.requireNonNull(type, "type");
    }
  }

  /**
   * The operators and functions. Arithmetic on two integers is exact (overflow is
   * {@code 22003}); with a DOUBLE or REAL operand it is floating point; otherwise DECIMAL.
   * Division by zero is {@code 22012}. NULL in, NULL out, except where noted.
   */
  enum Fn {
    /** {@code a + b}. */
    ADD(2, 2),
    /** {@code a - b}. */
    SUB(2, 2),
    /** {@code a * b}. */
    MUL(2, 2),
    /** {@code a / b}; integer division truncates toward zero. */
    DIV(2, 2),
    /** {@code MOD(a, b)} or {@code a % b}: the remainder with the sign of {@code a}. */
    MOD(2, 2),
    /** {@code -a}. */
    NEG(1, 1),
    /** {@code a || b}: string concatenation. */
    CONCAT(2, 2),
    /** {@code a = b}. */
    EQ(2, 2),
    /** {@code a <> b}. */
    NE(2, 2),
    /** {@code a < b}. */
    LT(2, 2),
    /** {@code a <= b}. */
    LE(2, 2),
    /** {@code a > b}. */
    GT(2, 2),
    /** {@code a >= b}. */
    GE(2, 2),
    /** Kleene AND of any number of operands. */
    AND(2, Integer.MAX_VALUE),
    /** Kleene OR of any number of operands. */
    OR(2, Integer.MAX_VALUE),
    /** {@code NOT a} (unknown stays unknown). */
    NOT(1, 1),
    /** {@code a IS NULL}; never NULL. */
    IS_NULL(1, 1),
    /** {@code a IS NOT NULL}; never NULL. */
    IS_NOT_NULL(1, 1),
    /** The first argument that is not NULL. */
    COALESCE(1, Integer.MAX_VALUE),
    /** {@code NULLIF(a, b)}: NULL when {@code a = b}, else {@code a}. */
    NULLIF(2, 2),
    /**
     * {@code CASE WHEN c1 THEN v1 … [ELSE e] END} as {@code c1, v1, c2, v2, …[, e]}: an odd
     * count ends with the ELSE value; without it the result is NULL when no condition holds.
     */
    CASE(2, Integer.MAX_VALUE),
    /** {@code a LIKE pattern [ESCAPE e]}: {@code %} any run, {@code _} one character. */
    LIKE(2, 3),
    /** {@code UPPER(s)}. */
    UPPER(1, 1),
    /** {@code LOWER(s)}. */
    LOWER(1, 1),
    /** {@code TRIM(s)}: spaces removed at both ends. */
    TRIM(1, 1),
    /** {@code CHAR_LENGTH(s)}: the length in UTF-16 code units, as an INTEGER. */
    CHAR_LENGTH(1, 1),
    /** {@code SUBSTRING(s FROM start [FOR length])}, 1-based. */
    SUBSTRING(2, 3),
    /** {@code ABS(a)}. */
    ABS(1, 1),
    /** {@code GREATEST(a, b, …)}: NULL if any argument is. */
    GREATEST(2, Integer.MAX_VALUE),
    /** {@code LEAST(a, b, …)}: NULL if any argument is. */
    LEAST(2, Integer.MAX_VALUE);

    final int minArgs;
    final int maxArgs;

    Fn(int minArgs, int maxArgs) {
      this.minArgs = minArgs;
      this.maxArgs = maxArgs;
    }
  }
}
