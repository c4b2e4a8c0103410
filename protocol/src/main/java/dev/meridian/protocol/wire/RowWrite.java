package dev.meridian.protocol.wire;

/**
 * One row of a {@link Request.Write}: its key, and the cells to write as parallel arrays of
 * column indexes and values (empty for a DELETE).
 *
 * @param key values of the key columns, in key order
 * @param columns indexes of the written columns in the table's column order
 * @param values the value of each written column (null for SQL NULL)
 */
public record RowWrite(Object[] key, int[] columns, Object[] values) {
  public RowWrite {
    if (columns.length != values.length) {
      throw new IllegalArgumentException(
          columns.length + " columns but " + values.length + " values");
    }
  }
}
