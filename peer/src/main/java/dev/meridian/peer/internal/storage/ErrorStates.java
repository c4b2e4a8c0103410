package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLState and message a failure is reported with: a {@link MeridianException} keeps its
 * own, Hazelcast's timeout becomes {@code HYT00}, a member that went away (or this peer shutting
 * down) {@code 08006}, and
 * anything else is a bug, {@code XX000}, logged with its stack trace.
 *
 * <p>Stateless and thread-safe.
 */
final class ErrorStates {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorStates.class);

  private ErrorStates() {}

  /** A failure's state and message. */
  record Failure(SqlState state, String message) {}

  /** Classifies a failure, unwrapping future wrappers; logs bugs. */
  static Failure of(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof MeridianException m) {
      return new Failure(m.state(), m.getMessage());
    }
    // A member's own failure (a full disk under the write-through log) may arrive wrapped in
    // Hazelcast's exception of the remote call.
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof MeridianException m) {
        return new Failure(m.state(), m.getMessage());
      }
    }
    if (e instanceof com.hazelcast.core.IndeterminateOperationStateException) {
      // A synchronous backup did not confirm in time (see MemberConfig): the owner applied the
      // write, but it would not survive the owner's loss, so it is not acknowledged.
      return new Failure(SqlState.CONNECTION_FAILURE, "the row's backup copy did not confirm in"
          + " time; the write may or may not have been applied: " + e.getMessage());
    }
    if (e instanceof OperationTimeoutException) {
      return new Failure(SqlState.TIMEOUT, "the storage operation timed out: " + e.getMessage());
    }
    if (e instanceof HazelcastInstanceNotActiveException || e instanceof MemberLeftException
        || e instanceof TargetNotMemberException || e instanceof RejectedExecutionException) {
      return new Failure(SqlState.CONNECTION_FAILURE,
          "a peer of the region went away during the operation: " + e.getMessage());
    }
    LOG.error("internal error", e);
    return new Failure(SqlState.INTERNAL_ERROR, "internal error: " + e);
  }
}
