package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;

/**
 * What happened to one {@link RowWrite}.
 *
 * @param status the outcome
 * @param stamp the stamp the write got when {@code status} is {@link Status#APPLIED}, else null
 * @param state the SQLState when {@code status} is {@link Status#FAILED}, else null
 * @param message a description when {@code status} is {@link Status#FAILED}, else null
 */
public record RowOutcome(Status status, Stamp stamp, SqlState state, String message) {

  /** The outcome of one row. */
  public enum Status {
    /** The write was applied with {@code stamp}; counts 1. */
    APPLIED,
    /** UPDATE or DELETE of a row not visible in the region; counts 0, not an error. */
    NOT_FOUND,
    /** INSERT of a row already visible in the region ({@code 23505}). */
    DUPLICATE,
    /** The row was rejected ({@code state} says why); nothing of it was applied. */
    FAILED
  }

  /** An applied write. */
  public static RowOutcome applied(Stamp stamp) {
    return new RowOutcome(Status.APPLIED, stamp, null, null);
  }

  /** An UPDATE or DELETE that found no row. */
  public static RowOutcome notFound() {
    return new RowOutcome(Status.NOT_FOUND, null, null, null);
  }

  /** An INSERT that found the key taken. */
  public static RowOutcome duplicate() {
    return new RowOutcome(Status.DUPLICATE, null, SqlState.UNIQUE_VIOLATION, "key already exists");
  }

  /** A rejected row. */
  public static RowOutcome failed(SqlState state, String message) {
    return new RowOutcome(Status.FAILED, null, state, message);
  }
}
