package dev.meridian.cli.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The leaderboard's players: per region a roster of players and a few player threads that, at
 * a steady rate, add points to a player of their own slice of the roster and write the new
 * score to the region through JDBC ({@code UPSERT}; a player's first score creates the row),
 * timing each {@code executeUpdate}.
 *
 * <p>Each roster entry is written by one thread only, so the scores it remembers are exactly
 * what the region acknowledged ({@link #acknowledged}). Scores only grow. Thread-safe.
 */
final class Players {
  static final String UPSERT =
      "UPSERT INTO leaderboard (player, region, score, city) VALUES (?, ?, ?, ?)";

  private static final Map<String, List<String>> CITIES = Map.of(
      "us-east-1", List.of("New York", "Chicago", "Toronto"),
      "eu-west-1", List.of("London", "Paris", "Berlin"),
      "ap-southeast-1", List.of("Singapore", "Sydney", "Tokyo"));

  /** One region's players and figures. */
  private final class Region {
    final String name;
    final String url;
    final String[] roster;
    final AtomicLongArray scores;
    final Recorder latencyMicros = new Recorder(3);
    final Histogram total = new Histogram(3);
    final LongAdder writes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final List<Thread> threads = new ArrayList<>();
    volatile boolean running;

    Region(String name, String url) {
      this.name = name;
      this.url = url;
      this.roster = new String[rosterSize];
      for (int i = 0; i < rosterSize; i++) {
        roster[i] = String.format("%s-%04d", name, i + 1);
      }
      this.scores = new AtomicLongArray(rosterSize);
    }

    String city(int i) {
      List<String> cities = CITIES.getOrDefault(name, List.of("Anywhere"));
      return cities.get(i % cities.size());
    }
  }

  private final Map<String, Region> regions = new LinkedHashMap<>();
  private final int threadsPerRegion;
  private final int rosterSize;
  private final long periodNanos;

  /**
   * @param urls each region's JDBC URL
   * @param threadsPerRegion player threads per region
   * @param rosterSize players (leaderboard rows) per region
   * @param writesPerSecond writes per second per region, shared by its threads
   */
  Players(Map<String, String> urls, int threadsPerRegion, int rosterSize, int writesPerSecond) {
    this.threadsPerRegion = threadsPerRegion;
    this.rosterSize = rosterSize;
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) * threadsPerRegion / writesPerSecond;
    urls.forEach((r, url) -> regions.put(r, new Region(r, url)));
  }

  private static void bind(PreparedStatement ps, Region r, int i, long score)
      throws SQLException {
    ps.setString(1, r.roster[i]);
    ps.setString(2, r.name);
    ps.setLong(3, score);
    ps.setString(4, r.city(i));
  }

  /** Starts a region's player threads (each with its own connection). */
  void start(String region) {
    Region r = regions.get(region);
    if (r.running) {
      return;
    }
    r.running = true;
    r.threads.clear();
    for (int t = 0; t < threadsPerRegion; t++) {
      int slice = t;
      Thread thread = new Thread(() -> play(r, slice), "player-" + region + "-" + (t + 1));
      thread.setDaemon(true);
      r.threads.add(thread);
      thread.start();
    }
  }

  /** Stops a region's player threads and waits for their last write. */
  void stop(String region) throws InterruptedException {
    Region r = regions.get(region);
    r.running = false;
    for (Thread t : r.threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  /** Stops every region's players. */
  void stopAll() throws InterruptedException {
    for (String r : regions.keySet()) {
      stop(r);
    }
  }

  private void play(Region r, int slice) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try (Connection c = DriverManager.getConnection(r.url);
        PreparedStatement ps = c.prepareStatement(UPSERT)) {
      // Spread the threads over the period so the region's writes are evenly paced.
      long next = System.nanoTime() + periodNanos * slice / threadsPerRegion;
      int mine = (rosterSize - slice + threadsPerRegion - 1) / threadsPerRegion;
      while (r.running) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
        next = Math.max(next + periodNanos, System.nanoTime() - periodNanos);
        if (mine <= 0) {
          continue;
        }
        int i = slice + threadsPerRegion * random.nextInt(mine);
        long score = r.scores.get(i) + 1 + random.nextInt(100);
        bind(ps, r, i, score);
        long start = System.nanoTime();
        try {
          ps.executeUpdate();
        } catch (SQLException e) {
          if ("53M01".equals(e.getSQLState())) {
            // Over the table's capacity in this region: not applied, retryable; a player
            // simply plays on.
            r.throttled.increment();
            continue;
          }
          r.errors.increment();
          r.firstError.compareAndSet(null, e.getSQLState() + " " + e.getMessage());
          continue;
        }
        r.latencyMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
        r.scores.set(i, score);
        r.writes.increment();
      }
    } catch (SQLException e) {
      r.errors.increment();
      r.firstError.compareAndSet(null, e.getSQLState() + " " + e.getMessage());
    }
  }

  /** What one region's players did: writes so far, writes throttled, and write latency. */
  record Figures(long writes, long errors, String firstError, Histogram interval,
      Histogram total, long throttled) {}

  /** How many of a region's writes were refused as over the table's capacity ({@code 53M01}). */
  long throttled(String region) {
    return regions.get(region).throttled.sum();
  }

  /**
   * A region's figures: the latency of the writes since the last call, and of all writes.
   * Call from one thread.
   */
  Figures sample(String region) {
    Region r = regions.get(region);
    Histogram interval = r.latencyMicros.getIntervalHistogram();
    r.total.add(interval);
    return new Figures(r.writes.sum(), r.errors.sum(), r.firstError.get(), interval,
        r.total.copy(), r.throttled.sum());
  }

  /** The players of a region that have written, with the score the region last acknowledged. */
  Map<String, Long> acknowledged(String region) {
    Region r = regions.get(region);
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < rosterSize; i++) {
      long score = r.scores.get(i);
      if (score > 0) {
        out.put(r.roster[i], score);
      }
    }
    return out;
  }
}
