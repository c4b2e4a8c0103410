package dev.meridian.bench;

import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The capacity figures, in one run over one embedded region of 2 peers (real Hazelcast members
 * and Netty servers in this JVM): what the capacity check costs an upsert (p50 of an unlimited
 * table against the same table limited to 1,000,000,000 rows/s, a limit never reached, so every
 * upsert takes a token; the unlimited table's check is one field read, a part of that), in
 * alternating phases; and how close a region under a load of 3x its limit stays to the limit
 * over a period (accepted/limit). Figures are printed, never asserted.
 */
@Command(name = "capacity-bench", mixinStandardHelpOptions = true,
    description = "Capacity limit figures: the check's cost on upsert p50, and accepted/limit"
        + " under a load of 3x the limit.")
public final class CapacityBench implements Callable<Integer> {

  @Option(names = "--upserts", description = "upserts timed per phase (default ${DEFAULT-VALUE})")
  int upserts = 20_000;

  @Option(names = "--phases", description = "alternating phases (default ${DEFAULT-VALUE})")
  int phases = 6;

  @Option(names = "--limit", description = "write limit for the accuracy run, rows/s"
      + " (default ${DEFAULT-VALUE})")
  int limit = 1000;

  @Option(names = "--seconds", description = "length of the accuracy run (default ${DEFAULT-VALUE})")
  int seconds = 10;

  @Option(names = "--threads", description = "writer threads of the accuracy run"
      + " (default ${DEFAULT-VALUE})")
  int threads = 8;

  @Override
  public Integer call() throws Exception {
    long seed = System.nanoTime();
    System.out.printf("seed %d, one region of 2 peers, %d cores, load average %.2f%n", seed,
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (EmbeddedCluster cluster = EmbeddedCluster.start("capacitybench" + System.nanoTime(),
        List.of("us-east-1"), EmbeddedCluster.Options.defaults().peersPerRegion(2));
        Connection c = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"))) {
      checkCost(c, new Random(seed));
      accuracy(cluster);
    }
    return 0;
  }

  private void checkCost(Connection c, Random random) throws SQLException {
    int keys = 100_000;
    execute(c, "CREATE TABLE kv (id BIGINT PRIMARY KEY, v BIGINT)");
    List<Long> unlimited = new ArrayList<>();
    List<Long> limited = new ArrayList<>();
    for (int phase = 0; phase < phases; phase++) {
      boolean withLimit = phase % 2 == 1;
      execute(c, withLimit ? "ALTER TABLE kv SET (write_capacity = '1000000000/s')"
          : "ALTER TABLE kv RESET (write_capacity)");
      try (PreparedStatement ps = c.prepareStatement("UPSERT INTO kv (id, v) VALUES (?, ?)")) {
        long[] micros = new long[upserts];
        for (int i = -upserts / 4; i < upserts; i++) {
          ps.setLong(1, random.nextInt(keys));
          ps.setLong(2, i);
          long t0 = System.nanoTime();
          ps.executeUpdate();
          if (i >= 0) {
            micros[i] = (System.nanoTime() - t0) / 1_000;
          }
        }
        Arrays.sort(micros);
        (withLimit ? limited : unlimited).add(micros[upserts / 2]);
        System.out.printf("upsert phase %d %-26s p50 %5d us  p90 %5d us  p99 %5d us"
            + "  (%,d upserts)%n", phase + 1, withLimit ? "limited (never reached)" : "unlimited",
            micros[upserts / 2], micros[upserts * 9 / 10], micros[upserts * 99 / 100], upserts);
      }
    }
    double base = unlimited.stream().mapToLong(Long::longValue).average().orElse(0);
    double checked = limited.stream().mapToLong(Long::longValue).average().orElse(0);
    System.out.printf("upsert p50 unlimited %.0f us, with a limit checked on every row %.0f us"
        + " (means of %d phases each): the check costs %+.1f %%%n", base, checked, phases / 2,
        100 * (checked - base) / base);
  }

  private void accuracy(EmbeddedCluster cluster) throws Exception {
    try (Connection admin = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"))) {
      execute(admin, "CREATE TABLE acc (id BIGINT PRIMARY KEY, v BIGINT)");
      execute(admin, "ALTER TABLE acc SET (write_capacity = '" + limit + "/s')");
    }
    long gap = 1_000_000_000L * threads / (3L * limit);
    AtomicLong accepted = new AtomicLong();
    AtomicLong throttled = new AtomicLong();
    AtomicLong nextId = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime() + 500_000_000L;
    long end = start + seconds * 1_000_000_000L;
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long offset = gap * t / threads;
      writers.add(new Thread(() -> {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"));
            PreparedStatement ps = c.prepareStatement("UPSERT INTO acc (id, v) VALUES (?, ?)")) {
          for (long due = start + offset; due < end; due += gap) {
            LockSupport.parkNanos(due - System.nanoTime());
            long id = nextId.incrementAndGet();
            ps.setLong(1, id);
            ps.setLong(2, id);
            try {
              ps.executeUpdate();
              accepted.incrementAndGet();
            } catch (SQLException e) {
              if (!"53M01".equals(e.getSQLState())) {
                throw e;
              }
              throttled.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    writers.forEach(Thread::start);
    for (Thread t : writers) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a writer failed", failure.get());
    }
    long attempted = accepted.get() + throttled.get();
    System.out.printf("accuracy: limit %,d rows/s over %d s, offered %,d (%.0f/s), accepted %,d"
        + " (%.1f/s), throttled %,d: accepted/limit %.3f%n", limit, seconds, attempted,
        attempted / (double) seconds, accepted.get(), accepted.get() / (double) seconds,
        throttled.get(), accepted.get() / ((double) limit * seconds));
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CapacityBench()).execute(args));
  }
}
