package dev.meridian.protocol.wire;

import java.util.List;
import java.util.Objects;

/**
 * A row condition a scan pushes down to the peers: a small expression tree over the columns of
 * one table and canonical constants (see {@link dev.meridian.protocol.types.TypeKind#javaClass()}).
 * {@link ScanFilters#compile} turns one into something a peer evaluates; {@link ScanFilters}
 * also holds its byte layout.
 *
 * <p>SQL's three-valued logic: a comparison involving NULL is unknown, {@code NOT} of unknown
 * is unknown, {@code AND}/{@code OR} follow Kleene's tables, and a row passes only when the
 * whole condition is true. Immutable; column numbers index the table's columns.
 */
public sealed interface ScanFilter {

  /** A comparison operator. */
  enum Op {
    EQ, NE, LT, LE, GT, GE;

    /** Whether the operator holds for a {@code compareTo} result of left against right. */
    public boolean holds(int comparison) {
      return switch (this) {
        case EQ -> comparison == 0;
        case NE -> comparison != 0;
        case LT -> comparison < 0;
        case LE -> comparison <= 0;
        case GT -> comparison > 0;
        case GE -> comparison >= 0;
      };
    }

    /** The operator with its operands swapped: {@code 1 < a} is {@code a > 1}. */
    public Op flipped() {
      return switch (this) {
        case LT -> GT;
        case LE -> GE;
        case GT -> LT;
        case GE -> LE;
        default -> this;
      };
    }
  }

  /** {@code column op value}; the value is of the column's canonical class and not null. */
  record Compare(int column, Op op, Object value) implements ScanFilter {
    public Compare {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code left op right}, two columns of the same type. */
  record CompareColumns(int left, Op op, int right) implements ScanFilter {
    public CompareColumns {
      Objects.requireNonNull(op, "op");
    }
  }

  /** {@code column IN (values)}; the values are of the column's class and not null. */
  record In(int column, List<Object> values) implements ScanFilter {
    public In {
      values = List.copyOf(values);
    }
  }

  /** {@code column IS NULL}. */
  record IsNull(int column) implements ScanFilter {}

  /**
   * {@code column LIKE pattern [ESCAPE escape]}: {@code %} any run of characters, {@code _}
   * one character, case-sensitive.
   *
   * @param escape the escape character, or "" for none
   */
  record Like(int column, String pattern, String escape) implements ScanFilter {
    public Like {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(escape, "escape");
    }
  }

  /** Every operand holds. */
  record And(List<ScanFilter> operands) implements ScanFilter {
    public And {
      operands = List.copyOf(operands);
    }
  }

  /** Some operand holds. */
  record Or(List<ScanFilter> operands) implements ScanFilter {
    public Or {
      operands = List.copyOf(operands);
    }
  }

  /** The operand does not hold (unknown stays unknown). */
  record Not(ScanFilter operand) implements ScanFilter {
    public Not {
      Objects.requireNonNull(operand, "operand");
    }
  }
}
