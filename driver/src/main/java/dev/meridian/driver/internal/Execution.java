package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Response;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of one statement: its time limits and the requests it waits for, so that
 * {@link java.sql.Statement#cancel()} can stop it from another thread.
 *
 * <p>The query timeout bounds the whole run; the network timeout bounds each wait for one
 * answer. Thread-safe: {@link #cancel()} may be called from any thread.
 */
final class Execution {
  private final long startNanos;
  private final int queryTimeoutSeconds;
  private final int networkTimeoutMillis;
  private final Set<CompletableFuture<Response>> waiting = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  /**
   * Starts the clock.
   *
   * @param queryTimeoutSeconds 0 for none
   * @param networkTimeoutMillis 0 for none
   */
  Execution(int queryTimeoutSeconds, int networkTimeoutMillis) {
    this.startNanos = System.nanoTime();
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    this.networkTimeoutMillis = networkTimeoutMillis;
  }

  int queryTimeoutSeconds() {
    return queryTimeoutSeconds;
  }

  int networkTimeoutMillis() {
    return networkTimeoutMillis;
  }

  /** Nanoseconds left before the query timeout, or {@link Long#MAX_VALUE} without one. */
  long queryNanosLeft() {
    if (queryTimeoutSeconds == 0) {
      return Long.MAX_VALUE;
    }
    return queryTimeoutSeconds * 1_000_000_000L - (System.nanoTime() - startNanos);
  }

  /** Nanoseconds one wait may last, or {@link Long#MAX_VALUE} without a network timeout. */
  long networkNanos() {
    return networkTimeoutMillis == 0 ? Long.MAX_VALUE : networkTimeoutMillis * 1_000_000L;
  }

  /** Registers an answer being waited for; fails it at once when already cancelled. */
  void track(CompletableFuture<Response> f) {
    waiting.add(f);
    if (cancelled) {
      f.completeExceptionally(cancellation());
    }
  }

  void untrack(CompletableFuture<Response> f) {
    waiting.remove(f);
  }

  boolean cancelled() {
    return cancelled;
  }

  /** Fails every answer being waited for with {@code 57014}; later waits fail at once. */
  void cancel() {
    cancelled = true;
    for (CompletableFuture<Response> f : waiting) {
      f.completeExceptionally(cancellation());
    }
  }

  private static MeridianException cancellation() {
    return new MeridianException(SqlState.QUERY_CANCELED, "the statement was cancelled");
  }
}
