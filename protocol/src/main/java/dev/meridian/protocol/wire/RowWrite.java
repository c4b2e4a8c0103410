package dev.meridian.protocol.wire;

/**
 * One row of a {@link Request.Write}: its key, the cells to write as parallel arrays of column
 * indexes and values (empty for a DELETE), and, for a write that reads the row, the parts the
 * row's owner evaluates against the current row in the step that writes it.
 *
 * @param key values of the key columns, in key order
 * @param columns indexes of the written columns in the table's column order
 * @param values the value of each written column (null for SQL NULL, and where
 *     {@code computed} gives an expression instead)
 * @param computed null (also when every entry is null), or per written column the expression that computes its value from the
 *     current row (null where {@code values} holds the value); a COUNTER column is written only
 *     as {@code c + n} or {@code c - n}
 * @param condition null, or a condition on the current row: the row is written only when it
 *     holds (UPDATE and DELETE)
 */
public record RowWrite(Object[] key, int[] columns, Object[] values, RowExpr[] computed,
    RowExpr condition) {
  public RowWrite {
    if (columns.length != values.length) {
      throw new IllegalArgumentException(
          columns.length + " columns but " + values.length + " values");
    }
    if (computed != null && computed.length != columns.length) {
      throw new IllegalArgumentException(
          columns.length + " columns but " + computed.length + " computed values");
    }
    if (computed != null && java.util.Arrays.stream(computed).allMatch(e -> e == null)) {
      computed = null;
    }
  }

  /** A row that writes plain values and reads nothing. */
  public RowWrite(Object[] key, int[] columns, Object[] values) {
    this(key, columns, values, null, null);
  }

  /** Whether the owner must read the row to write it (a condition or a computed value). */
  public boolean readsRow() {
    if (condition != null) {
      return true;
    }
    return computed != null;
  }
}
