package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import org.apache.calcite.sql.SqlNode;

/**
 * Raised by the key planners when a statement is more than a key operation: the statement
 * planner then plans it as a general query through Calcite instead. Escapes as a plain
 * {@code 0A000} only where no general route exists.
 */
final class NeedsQuery extends MeridianException {
  private static final long serialVersionUID = 1L;

  NeedsQuery(String message, SqlNode at) {
    super(SqlState.FEATURE_NOT_SUPPORTED, message, SourceText.position(at), null);
  }
}
