package dev.meridian.bench;

import dev.meridian.peer.internal.storage.StorageRequestHandler;
import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The TTL sweep's rate and what it costs concurrent writes, on two embedded regions of one peer
 * each: {@code --rows} rows of a table with a ttl column are loaded, all expiring two seconds
 * later, with the sweeps held; then {@code --threads} writers upsert into another table for
 * {@code --seconds} with the sweeps still held (after an unreported warm-up period, then the
 * baseline) and again while they run. Prints
 * the writers' p50/p99 in both periods and the rows the sweeps deleted per second while
 * measured. Figures only; nothing is asserted.
 */
@Command(name = "ttl-bench", mixinStandardHelpOptions = true,
    description = "TTL sweep rate and its cost on concurrent write latency.")
public final class TtlBench implements Callable<Integer> {
  @Option(names = "--rows", description = "expiring rows (default ${DEFAULT-VALUE})")
  int rows = 20_000;

  @Option(names = "--threads", description = "concurrent writers (default ${DEFAULT-VALUE})")
  int threads = 4;

  @Option(names = "--seconds", description = "measured seconds per period (default"
      + " ${DEFAULT-VALUE})")
  double seconds = 8;

  @Override
  public Integer call() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("ttlbench" + System.nanoTime(),
        List.of("us-east-1", "eu-west-1"), EmbeddedCluster.Options.defaults());
        Connection us = DriverManager.getConnection(c.jdbcUrl("us-east-1"))) {
      us.createStatement().execute("CREATE TABLE s (id BIGINT PRIMARY KEY, v VARCHAR(20),"
          + " expires_at TIMESTAMP) WITH (ttl_column = 'expires_at')");
      us.createStatement().execute("CREATE TABLE w (id BIGINT PRIMARY KEY, v VARCHAR(20))");
      if (!c.awaitConverged(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the tables did not reach eu-west-1");
      }
      sweeps(c, true);
      long expires = System.currentTimeMillis() + 2_000;
      try (PreparedStatement ps = us.prepareStatement("UPSERT INTO s VALUES (?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          ps.setLong(1, i);
          ps.setString(2, "s" + i);
          ps.setTimestamp(3, Timestamp.valueOf(LocalDateTime.ofInstant(
              Instant.ofEpochMilli(expires), ZoneOffset.UTC)));
          ps.addBatch();
          if (i % 1_000 == 999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      if (!c.awaitConverged(Duration.ofMinutes(5))) {
        throw new IllegalStateException("the rows did not reach eu-west-1");
      }
      while (System.currentTimeMillis() <= expires) {
        Thread.sleep(50);
      }
      // A first period warms the JIT and the writers' connections; its figures are dropped, or
      // the held baseline (measured first) would pay for the warm-up.
      writers(c, "warm-up");
      LatencyRun.Result held = writers(c, "sweep held");
      sweeps(c, false);
      long before = expired(c);
      long t = System.nanoTime();
      LatencyRun.Result running = writers(c, "sweep running");
      double elapsed = (System.nanoTime() - t) / 1e9;
      long deleted = expired(c) - before;
      for (LatencyRun.Result r : List.of(held, running)) {
        System.out.printf("%-14s %d writers: %,.0f upserts/s, p50 %.0f us, p99 %.0f us%n",
            r.name(), r.threads(), r.throughput(), r.p50Micros(), r.p99Micros());
      }
      System.out.printf("sweeps deleted %,d rows in %.1f s (%.0f rows/s, both regions' peers;"
          + " %,d expired rows loaded)%n", deleted, elapsed, deleted / elapsed, rows);
    }
    return 0;
  }

  private LatencyRun.Result writers(EmbeddedCluster c, String name) throws Exception {
    Connection[] connections = new Connection[threads];
    PreparedStatement[] statements = new PreparedStatement[threads];
    for (int i = 0; i < threads; i++) {
      connections[i] = DriverManager.getConnection(c.jdbcUrl("us-east-1"));
      statements[i] = connections[i].prepareStatement("UPSERT INTO w VALUES (?, ?)");
    }
    try {
      return LatencyRun.run(name, threads, 2, seconds, (thread, i) -> {
        PreparedStatement ps = statements[thread];
        ps.setLong(1, thread * 1_000_000L + (i % 10_000));
        ps.setString(2, "v" + i);
        ps.executeUpdate();
      });
    } finally {
      for (Connection conn : connections) {
        conn.close();
      }
    }
  }

  private static void sweeps(EmbeddedCluster c, boolean paused) {
    for (String region : c.regions()) {
      for (var p : c.peers(region)) {
        ((StorageRequestHandler) p.node().handler()).ttlSweepPaused(paused);
      }
    }
  }

  private static long expired(EmbeddedCluster c) {
    long n = 0;
    for (String region : c.regions()) {
      for (var p : c.peers(region)) {
        n += ((StorageRequestHandler) p.node().handler()).ttlExpiredRows();
      }
    }
    return n;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TtlBench()).execute(args));
  }
}
