package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.peer.internal.replication.AntiEntropy;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired rows ({@link Expiry}) of the partitions this peer owns, once a second: each
 * pass walks every table with a ttl column, and each row it finds expired gets the sweep's
 * delete through the owner's write path ({@link TableStore#expire}): a tombstone stamped above
 * the row's cells, logged, backed up and shipped to other regions like any DELETE, written only
 * if the owner still finds the row expired (a row re-written with a later time meanwhile is
 * kept).
 *
 * <p>Rate limit: a pass deletes at most {@code rowsPerPass} rows (the default
 * {@value #DEFAULT_ROWS_PER_PASS}, so at most that many rows a second per peer) and waits for
 * each delete before the next, so the sweep never has more than one write in flight per peer;
 * what a pass leaves, the next one finds. Reads and writes hide expired rows at once whether or
 * not the sweep has reached them.
 *
 * <p>Meters: {@code meridian.ttl.expired} (rows deleted), {@code meridian.ttl.passes} and
 * the gauge {@code meridian.ttl.sweep.rate} (rows per second of the last pass that deleted
 * any). Thread-safe; passes run on one daemon thread.
 */
final class TtlSweep implements AutoCloseable {
  static final int DEFAULT_ROWS_PER_PASS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(TtlSweep.class);

  private final HazelcastInstance hazelcast;
  private final RegionReplica replica;
  private final TableStore store;
  private final Expiry expiry;
  private final BooleanSupplier serving;
  private final int rowsPerPass;
  private final Counter expired;
  private final Counter passes;
  private final AtomicLong lastRate = new AtomicLong();
  private volatile boolean paused;
  private final ScheduledExecutorService timer;

  TtlSweep(String peerName, HazelcastInstance hazelcast, RegionReplica replica, TableStore store,
      Expiry expiry, BooleanSupplier serving, int rowsPerPass, MeterRegistry meters) {
    this.hazelcast = hazelcast;
    this.replica = replica;
    this.store = store;
    this.expiry = expiry;
    this.serving = serving;
    this.rowsPerPass = rowsPerPass;
    this.expired = Counter.builder("meridian.ttl.expired")
        .description("rows deleted by the TTL sweep on this peer").register(meters);
    this.passes = Counter.builder("meridian.ttl.passes")
        .description("passes of the TTL sweep on this peer").register(meters);
    meters.gauge("meridian.ttl.sweep.rate", lastRate, AtomicLong::doubleValue);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meridian-ttl-sweep-" + peerName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts a pass every {@code periodMillis}. */
  void start(long periodMillis) {
    timer.scheduleWithFixedDelay(this::passQuietly, periodMillis, periodMillis,
        TimeUnit.MILLISECONDS);
  }

  /** Stops or resumes the passes (reads and writes hide expired rows either way). */
  void paused(boolean paused) {
    this.paused = paused;
  }

  /** Rows this peer's sweep has deleted. */
  long expiredRows() {
    return (long) expired.count();
  }

  private void passQuietly() {
    try {
      pass();
    } catch (RuntimeException e) {
      LOG.debug("TTL sweep pass stopped: {}", e.toString());
    }
  }

  /** One pass (blocking): returns how many rows it deleted. */
  int pass() {
    if (paused || !serving.getAsBoolean() || !hazelcast.getLifecycleService().isRunning()) {
      return 0;
    }
    passes.increment();
    long started = System.nanoTime();
    int deleted = 0;
    for (TableSchema table : replica.tables()) {
      if (!table.hasTtl()) {
        continue;
      }
      for (int p : ownedPartitions()) {
        for (AntiEntropy.Row row : replica.scan(table.tableId(), p)) {
          if (deleted >= rowsPerPass) {
            record(deleted, started);
            return deleted;
          }
          long now = expiry.now(table);
          StoredRow stored = RowFormat.decode(row.row());
          if (stored.isVisible() && Expiry.expired(stored, table.ttlColumn(), now)) {
            WriteResult r = store.expire(table, row.key(), now).toCompletableFuture().join();
            if (r.outcome().status() == RowOutcome.Status.APPLIED) {
              deleted++;
              expired.increment();
            }
          }
        }
      }
    }
    record(deleted, started);
    return deleted;
  }

  private void record(int deleted, long startedNanos) {
    if (deleted > 0) {
      double seconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
      lastRate.set(Math.round(deleted / seconds));
    }
  }

  private List<Integer> ownedPartitions() {
    return LocalPartitions.owned(hazelcast);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
