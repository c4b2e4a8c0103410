package dev.meridian.bench;

import dev.meridian.peer.internal.replication.LinkStats;
import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The replication figures of the "Active-active replication" issue, on embedded regions in this
 * JVM (real peers, real Netty links on loopback, injected latency): lag at a write rate, time to
 * converge after a partition, backfill throughput, and what replication adds to local writes.
 */
@Command(name = "replication-bench", mixinStandardHelpOptions = true,
    description = "Measures replication lag, convergence after a partition, backfill and the"
        + " cost of replication on local writes.")
public final class ReplicationBench implements Callable<Integer> {
  private static final String A = "us-east-1";
  private static final String B = "eu-west-1";

  @Option(names = "--rates", split = ",", description = "writes/s per region (default ${DEFAULT-VALUE})")
  int[] rates = {1000, 10000};

  @Option(names = "--latencies", split = ",",
      description = "injected one-way latency in ms (default ${DEFAULT-VALUE})")
  long[] latencies = {0, 50};

  @Option(names = "--seconds", description = "measured seconds per lag case (default ${DEFAULT-VALUE})")
  double seconds = 10;

  @Option(names = "--writers", description = "writer connections per region (default ${DEFAULT-VALUE})")
  int writers = 16;

  @Option(names = "--partition-seconds", description = "partition length (default ${DEFAULT-VALUE})")
  double partitionSeconds = 30;

  @Option(names = "--partition-keys", description = "keys written during the partition (default ${DEFAULT-VALUE})")
  int partitionKeys = 100_000;

  @Option(names = "--backfill-rows", description = "rows to backfill (default ${DEFAULT-VALUE})")
  int backfillRows = 1_000_000;

  @Option(names = "--cases", split = ",",
      description = "which cases: lag, overhead, partition, backfill (default all)")
  List<String> cases = List.of("lag", "overhead", "partition", "backfill");

  private static final String PAYLOAD = "x".repeat(40);

  @Override
  public Integer call() throws Exception {
    System.out.printf("Replication benchmark: %d cores, max heap %d MiB; embedded regions %s and"
        + " %s, one peer each, in this JVM.%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, A, B);
    if (cases.contains("lag")) {
      lag();
    }
    if (cases.contains("overhead")) {
      overhead();
    }
    if (cases.contains("partition")) {
      partition();
    }
    if (cases.contains("backfill")) {
      backfill();
    }
    return 0;
  }

  private static EmbeddedCluster cluster(List<String> regions, long latency) {
    return EmbeddedCluster.start("bench-" + System.nanoTime(), regions,
        EmbeddedCluster.Options.defaults().wanLatencyMs(latency));
  }

  private static void createTable(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bench (id BIGINT PRIMARY KEY, v VARCHAR(64), n BIGINT)");
    }
  }

  private static LinkStats link(EmbeddedCluster c, String from, String to) {
    return c.peers(from).get(0).node().replicator().stats(to);
  }

