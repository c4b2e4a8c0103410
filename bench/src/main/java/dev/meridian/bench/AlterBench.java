package dev.meridian.bench;

import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The online ALTER TABLE figures, over three embedded regions of one peer each (real Hazelcast
 * members, Netty servers and links in this JVM): load a table, wait until every region holds
 * it, keep a writer per region
 * upserting, then {@code ADD COLUMN} in one region and measure the time until every region
 * serves a write of the new column, and the writers' latency p50/p99 in the seconds before
 * against the seconds from the ALTER on. Figures are printed, never asserted.
 */
@Command(name = "alter-bench", mixinStandardHelpOptions = true,
    description = "ADD COLUMN on a loaded table: time to usable in every region, write latency"
        + " before and during.")
public final class AlterBench implements Callable<Integer> {
  private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1");

  @Option(names = "--rows", description = "rows loaded before the ALTER (default ${DEFAULT-VALUE})")
  int rows = 1_000_000;

  @Option(names = "--seconds", description = "seconds measured before and after the ALTER"
      + " (default ${DEFAULT-VALUE})")
  int seconds = 10;

  @Override
  public Integer call() throws Exception {
    System.out.printf("%,d rows, 3 regions of 1 peer, one writer per region%n", rows);
    try (EmbeddedCluster cluster = EmbeddedCluster.start("alterbench" + System.nanoTime(),
        REGIONS, EmbeddedCluster.Options.defaults().peersPerRegion(1))) {
      List<Connection> connections = new ArrayList<>();
      for (String r : REGIONS) {
        connections.add(DriverManager.getConnection(cluster.jdbcUrl(r)));
      }
      try (Statement s = connections.get(0).createStatement()) {
        s.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, payload VARCHAR(40))");
      }
      load(connections.get(0));
      long caughtUp = System.nanoTime();
      for (Connection c : connections) {
        awaitRows(c);
      }
      System.out.printf("every region holds the %,d rows %.1f s after the load%n", rows,
          (System.nanoTime() - caughtUp) / 1e9);
      Recorder recorder = new Recorder(3);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();
      for (Connection c : connections) {
        Thread t = new Thread(() -> write(c, recorder, stop, failure), "writer");
        t.setDaemon(true);
        t.start();
        writers.add(t);
      }
      Thread.sleep(2_000);
      recorder.reset();
      Thread.sleep(seconds * 1000L);
      Histogram before = recorder.getIntervalHistogram();
      long t0 = System.nanoTime();
      try (Statement s = connections.get(0).createStatement()) {
        s.execute("ALTER TABLE events ADD COLUMN extra VARCHAR(20)");
      }
      double altered = (System.nanoTime() - t0) / 1e6;
      double[] usable = new double[REGIONS.size()];
      for (int i = 0; i < REGIONS.size(); i++) {
        usable[i] = untilUsable(connections.get(i), t0);
      }
      long rest = seconds * 1000L - (System.nanoTime() - t0) / 1_000_000;
      if (rest > 0) {
        Thread.sleep(rest);
      }
      Histogram during = recorder.getIntervalHistogram();
      stop.set(true);
      for (Thread t : writers) {
        t.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("a writer failed", failure.get());
      }
      System.out.printf("ALTER TABLE … ADD COLUMN answered in %.1f ms%n", altered);
      for (int i = 0; i < REGIONS.size(); i++) {
        System.out.printf("  usable in %-15s %8.1f ms after the ALTER began%n", REGIONS.get(i),
            usable[i]);
      }
      System.out.printf("writes before: %,d, p50 %.2f ms, p99 %.2f ms%n", before.getTotalCount(),
          before.getValueAtPercentile(50) / 1e6, before.getValueAtPercentile(99) / 1e6);
      System.out.printf("writes during: %,d, p50 %.2f ms, p99 %.2f ms (%d s from the ALTER)%n",
          during.getTotalCount(), during.getValueAtPercentile(50) / 1e6,
          during.getValueAtPercentile(99) / 1e6, seconds);
      for (Connection c : connections) {
        c.close();
      }
    }
    return 0;
  }

  private void load(Connection c) throws SQLException {
    long t0 = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement("UPSERT INTO events VALUES (?, ?)")) {
      for (int from = 0; from < rows; from += 1000) {
        for (int attempt = 1; ; attempt++) {
          for (int i = from; i < Math.min(rows, from + 1000); i++) {
            ps.setLong(1, i);
            ps.setString(2, "row " + i);
            ps.addBatch();
          }
          try {
            ps.executeBatch();
            break;
          } catch (SQLException e) {
            ps.clearBatch();
            if (attempt == 5) {
              throw e;
            }
          }
        }
      }
    }
    System.out.printf("loaded %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
  }

  /** Waits until a region holds every loaded row, so that no backlog skews the figures. */
  private void awaitRows(Connection c) throws Exception {
    while (true) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
        if (rs.next() && rs.getLong(1) >= rows) {
          return;
        }
      }
      Thread.sleep(2_000);
    }
  }

  private void write(Connection c, Recorder recorder, AtomicBoolean stop,
      AtomicReference<Throwable> failure) {
    try (PreparedStatement ps = c.prepareStatement(
        "UPSERT INTO events (id, payload) VALUES (?, ?)")) {
      while (!stop.get()) {
        ps.setLong(1, ThreadLocalRandom.current().nextInt(rows));
        ps.setString(2, "w");
        long start = System.nanoTime();
        ps.executeUpdate();
        recorder.recordValue(System.nanoTime() - start);
      }
    } catch (Throwable e) {
      failure.set(e);
    }
  }

  /** Milliseconds from {@code t0} until a write of the new column succeeds in a region. */
  private static double untilUsable(Connection c, long t0) throws Exception {
    while (true) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPSERT INTO events (id, extra) VALUES (0, 'here')");
        try (ResultSet rs = s.executeQuery("SELECT extra FROM events WHERE id = 0")) {
          if (rs.next() && "here".equals(rs.getString(1))) {
            return (System.nanoTime() - t0) / 1e6;
          }
        }
      } catch (SQLException e) {
        if (!"42703".equals(e.getSQLState())) {
          throw e;
        }
      }
      Thread.sleep(1);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new AlterBench()).execute(args));
  }
}
