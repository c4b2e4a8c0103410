package dev.meridian.peer.internal.storage;

import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One open scan of one table on the peer that serves the driver: walks the table map's
 * partitions with Hazelcast's partition query iterator, which runs the {@link ScanPredicate}
 * and {@link ScanProjection} on the member owning each partition and fetches the matching rows
 * in chunks, so only matching, projected rows travel.
 *
 * <p>Up to {@code parallelism} partitions are fetched at once on the scan executor, and only
 * while fewer than {@code maxBuffered} rows wait for the driver: a driver that stops asking
 * stops the scan (backpressure), and neither side ever holds the whole table. Rows come in no
 * particular order. Thread-safe: pages are asked for and chunks arrive on different threads;
 * state is guarded by this object's lock, futures complete outside it.
 */
final class TableScan {
  private final long id;
  private final MapProxyImpl<byte[], byte[]> map;
  private final ScanPredicate predicate;
  private final ScanProjection projection;
  private final int width;
  private final Executor executor;
  private final int parallelism;
  private final int chunkRows;
  private final ArrayDeque<Integer> untouched = new ArrayDeque<>();
  private final ArrayDeque<Iterator<byte[]>> resumable = new ArrayDeque<>();
  private final ArrayDeque<Object[]> buffered = new ArrayDeque<>();
  private int running;
  private int maxBuffered;
  private RuntimeException failure;
  private boolean closed;
  private CompletableFuture<Response> waiting;
  private int waitingRows;
  private volatile long lastUsedNanos = System.nanoTime();

  TableScan(long id, IMap<byte[], byte[]> map, int partitionCount, ScanPredicate predicate,
      ScanProjection projection, int width, Executor executor, int parallelism, int chunkRows) {
    if (!(map instanceof MapProxyImpl<byte[], byte[]> proxy)) {
      throw new IllegalStateException("table map " + map.getName() + " is a "
          + map.getClass().getName() + ", not a member-side map proxy");
    }
    this.id = id;
    this.map = proxy;
    this.predicate = predicate;
    this.projection = projection;
    this.width = width;
    this.executor = executor;
    this.parallelism = parallelism;
    this.chunkRows = chunkRows;
    for (int p = 0; p < partitionCount; p++) {
      untouched.add(p);
    }
  }

  long id() {
    return id;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /**
   * The next page of at most {@code pageRows} rows, as soon as that many are buffered or the
   * scan has run out. Only one page may be asked for at a time.
   */
  CompletableFuture<Response> page(int pageRows) {
    lastUsedNanos = System.nanoTime();
    CompletableFuture<Response> answer = new CompletableFuture<>();
    Response now;
    synchronized (this) {
      if (waiting != null) {
        now = new Response.Error(SqlState.PROTOCOL_VIOLATION, "scan " + id
            + " already has a page request outstanding");
      } else {
        maxBuffered = Math.max(maxBuffered, Math.max(2 * pageRows, parallelism * chunkRows));
        now = takeIfReady(pageRows);
        if (now == null) {
          waiting = answer;
          waitingRows = pageRows;
        }
      }
      pump();
    }
    if (now != null) {
      answer.complete(now);
    }
    return answer;
  }

  /** Stops the scan: no more chunks are fetched and a waiting page gets an empty last page. */
  void close() {
    CompletableFuture<Response> w;
    synchronized (this) {
      closed = true;
      buffered.clear();
      untouched.clear();
      resumable.clear();
      w = waiting;
      waiting = null;
    }
    if (w != null) {
      w.complete(new Response.ScanPage(id, List.of(), true));
    }
  }

  synchronized boolean isFinished() {
    return closed || (failure == null && exhausted() && buffered.isEmpty());
  }

  private boolean exhausted() {
    return untouched.isEmpty() && resumable.isEmpty() && running == 0;
  }

  /** A page (or the failure) when one can be answered now, else null. Under the lock. */
  private Response takeIfReady(int pageRows) {
    if (failure != null) {
      return new Response.Error(failure instanceof MeridianException m ? m.state()
          : SqlState.INTERNAL_ERROR, "the scan failed: " + failure.getMessage());
    }
    if (closed) {
      return new Response.ScanPage(id, List.of(), true);
    }
    if (buffered.size() < pageRows && !exhausted()) {
      return null;
    }
    List<Object[]> rows = new ArrayList<>(Math.min(pageRows, buffered.size()));
    while (rows.size() < pageRows && !buffered.isEmpty()) {
      rows.add(buffered.poll());
    }
    return new Response.ScanPage(id, rows, exhausted() && buffered.isEmpty());
  }

  /** Starts fetches while there is work, room and a free slot. Under the lock. */
  private void pump() {
    while (!closed && failure == null && running < parallelism
        && buffered.size() + (long) running * chunkRows < maxBuffered
        && (!resumable.isEmpty() || !untouched.isEmpty())) {
      Iterator<byte[]> it = resumable.poll();
      Integer partition = it == null ? untouched.poll() : null;
      running++;
      try {
        executor.execute(() -> fetch(it, partition));
      } catch (RejectedExecutionException e) {
        running--;
        failure = new MeridianException(SqlState.CONNECTION_FAILURE,
            "the peer is shutting down", e);
      }
    }
  }

  private void fetch(Iterator<byte[]> started, Integer partition) {
    List<Object[]> chunk = new ArrayList<>();
    Iterator<byte[]> it = started;
    RuntimeException error = null;
    try {
      if (it == null) {
        it = map.iterator(chunkRows, partition, projection, predicate);
      }
      while (chunk.size() < chunkRows && it.hasNext()) {
        chunk.add(ScanProjection.decode(it.next(), width));
      }
    } catch (RuntimeException e) {
      error = e;
    }
    CompletableFuture<Response> w = null;
    Response page = null;
    synchronized (this) {
      running--;
      if (error != null && failure == null && !closed) {
        failure = error;
      }
      if (!closed && error == null) {
        buffered.addAll(chunk);
        if (chunk.size() == chunkRows) {
          resumable.add(it);
        }
      }
      if (waiting != null) {
        page = takeIfReady(waitingRows);
        if (page != null) {
          w = waiting;
          waiting = null;
        }
      }
      pump();
    }
    if (w != null) {
      w.complete(page);
    }
  }
}
