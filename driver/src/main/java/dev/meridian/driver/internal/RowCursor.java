package dev.meridian.driver.internal;

import java.util.List;

/**
 * The rows behind a {@link MeridianResultSet}: already read (a list) or streamed (a general
 * query's scan, pulled as the application reads). Values are canonical. Not thread-safe.
 */
interface RowCursor extends AutoCloseable {

  /** Moves to the next row; false after the last. */
  boolean advance();

  /** The current row, after {@link #advance} returned true. */
  Object[] current();

  /** Whether a row follows the current one (may read ahead). */
  boolean hasNext();

  /** Stops reading; idempotent. */
  @Override
  void close();

  /** A cursor over rows already read. */
  static RowCursor of(List<Object[]> rows) {
    return new RowCursor() {
      private int next;

      @Override
      public boolean advance() {
        if (next < rows.size()) {
          next++;
          return true;
        }
        return false;
      }

      @Override
      public Object[] current() {
        return rows.get(next - 1);
      }

      @Override
      public boolean hasNext() {
        return next < rows.size();
      }

      @Override
      public void close() {}
    };
  }
}
