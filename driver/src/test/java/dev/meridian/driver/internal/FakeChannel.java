package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link PeerChannel} over a {@link FakePeer}, with modes a test can switch: answer at once,
 * answer only when the answer is awaited (to see whether a caller sent everything before
 * waiting), never answer, or break on the next call. Thread-safe.
 */
final class FakeChannel implements PeerChannel {
  /** How the channel answers. */
  enum Mode {
    /** Each call is answered before {@code call} returns. */
    IMMEDIATE,
    /** A call is answered when someone first waits for the answer. */
    ON_AWAIT,
    /** Calls are never answered (until the channel closes). */
    SILENT,
    /** The next call fails with 08006 and the channel is broken afterwards. */
    BREAK_ON_CALL
  }

  private final FakePeer peer;
  private final String region;
  private final String name;
  private final List<CompletableFuture<Response>> pending =
      Collections.synchronizedList(new ArrayList<>());
  /** "send:N" and "answer:N" in the order they happened. */
  final List<String> events = Collections.synchronizedList(new ArrayList<>());
  /** Released once per call, so a test can wait for a call without sleeping. */
  final Semaphore calls = new Semaphore(0);
  private volatile Mode mode = Mode.IMMEDIATE;
  private volatile boolean open = true;
  private int sent;

  FakeChannel(FakePeer peer, String region, String name) {
    this.peer = peer;
    this.region = region;
    this.name = name;
  }

  FakeChannel mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  int sent() {
    synchronized (events) {
      return sent;
    }
  }

  @Override
  public CompletableFuture<Response> call(Request request) {
    if (request instanceof Request.GetPartitions) {
      // Background routing traffic: answered at once and kept out of the event log.
      return CompletableFuture.completedFuture(peer.handle(request, region, name));
    }
    int n;
    synchronized (events) {
      n = ++sent;
      events.add("send:" + n);
    }
    calls.release();
    if (!open) {
      return CompletableFuture.failedFuture(new MeridianException(
          SqlState.CONNECTION_DOES_NOT_EXIST, "fake channel " + name + " is closed"));
    }
    switch (mode) {
      case IMMEDIATE:
        events.add("answer:" + n);
        return CompletableFuture.completedFuture(peer.handle(request, region, name));
      case ON_AWAIT:
        return new OnAwait(request, n);
      case SILENT: {
        CompletableFuture<Response> f = new CompletableFuture<>();
        pending.add(f);
        return f;
      }
      default:
        open = false;
        return CompletableFuture.failedFuture(new MeridianException(
            SqlState.CONNECTION_FAILURE, "fake channel " + name + " broke"));
    }
  }

  /** Breaks the channel as a dead socket would: pending calls fail, later ones too. */
  void breakNow() {
    open = false;
    failPending();
  }

  private void failPending() {
    List<CompletableFuture<Response>> copy;
    synchronized (pending) {
      copy = new ArrayList<>(pending);
      pending.clear();
    }
    for (CompletableFuture<Response> f : copy) {
      f.completeExceptionally(new MeridianException(SqlState.CONNECTION_DOES_NOT_EXIST,
          "fake channel " + name + " closed"));
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public String peer() {
    return name;
  }

  @Override
  public void close() {
    open = false;
    failPending();
  }

  /** A future answered by the peer when first awaited. */
  private final class OnAwait extends CompletableFuture<Response> {
    private final Request request;
    private final int n;

    OnAwait(Request request, int n) {
      this.request = request;
      this.n = n;
    }

    private void answer() {
      if (!isDone()) {
        events.add("answer:" + n);
        complete(peer.handle(request, region, name));
      }
    }

    @Override
    public Response get() throws InterruptedException, ExecutionException {
      answer();
      return super.get();
    }

    @Override
    public Response get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      answer();
      return super.get(timeout, unit);
    }
  }
}
