package dev.meridian.it;

import dev.meridian.driver.api.MeridianConnection;
import dev.meridian.testing.AckLedger;
import dev.meridian.testing.Regions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Client threads writing a table {@code (id BIGINT PRIMARY KEY, origin VARCHAR, val BIGINT)}
 * in several regions at once, each through its own connection to one region.
 *
 * <p>Every write, with a value unique to it, goes into an {@link AckLedger} ({@link #ledger()}),
 * which checks at the end which write each key must hold in each region: for a key only its
 * writer writes, the last; for the shared keys {@code [0, sharedKeys)}, which every writer
 * writes from its region, one the acknowledgements allow to have the highest stamp. Each writer
 * owns a range of keys no other writer touches; {@link #expected()} holds the last write
 * acknowledged to each (its value, or {@link #DELETED}), to check a region while writes go on.
 * A call that fails with a connection error (SQLState class {@code 08}, e.g. its peer was
 * killed) is retried with the same value on a new connection until acknowledged, as an
 * application would; anything else fails the writer.
 *
 * <p>Every choice comes from the seed (the interleaving of real processes does not).
 * Thread-safe; one test drives it.
 */
final class KeyWriters implements AutoCloseable {
  /** The expected value of a key whose last acknowledged write deleted it. */
  static final long DELETED = Long.MIN_VALUE;

  private final String table;
  private final long seed;
  private final int sharedKeys;
  private final double deleteFraction;
  private final double sharedFraction;
  private final List<Writer> writers = new ArrayList<>();
  private final Map<Long, Long> expected = new ConcurrentHashMap<>();
  private final AckLedger ledger;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicBoolean abandoned = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * @param deleteFraction share of writes that are deletes
   * @param sharedFraction share of writes that go to a shared key
   */
  KeyWriters(String table, long seed, int sharedKeys, double deleteFraction,
      double sharedFraction) {
    this(table, seed, sharedKeys, deleteFraction, sharedFraction, new AckLedger());
  }

  /** As above, recording into {@code ledger} (which may hold the test's own writes too). */
  KeyWriters(String table, long seed, int sharedKeys, double deleteFraction,
      double sharedFraction, AckLedger ledger) {
    this.ledger = ledger;
    this.table = table;
    this.seed = seed;
    this.sharedKeys = sharedKeys;
    this.deleteFraction = deleteFraction;
    this.sharedFraction = sharedKeys == 0 ? 0 : sharedFraction;
  }

  /**
   * Two writers in each region of {@code among}, each owning 400 keys from 1,000 on, trying its
   * region's peers from a different one; 100 shared keys take 15% of the writes and 10% of the
   * writes are deletes.
   */
  static KeyWriters inEachRegion(Regions regions, List<String> among, String table, long seed) {
    KeyWriters w = new KeyWriters(table, seed, 100, 0.1, 0.15);
    long first = 1_000;
    for (String region : among) {
      for (int i = 0; i < 2; i++) {
        w.add(region, regions.jdbcUrl(region, i % regions.peersPerRegion()), first, 400);
        first += 400;
      }
    }
    return w;
  }

  /** Adds a writer in {@code region}, connecting with {@code url}, owning {@code [first, first + count)}. */
  KeyWriters add(String region, String url, long first, int count) {
    if (first < sharedKeys) {
      throw new IllegalArgumentException("owned keys must not overlap the shared keys");
    }
    writers.add(new Writer(writers.size(), region, url, first, count));
    return this;
  }

  /** Starts every writer added so far. */
  void start() {
    for (Writer w : writers) {
      w.thread.start();
    }
  }

  /** Writes acknowledged so far, by all writers. */
  long acknowledged() {
    return acknowledged.get();
  }

  /** Writes acknowledged so far by the writers of one region. */
  long acknowledged(String region) {
    return writers.stream().filter(w -> w.region.equals(region)).mapToLong(w -> w.acked.get())
        .sum();
  }

  /** Calls that failed with a connection error and were retried. */
  long retried() {
    return retried.get();
  }

  /** Waits until {@code count} writes in total are acknowledged; fails early if a writer failed. */
  void awaitAcknowledged(long count, Duration timeout) {
    dev.meridian.testing.Deadline.await(count + " acknowledged writes on " + table
        + " (have " + acknowledged.get() + ")", timeout, () -> {
          rethrow();
          return acknowledged.get() >= count;
        });
  }

  /** Waits until the writers of {@code region} have {@code count} acknowledged writes. */
  void awaitAcknowledged(String region, long count, Duration timeout) {
    dev.meridian.testing.Deadline.await(count + " acknowledged writes from " + region + " on "
        + table, timeout, () -> {
          rethrow();
          return acknowledged(region) >= count;
        });
  }

  /** Stops the writers of one region after their current write; the others go on. */
  void stop(String region) {
    for (Writer w : writers) {
      if (w.region.equals(region)) {
        w.stop.set(true);
      }
    }
    for (Writer w : writers) {
      if (w.region.equals(region)) {
        join(w);
      }
    }
    rethrow();
  }

  /** Stops every writer after its current write and rethrows a writer's failure. */
  void stop() {
    stop.set(true);
    writers.forEach(KeyWriters::join);
    rethrow();
  }

  private static void join(Writer w) {
    try {
      w.thread.join(Duration.ofMinutes(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (w.thread.isAlive()) {
      throw new AssertionError("writer " + w.index + " in " + w.region + " did not stop");
    }
  }

  private void rethrow() {
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError("a writer failed", t);
    }
  }

  /** Every write the writers made, to check the regions' final state with. */
  AckLedger ledger() {
    return ledger;
  }

  /** Per owned key: the value of its last acknowledged write, or {@link #DELETED}. */
  Map<Long, Long> expected() {
    return Collections.unmodifiableMap(expected);
  }

  /** As {@link #expected()}, for the keys owned by the writers of {@code region}. */
  Map<Long, Long> expected(String region) {
    Map<Long, Long> out = new java.util.HashMap<>();
    for (Writer w : writers) {
      if (w.region.equals(region)) {
        for (long k = w.first; k < w.first + w.count; k++) {
          Long v = expected.get(k);
          if (v != null) {
            out.put(k, v);
          }
        }
      }
    }
    return out;
  }

  /** Every key any writer may have written: the shared keys and every owned range. */
  Set<Long> keys() {
    Set<Long> keys = new TreeSet<>();
    for (long k = 0; k < sharedKeys; k++) {
      keys.add(k);
    }
    for (Writer w : writers) {
      for (long k = w.first; k < w.first + w.count; k++) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** Stops every writer without waiting, giving up a write in progress (after a failure). */
  @Override
  public void close() {
    stop.set(true);
    abandoned.set(true);
  }

  private final class Writer implements Runnable {
    final int index;
    final String region;
    final String url;
    final long first;
    final int count;
    final Thread thread;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong acked = new AtomicLong();
    Connection connection;
    /** Attempts of the current write that failed with a connection error. */
    int failedAttempts;

    Writer(int index, String region, String url, long first, int count) {
      this.index = index;
      this.region = region;
      this.url = url;
      this.first = first;
      this.count = count;
      this.thread = new Thread(this, "writer-" + region + "-" + index);
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      Random random = new Random(seed * 31 + index);
      long seq = 0;
      try {
        while (!stop.get() && !KeyWriters.this.stop.get()) {
          boolean shared = random.nextDouble() < sharedFraction;
          long key = shared ? random.nextInt(sharedKeys) : first + random.nextInt(count);
          boolean delete = random.nextDouble() < deleteFraction;
          long value = (index + 1L) * 1_000_000_000_000L + seq++;
          AckLedger.Pending pending = delete ? ledger.beginDelete(key, value)
              : ledger.begin(key, value);
          failedAttempts = 0;
          int count;
          try {
            count = writeUntilAcknowledged(key, delete, value);
          } catch (SQLException | RuntimeException e) {
            pending.unknown();
            throw e;
          }
          if (count == 1) {
            pending.acknowledged(
                connection.unwrap(MeridianConnection.class).servingRegion());
          } else if (failedAttempts > 0) {
            // A DELETE that found no row after a failed attempt: that attempt may have been
            // the one that deleted it.
            pending.unknown();
          }
          // Otherwise a DELETE of a row the serving region did not hold: it wrote nothing.
          if (!shared) {
            expected.put(key, delete ? DELETED : value);
          }
          acked.incrementAndGet();
          acknowledged.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, new AssertionError("writer " + index + " in " + region
            + " failed", t));
      } finally {
        closeQuietly();
      }
    }

    /**
     * Writes until a call is acknowledged; returns what that call reported: for a DELETE 1 when
     * it wrote a tombstone, 0 when the serving region held no row (it then wrote nothing); 1
     * for an UPSERT.
     */
    private int writeUntilAcknowledged(long key, boolean delete, long value) throws SQLException {
      while (true) {
        try {
          if (connection == null) {
            connection = DriverManager.getConnection(url + "&connectTimeout=2000");
          }
          if (delete) {
            try (PreparedStatement p =
                connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
              p.setLong(1, key);
              return p.executeUpdate();
            }
          } else {
            try (PreparedStatement p = connection.prepareStatement(
                "UPSERT INTO " + table + " (id, origin, val) VALUES (?, ?, ?)")) {
              p.setLong(1, key);
              p.setString(2, region);
              p.setLong(3, value);
              return p.executeUpdate();
            }
          }
        } catch (SQLException e) {
          if (e.getSQLState() == null || !e.getSQLState().startsWith("08") || abandoned.get()) {
            throw e;
          }
          // Retried even when stopping: a write given up on would leave its key's last
          // acknowledged value undefined.
          retried.incrementAndGet();
          failedAttempts++;
          closeQuietly();
          backOff();
        }
      }
    }

    /** A client's back-off before retrying, so a refused connection is not retried in a spin. */
    private void backOff() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void closeQuietly() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          // a broken connection
        }
        connection = null;
      }
    }
  }
}
