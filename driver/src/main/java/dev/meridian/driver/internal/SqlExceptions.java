package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Response;
import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.SQLWarning;

/**
 * The one place that builds {@link SQLException}s (pgjdbc's {@code PSQLException}): the
 * subclass follows the SQLState, the cause is always kept.
 *
 * <table>
 *   <caption>SQLState to exception class</caption>
 *   <tr><th>state</th><th>class</th></tr>
 *   <tr><td>08006</td><td>{@link SQLTransientConnectionException}: the connection broke in
 *       use; the next statement reconnects, so retrying may succeed</td></tr>
 *   <tr><td>other 08xxx</td><td>{@link SQLNonTransientConnectionException}</td></tr>
 *   <tr><td>0Axxx</td><td>{@link SQLFeatureNotSupportedException}</td></tr>
 *   <tr><td>22xxx</td><td>{@link SQLDataException}</td></tr>
 *   <tr><td>23xxx</td><td>{@link SQLIntegrityConstraintViolationException}</td></tr>
 *   <tr><td>28xxx</td><td>{@link SQLInvalidAuthorizationSpecException}</td></tr>
 *   <tr><td>40xxx</td><td>{@link SQLTransactionRollbackException}</td></tr>
 *   <tr><td>42xxx</td><td>{@link SQLSyntaxErrorException}</td></tr>
 *   <tr><td>HYT00</td><td>{@link SQLTimeoutException}</td></tr>
 *   <tr><td>57014, 53xxx</td><td>{@link SQLTransientException}: a cancelled statement or a
 *       peer out of resources did not fail on its own merits; running it again may
 *       succeed</td></tr>
 *   <tr><td>anything else</td><td>{@link SQLException}</td></tr>
 * </table>
 *
 * <p>A {@link BatchFailure} becomes a {@link BatchUpdateException} with its update counts.
 * Stateless and thread-safe.
 */
final class SqlExceptions {
  private SqlExceptions() {}

  /** The SQLException for a domain exception, keeping it as the cause. */
  static SQLException of(MeridianException e) {
    if (e instanceof BatchFailure b) {
      return new BatchUpdateException(b.getMessage(), b.state().code(), 0, b.updateCounts(), b);
    }
    return of(e.state(), e.getMessage(), e);
  }

  /** The SQLException for a state and message, without a cause. */
  static SQLException of(SqlState state, String message) {
    return of(state, message, null);
  }

  /** The SQLException for a state, message and (nullable) cause. */
  static SQLException of(SqlState state, String message, Throwable cause) {
    String code = state.code();
    String sqlClass = state.sqlClass();
    if (state == SqlState.CONNECTION_FAILURE) {
      return new SQLTransientConnectionException(message, code, cause);
    }
    if (state == SqlState.TIMEOUT) {
      return new SQLTimeoutException(message, code, cause);
    }
    if (state == SqlState.QUERY_CANCELED || sqlClass.equals("53") || sqlClass.equals("57")) {
      return new SQLTransientException(message, code, cause);
    }
    switch (sqlClass) {
      case "08":
        return new SQLNonTransientConnectionException(message, code, cause);
      case "0A":
        return new SQLFeatureNotSupportedException(message, code, cause);
      case "22":
        return new SQLDataException(message, code, cause);
      case "23":
        return new SQLIntegrityConstraintViolationException(message, code, cause);
      case "28":
        return new SQLInvalidAuthorizationSpecException(message, code, cause);
      case "40":
        return new SQLTransactionRollbackException(message, code, cause);
      case "42":
        return new SQLSyntaxErrorException(message, code, cause);
      default:
        return new SQLException(message, code, cause);
    }
  }

  /**
   * The SQLException for anything thrown inside the driver: a {@link MeridianException} maps
   * by its state, an {@link SQLException} passes through, anything else is a bug and becomes
   * {@code XX000} with the original as the cause.
   */
  static SQLException of(Throwable t) {
    if (t instanceof SQLException s) {
      return s;
    }
    if (t instanceof MeridianException m) {
      return of(m);
    }
    return of(SqlState.INTERNAL_ERROR, "internal error in the Meridian driver: " + t, t);
  }

  /** The domain exception for a peer's {@link Response.Error}. */
  static MeridianException fromResponse(Response.Error error) {
    SqlState state = error.state() == null ? SqlState.INTERNAL_ERROR : error.state();
    return new MeridianException(state, error.message());
  }

  /** {@code 0A000} naming the method or feature that is missing. */
  static SQLFeatureNotSupportedException notSupported(String what) {
    return new SQLFeatureNotSupportedException(what + " is not supported by Meridian",
        SqlState.FEATURE_NOT_SUPPORTED.code());
  }

  /** A warning ({@code 01000}). */
  static SQLWarning warning(String message) {
    return new SQLWarning(message, SqlState.WARNING.code());
  }
}
