package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;

/**
 * A batch in which some entries failed: carries the per-entry update counts
 * ({@link java.sql.Statement#EXECUTE_FAILED} for failed entries), which the JDBC boundary puts
 * into a {@link java.sql.BatchUpdateException}. Immutable.
 */
final class BatchFailure extends MeridianException {
  private static final long serialVersionUID = 1L;

  private final long[] counts;

  BatchFailure(SqlState state, String message, long[] counts, Throwable cause) {
    super(state, message, cause);
    this.counts = counts.clone();
  }

  /** The counts as {@code long}s (for {@code executeLargeBatch}). */
  long[] largeUpdateCounts() {
    return counts.clone();
  }

  /** The counts as {@code int}s, saturated. */
  int[] updateCounts() {
    int[] out = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, counts[i]));
    }
    return out;
  }
}