  /** Open-loop writers at {@code rate} writes/s in total, for {@code seconds}; returns writes. */
  private long write(String url, int rate, double secs, int conns, long keyBase) throws Exception {
    List<Thread> threads = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long end = start + (long) (secs * 1e9);
    for (int t = 0; t < conns; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(url);
            PreparedStatement ps = c.prepareStatement(
                "UPSERT INTO bench (id, v, n) VALUES (?, ?, ?)")) {
          double interval = 1e9 * conns / rate;
          for (long i = 0; ; i++) {
            long due = start + (long) (i * interval) + (long) (thread * interval / conns);
            if (due >= end) {
              break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            ps.setLong(1, keyBase + (i * conns + thread) % 200_000);
            ps.setString(2, PAYLOAD);
            ps.setLong(3, i);
            ps.executeUpdate();
            done.incrementAndGet();
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      th.setDaemon(true);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a writer failed", failures.get(0));
    }
    return done.get();
  }

  private void lag() throws Exception {
    System.out.printf("%n## Replication lag (commit at the origin to applied at the target),"
        + " both regions writing at the rate%n%n| one-way latency ms | target writes/s per region"
        + " | achieved writes/s per region | lag p50 ms | lag p99 ms | lag max ms | samples |"
        + " partition repairs |%n|---|---|---|---|---|---|---|---|%n");
    for (long latency : latencies) {
      for (int rate : rates) {
        try (EmbeddedCluster c = cluster(List.of(A, B), latency)) {
          createTable(c.jdbcUrl(A));
          c.awaitConverged(Duration.ofSeconds(60));
          // Warm-up, then measure with fresh histograms.
          runBoth(c, rate, 3);
          link(c, A, B).resetLag();
          link(c, B, A).resetLag();
          long[] n = runBoth(c, rate, seconds);
          c.awaitConverged(Duration.ofSeconds(60));
          LinkStats.Snapshot ab = link(c, A, B).snapshot();
          LinkStats.Snapshot ba = link(c, B, A).snapshot();
          System.out.printf(Locale.ROOT, "| %d | %d | %.0f | %.1f | %.1f | %.1f | %d | %d |%n",
              latency,
              rate, (n[0] + n[1]) / 2.0 / seconds, Math.max(ab.lagP50Ms(), ba.lagP50Ms()),
              Math.max(ab.lagP99Ms(), ba.lagP99Ms()), Math.max(ab.lagMaxMs(), ba.lagMaxMs()),
              ab.lagSamples() + ba.lagSamples(), ab.repairs() + ba.repairs());
        }
      }
    }
  }

  private long[] runBoth(EmbeddedCluster c, int rate, double secs) throws Exception {
    long[] out = new long[2];
    Thread other = new Thread(() -> {
      try {
        out[1] = write(c.jdbcUrl(B), rate, secs, writers, 1_000_000);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    other.start();
    out[0] = write(c.jdbcUrl(A), rate, secs, writers, 0);
    other.join();
    return out;
  }

  private void overhead() throws Exception {
    System.out.printf("%n## Local write latency with and without replication (1 connection,"
        + " closed loop, %.0f s after 3 s warm-up)%n%n| setup | upserts/s | p50 µs | p99 µs |%n"
        + "|---|---|---|---|%n", seconds);
    for (List<String> regions : List.of(List.of(A), List.of(A, B))) {
      try (EmbeddedCluster c = cluster(regions, 0)) {
        createTable(c.jdbcUrl(A));
        c.awaitConverged(Duration.ofSeconds(60));
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(A));
            PreparedStatement ps = conn.prepareStatement(
                "UPSERT INTO bench (id, v, n) VALUES (?, ?, ?)")) {
          LatencyRun.Result r = LatencyRun.run("upsert", 1, 3, seconds, (t, i) -> {
            ps.setLong(1, i % 100_000);
            ps.setString(2, PAYLOAD);
            ps.setLong(3, i);
            ps.executeUpdate();
          });
          System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f |%n",
              regions.size() == 1 ? "1 region (no links)" : "2 regions (link active)",
              r.throughput(), r.p50Micros(), r.p99Micros());
        }
      }
    }
  }

  private void partition() throws Exception {
    System.out.printf("%n## Convergence after a partition%n%n");
    try (EmbeddedCluster c = cluster(List.of(A, B), 0)) {
      createTable(c.jdbcUrl(A));
      c.awaitConverged(Duration.ofSeconds(60));
      c.partition(A, B);
      int rate = (int) Math.ceil(partitionKeys / partitionSeconds);
      long written = write(c.jdbcUrl(A), rate, partitionSeconds, writers, 0);
      long t0 = System.nanoTime();
      c.heal(A, B);
      boolean ok = c.awaitConverged(Duration.ofMinutes(5));
      double healed = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      c.converged();
      double check = (System.nanoTime() - t1) / 1e9;
      System.out.printf(Locale.ROOT, "%d writes (of %d distinct keys at most) in %s during a %.0f s"
          + " partition; converged=%s %.2f s after heal (that includes polling with a full"
          + " digest comparison, which alone takes %.2f s on converged replicas)%n", written,
          Math.min(written, 200_000), A, partitionSeconds, ok, healed, check);
    }
  }

  private void backfill() throws Exception {
    System.out.printf("%n## Backfill of a region restarted empty%n%n");
    try (EmbeddedCluster c = cluster(List.of(A, B), 0)) {
      createTable(c.jdbcUrl(A));
      c.awaitConverged(Duration.ofSeconds(60));
      c.stopRegion(B);
      long loadStart = System.nanoTime();
      try (Connection conn = DriverManager.getConnection(c.jdbcUrl(A));
          PreparedStatement ps = conn.prepareStatement(
              "UPSERT INTO bench (id, v, n) VALUES (?, ?, ?)")) {
        for (int i = 0; i < backfillRows; i++) {
          ps.setLong(1, i);
          ps.setString(2, PAYLOAD);
          ps.setLong(3, i);
          ps.addBatch();
          if ((i + 1) % 1000 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      double load = (System.nanoTime() - loadStart) / 1e9;
      System.out.printf(Locale.ROOT, "loaded %,d rows into %s in %.1f s (%.0f rows/s)%n",
          backfillRows, A, load, backfillRows / load);
      long t0 = System.nanoTime();
      c.startRegion(B);
      double started = (System.nanoTime() - t0) / 1e9;
      boolean ok = c.awaitConverged(Duration.ofMinutes(10));
      double total = (System.nanoTime() - t0) / 1e9;
      LinkStats.Snapshot s = link(c, A, B).snapshot();
      System.out.printf(Locale.ROOT, "%s restarted empty (%.1f s to start its peer), then"
          + " backfilled: converged=%s %.1f s after the start: %.0f rows/s; %d rows shipped by"
          + " %d partition repairs%n", B, started, ok, total, backfillRows / total,
          s.rowsRepaired(), s.repairs());
    }
  }

  /** Runs the benchmark. */
  public static void main(String[] args) {
    int code = new CommandLine(new ReplicationBench()).execute(args);
    System.exit(code);
  }

  static {
    // Quiet the embedded peers: their INFO lines would drown the tables.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }
}
