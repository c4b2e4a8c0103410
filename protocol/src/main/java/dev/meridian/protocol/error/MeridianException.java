package dev.meridian.protocol.error;

/**
 * The domain exception every Meridian module throws internally; the driver turns it into the
 * right {@link java.sql.SQLException} subclass at the JDBC boundary, keeping it as the cause.
 *
 * <p>Immutable. {@link #position()} is the 1-based line and column in the SQL text where the
 * problem is, or {@code null} when the problem has no position.
 */
public class MeridianException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SqlState state;
  private final SqlPosition position;

  /** Creates an exception with a state and message. */
  public MeridianException(SqlState state, String message) {
    this(state, message, null, null);
  }

  /** Creates an exception with a state, message and cause. */
  public MeridianException(SqlState state, String message, Throwable cause) {
    this(state, message, null, cause);
  }

  /** Creates an exception with a state, message, position in the SQL (nullable) and cause. */
  public MeridianException(SqlState state, String message, SqlPosition position, Throwable cause) {
    super(position == null ? message : message + " (at " + position + ")", cause);
    this.state = state;
    this.position = position;
  }

  /** The SQLState. */
  public SqlState state() {
    return state;
  }

  /** Where in the SQL text, or null. */
  public SqlPosition position() {
    return position;
  }
}
