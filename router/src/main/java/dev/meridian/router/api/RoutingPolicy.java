package dev.meridian.router.api;

import java.util.List;

/**
 * Decides which region serves each operation (DESIGN.md, "Connections"). One instance per
 * connection pool or connection; pluggable by class name through {@link RoutingPolicies#load}.
 *
 * <p>Lifecycle, in this order:
 *
 * <ol>
 *   <li>the public no-arg constructor, which must do nothing expensive;
 *   <li>{@link #init} exactly once, before any other call;
 *   <li>{@link #plan} for every operation, interleaved in any order and from any thread with the
 *       events {@link #regionUp}, {@link #regionDown} and {@link #recordLatency}, and with
 *       {@link #probes};
 *   <li>{@link #close} once; no call may follow it.
 * </ol>
 *
 * <p>Thread safety: implementations must be safe for concurrent use by every method above except
 * {@code init} and {@code close}, which the caller does not overlap with anything else. {@link
 * #plan} is on every statement's path: it must not block, do I/O or allocate much. Events name
 * regions given to {@code init}; an unknown region is a caller bug ({@link
 * IllegalArgumentException}).
 */
public interface RoutingPolicy extends AutoCloseable {

  /**
   * Called once with the connection's home region, every region it may use, the routing settings
   * and the clock to read.
   *
   * @param context what the policy works with
   * @throws dev.meridian.protocol.error.MeridianException with SQLState {@code 22023} when a
   *     setting the policy reads has an invalid value
   */
  void init(RoutingContext context);

  /**
   * The regions to try for one operation, best first: the first is where to send it, the rest
   * are where to retry it. Never empty after {@link #init}. The list is immutable and may be
   * shared between calls.
   *
   * @param operation what is being routed
   */
  List<String> plan(Operation operation);

  /** A region answers again (a probe or a request succeeded after it was down). */
  void regionUp(String region);

  /** A region stopped answering (a request or a probe failed for want of a connection). */
  void regionDown(String region);

  /**
   * One measured round trip to a region, from a ping or a request. Policies that rank regions by
   * distance keep a moving average of these; the default ignores them.
   *
   * @param region the region measured
   * @param nanos the round trip in nanoseconds, not negative
   */
  default void recordLatency(String region, long nanos) {}

  /**
   * The down regions the caller should probe (ping) now, each handed out once per back-off
   * period; report the outcome through {@link #regionUp} (and {@link #recordLatency}) or {@link
   * #regionDown}. The default probes nothing.
   */
  default List<String> probes() {
    return List.of();
  }

  /** Releases what the policy holds. */
  @Override
  void close();

  /** What the policy knows of an operation. */
  enum Operation {
    /** A read of rows or metadata. */
    READ,
    /** A write of rows. */
    WRITE,
    /** Table creation or removal. */
    DDL
  }
}
