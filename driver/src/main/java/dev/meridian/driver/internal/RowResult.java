package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.RowOutcome;

/**
 * What became of one row of a write: the peer's {@link RowOutcome}, or an error that kept the
 * peer from answering for it. Immutable.
 *
 * @param outcome the peer's outcome, or null when {@code error} is set
 * @param error why there is no outcome, or null
 * @param maybeApplied with an error: whether the row may have been applied anyway (the
 *     request was sent but its answer was lost)
 */
record RowResult(RowOutcome outcome, MeridianException error, boolean maybeApplied) {
  private static final RowResult NOT_FOUND = new RowResult(RowOutcome.notFound(), null, false);

  static RowResult of(RowOutcome outcome) {
    return new RowResult(outcome, null, false);
  }

  /** A row that matched nothing without asking a peer (a NULL key). */
  static RowResult notFound() {
    return NOT_FOUND;
  }

  /** A row that was certainly not applied. */
  static RowResult failed(MeridianException e) {
    return new RowResult(null, e, false);
  }

  /** A row whose request was sent but whose answer never came. */
  static RowResult unknown(MeridianException e) {
    return new RowResult(null, e, true);
  }

  boolean applied() {
    return outcome != null && outcome.status() == RowOutcome.Status.APPLIED;
  }

  /** Failed, or of unknown fate: anything but applied or not found. */
  boolean problem() {
    return error != null || outcome.status() == RowOutcome.Status.DUPLICATE
        || outcome.status() == RowOutcome.Status.FAILED;
  }

  /** The SQLState of a problem. */
  SqlState state() {
    if (error != null) {
      return error.state();
    }
    if (outcome.status() == RowOutcome.Status.DUPLICATE) {
      return SqlState.UNIQUE_VIOLATION;
    }
    return outcome.state() == null ? SqlState.INTERNAL_ERROR : outcome.state();
  }
}
