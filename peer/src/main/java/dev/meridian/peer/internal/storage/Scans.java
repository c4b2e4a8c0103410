package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scans open on this peer, by id: opens them ({@link Request.Scan}), pages them
 * ({@link Request.ScanNext}), closes them on request, when they run out, and when no page was
 * asked for within {@link #IDLE_MILLIS} (a driver that went away). Fetches run on a small
 * pool of its own, never on Netty's or Hazelcast's threads. Thread-safe.
 */
final class Scans {
  /** How long a scan may wait for its next page request before the peer closes it. */
  static final long IDLE_MILLIS = 60_000;
  /** Most rows one page may hold. */
  static final int MAX_PAGE_ROWS = 65_536;
  private static final int PARALLELISM = 4;

  private final HazelcastInstance hazelcast;
  private final Map<Long, TableScan> open = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(ThreadLocalRandom.current().nextLong() >>> 16);
  private final ExecutorService fetchers;
  private final ScheduledExecutorService reaper;

  Scans(HazelcastInstance hazelcast, String peerName) {
    this.hazelcast = hazelcast;
    AtomicInteger n = new AtomicInteger();
    this.fetchers = Executors.newFixedThreadPool(PARALLELISM * 2, r -> {
      Thread t = new Thread(r, "meridian-scan-" + peerName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meridian-scan-reaper-" + peerName);
      t.setDaemon(true);
      return t;
    });
    reaper.scheduleWithFixedDelay(this::closeIdle, 5, 5, TimeUnit.SECONDS);
  }

  /** Opens a scan of a table, hiding rows expired at {@code now}, and answers its first page. */
  CompletionStage<Response> open(TableSchema schema, Request.Scan scan, long now) {
    for (int c : scan.columns()) {
      if (c < 0 || c >= schema.columnCount()) {
        return done(new Response.Error(SqlState.PROTOCOL_VIOLATION, "scan of table "
            + schema.name() + " asks for column " + c + " of " + schema.columnCount()));
      }
    }
    Response bad = badPageSize(scan.pageRows());
    if (bad != null) {
      return done(bad);
    }
    int chunk = Math.max(64, Math.min(scan.pageRows(), 4096));
    TableScan t = new TableScan(nextId.incrementAndGet(),
        hazelcast.<byte[], byte[]>getMap(TableStore.mapName(schema.tableId())),
        hazelcast.getPartitionService().getPartitions().size(),
        new ScanPredicate(schema.columnCount(), scan.filter(), schema.ttlColumn(), now),
        new ScanProjection(schema.columnCount(), scan.columns()), scan.columns().length,
        fetchers, PARALLELISM, chunk);
    open.put(t.id(), t);
    return page(t, scan.pageRows());
  }

  /** Answers the next page of an open scan. */
  CompletionStage<Response> next(Request.ScanNext next) {
    TableScan t = open.get(next.scanId());
    if (t == null) {
      return done(new Response.Error(SqlState.INVALID_CURSOR_STATE, "scan " + next.scanId()
          + " is not open on this peer (it ended, was closed, or sat idle for more than "
          + IDLE_MILLIS / 1000 + " s)"));
    }
    Response bad = badPageSize(next.pageRows());
    return bad != null ? done(bad) : page(t, next.pageRows());
  }

  /** Closes a scan; closing one that is not open is not an error. */
  CompletionStage<Response> close(Request.ScanClose close) {
    TableScan t = open.remove(close.scanId());
    if (t != null) {
      t.close();
    }
    return done(new Response.ScanPage(close.scanId(), java.util.List.of(), true));
  }

  /** How many scans are open (for tests). */
  int openCount() {
    return open.size();
  }

  /** Closes every scan and stops the fetch threads. */
  void shutdown() {
    reaper.shutdownNow();
    for (TableScan t : open.values()) {
      t.close();
    }
    open.clear();
    fetchers.shutdownNow();
  }

  private CompletionStage<Response> page(TableScan t, int pageRows) {
    return t.page(pageRows).whenComplete((r, e) -> {
      if (e != null || !(r instanceof Response.ScanPage p) || p.last()) {
        open.remove(t.id());
      }
    });
  }

  private void closeIdle() {
    long now = System.nanoTime();
    for (TableScan t : open.values()) {
      if (now - t.lastUsedNanos() > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
        open.remove(t.id());
        t.close();
      }
    }
  }

  private static Response badPageSize(int pageRows) {
    if (pageRows < 1 || pageRows > MAX_PAGE_ROWS) {
      return new Response.Error(SqlState.PROTOCOL_VIOLATION, "a scan page of " + pageRows
          + " rows; ask for 1 to " + MAX_PAGE_ROWS);
    }
    return null;
  }

  private static CompletionStage<Response> done(Response r) {
    return CompletableFuture.completedFuture(r);
  }
}
