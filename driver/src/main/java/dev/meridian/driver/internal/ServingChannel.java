package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection's link to one region: one {@link PeerChannel} to a peer of the region, reopened
 * to the next peer of the region by the first request after it broke. {@link RegionRouter}
 * keeps one per region and chooses between them.
 *
 * <p>{@link #call} retries a read once on a new channel when the connection broke; a write is
 * never retried: it fails with {@code 08006} saying it may or may not have been applied.
 * {@link #send} and {@link #await} split a call so that a batch can send all its requests
 * before waiting for any. Thread-safe; reopening happens under the lock, on the calling thread.
 */
final class ServingChannel {
  private static final Logger LOG = Logger.getLogger("dev.meridian.driver");

  private final String region;
  private final List<InetSocketAddress> peers;
  private final ChannelOpener opener;
  private final int connectTimeoutMillis;
  private final int maxFrameBytes;
  private final PartitionRoutes routes;
  private PeerChannel current;
  private int rotation;
  private boolean closed;
  private volatile boolean abandoned;

  /** A request on its way: the channel it went out on and its answer. */
  record Sent(PeerChannel channel, CompletableFuture<Response> answer) {}

  private ServingChannel(String region, List<InetSocketAddress> peers, ChannelOpener opener,
      int connectTimeoutMillis, int maxFrameBytes) {
    this.region = region;
    this.peers = List.copyOf(peers);
    this.opener = opener;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxFrameBytes = maxFrameBytes;
    this.routes = new PartitionRoutes(opener, connectTimeoutMillis, maxFrameBytes);
  }

  /** A channel to a region that connects on first use. */
  static ServingChannel lazy(String region, List<InetSocketAddress> peers, ChannelOpener opener,
      int connectTimeoutMillis, int maxFrameBytes) {
    if (peers == null || peers.isEmpty()) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "region " + region + " has no peers to connect to");
    }
    return new ServingChannel(region, peers, opener, connectTimeoutMillis, maxFrameBytes);
  }

  String region() {
    return region;
  }

  /** The open channel, reopening it when it broke. */
  synchronized PeerChannel channel() {
    if (closed) {
      throw new MeridianException(SqlState.CONNECTION_DOES_NOT_EXIST, "the connection is closed");
    }
    if (current != null && current.isOpen()) {
      return current;
    }
    if (current != null) {
      current.close();
      current = null;
      rotation++;
    }
    abandoned = false;
    List<InetSocketAddress> order = new ArrayList<>(peers.size());
    for (int i = 0; i < peers.size(); i++) {
      order.add(peers.get((rotation + i) % peers.size()));
    }
    try {
      current = opener.open(order, connectTimeoutMillis, maxFrameBytes);
    } catch (MeridianException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot connect to region " + region + " at " + order + ": " + e, e);
    }
    if (current == null) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot connect to region " + region + " at " + order);
    }
    return current;
  }

  /** The channel if it is open now, else null; never reconnects. */
  synchronized PeerChannel currentOrNull() {
    return current != null && current.isOpen() ? current : null;
  }

  /**
   * Sends a request: a single-key request to the owner of its partition when known, anything
   * else on the open channel (reopening it first if it broke).
   */
  Sent send(Request request) {
    PeerChannel serving = channel();
    PeerChannel owner = routes.route(request, serving);
    PeerChannel ch = owner != null ? owner : serving;
    CompletableFuture<Response> answer;
    try {
      answer = ch.call(request);
    } catch (MeridianException e) {
      answer = CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(new MeridianException(SqlState.CONNECTION_FAILURE,
          "cannot send to " + describe(ch) + ": " + e, e));
    }
    return new Sent(ch, answer);
  }

  /**
   * Waits for the answer of a sent request within the execution's limits.
   *
   * @param write whether the request changes data: failures then say it may have been applied
   * @throws MeridianException {@code HYT00} on a timeout, {@code 57014} when cancelled, class
   *     {@code 08} when the connection broke (the channel is then dropped)
   */
  Response await(Sent sent, Execution execution, boolean write) {
    CompletableFuture<Response> answer = sent.answer();
    execution.track(answer);
    long queryLeft = execution.queryNanosLeft();
    long network = execution.networkNanos();
    try {
      if (queryLeft <= 0 && !answer.isDone()) {
        throw queryTimeout(execution, write, null);
      }
      long wait = Math.min(queryLeft, network);
      return wait == Long.MAX_VALUE ? answer.get() : answer.get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (network <= queryLeft) {
        dropped(sent.channel());
        throw new MeridianException(SqlState.TIMEOUT, describe(sent.channel())
            + " did not answer within the network timeout of "
            + execution.networkTimeoutMillis() + " ms; the connection to it was closed and the"
            + " next statement reconnects" + mayHaveApplied(write), e);
      }
      throw queryTimeout(execution, write, e);
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      MeridianException m = cause instanceof MeridianException me ? me
          : e instanceof CancellationException
              ? new MeridianException(SqlState.QUERY_CANCELED, "the request was cancelled", e)
              : new MeridianException(SqlState.CONNECTION_FAILURE,
                  describe(sent.channel()) + " failed: " + cause, cause);
      if (isConnectionError(m)) {
        dropped(sent.channel());
        if (write) {
          throw new MeridianException(SqlState.CONNECTION_FAILURE, "the connection to "
              + describe(sent.channel()) + " failed before it answered; the write may or may not"
              + " have been applied: " + m.getMessage(), m);
        }
        throw m;
      }
      if (m.state() == SqlState.QUERY_CANCELED && write) {
        throw new MeridianException(SqlState.QUERY_CANCELED, m.getMessage()
            + mayHaveApplied(true), m);
      }
      throw m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeridianException(SqlState.QUERY_CANCELED, "interrupted while waiting for "
          + describe(sent.channel()) + mayHaveApplied(write), e);
    } finally {
      execution.untrack(answer);
    }
  }

  /**
   * Sends a request and waits for its answer; a retryable request (a read) whose connection
   * broke is sent once more on a new channel.
   */
  private volatile DriverMeters meters = DriverMeters.NONE;

  /** Where retries are counted (none by default). */
  void meters(DriverMeters m) {
    meters = m;
  }

  Response call(Request request, Execution execution, boolean retryable) {
    Sent sent = send(request);
    try {
      return await(sent, execution, !retryable);
    } catch (MeridianException e) {
      if (!retryable || !isConnectionError(e) || isClosed() || abandoned
          || execution.cancelled()) {
        throw e;
      }
      LOG.log(Level.FINE, "retrying a read on a new connection to region " + region, e);
      meters.retry(region);
      return await(send(request), execution, false);
    }
  }

  /**
   * Gives up on the region for now: closes the open channel, failing every request waiting on
   * it, and a read that fails so is not retried in this region. The next request here
   * reconnects.
   */
  void abandon() {
    PeerChannel ch;
    synchronized (this) {
      abandoned = true;
      ch = current;
      current = null;
    }
    if (ch != null) {
      routes.dropped(ch);
      ch.close();
    }
  }

  /** Forgets a channel that failed so that the next request reconnects. */
  void dropped(PeerChannel ch) {
    routes.dropped(ch);
    synchronized (this) {
      if (current == ch) {
        current = null;
        rotation++;
      }
    }
    ch.close();
  }

  /** Closes the channel; later requests fail with {@code 08003}. Idempotent. */
  void close() {
    routes.close();
    PeerChannel ch;
    synchronized (this) {
      closed = true;
      ch = current;
      current = null;
    }
    if (ch != null) {
      ch.close();
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * The answer as the expected type.
   *
   * @throws MeridianException the peer's error as it is, or {@code 08P01} for an answer of
   *     the wrong type
   */
  static <T extends Response> T expect(Response r, Class<T> type, String what) {
    if (type.isInstance(r)) {
      return type.cast(r);
    }
    if (r instanceof Response.Error e) {
      throw SqlExceptions.fromResponse(e);
    }
    throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "the peer answered " + what
        + " with " + (r == null ? "nothing" : r.getClass().getSimpleName()) + " instead of "
        + type.getSimpleName());
  }

  static boolean isConnectionError(MeridianException e) {
    return e.state().sqlClass().equals("08");
  }

  private static MeridianException queryTimeout(Execution execution, boolean write,
      Throwable cause) {
    return new MeridianException(SqlState.TIMEOUT, "the statement did not finish within its"
        + " query timeout of " + execution.queryTimeoutSeconds() + " s" + mayHaveApplied(write),
        cause);
  }

  private static String mayHaveApplied(boolean write) {
    return write ? "; the write may or may not have been applied" : "";
  }

  static String describe(PeerChannel ch) {
    return "peer " + ch.peer() + " of region " + ch.region();
  }
}
