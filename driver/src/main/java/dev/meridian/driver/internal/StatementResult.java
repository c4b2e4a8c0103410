package dev.meridian.driver.internal;

import java.util.List;

/**
 * What running a statement produced: rows for a query, else an update count. Rows hold
 * canonical values (see {@link dev.meridian.protocol.types.TypeKind#javaClass()}).
 *
 * @param columns the result's columns; empty for an update
 * @param rows the rows of a query, or null for an update
 * @param updateCount the update count of an update, -1 for a query
 * @param warning a warning to attach to the statement, or null
 * @param stream the rows of a streamed query (then {@code rows} is null), or null
 */
record StatementResult(List<ResultColumn> columns, List<Object[]> rows, long updateCount,
    String warning, RowCursor stream) {

  StatementResult(List<ResultColumn> columns, List<Object[]> rows, long updateCount,
      String warning) {
    this(columns, rows, updateCount, warning, null);
  }

  /** A query whose rows are read as the application asks for them. */
  static StatementResult streamed(List<ResultColumn> columns, RowCursor stream) {
    return new StatementResult(List.copyOf(columns), null, -1, null, stream);
  }

  /** The rows as a cursor. */
  RowCursor cursor() {
    return stream != null ? stream : RowCursor.of(rows);
  }

  static StatementResult query(List<ResultColumn> columns, List<Object[]> rows) {
    return new StatementResult(List.copyOf(columns), rows, -1, null);
  }

  static StatementResult update(long count, String warning) {
    return new StatementResult(List.of(), null, count, warning);
  }

  boolean isQuery() {
    return rows != null || stream != null;
  }
}
