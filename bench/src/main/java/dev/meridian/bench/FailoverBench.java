package dev.meridian.bench;

import dev.meridian.driver.api.MeridianConnection;
import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The failover figure of the "Routing" issue: three embedded regions (real peers, real Netty
 * on loopback); one connection writes in a loop with default routing settings; every peer of
 * its home region stops; the figure is the time from the stop to the first write acknowledged
 * by another region. Then home restarts empty and the bench waits for the writes to come home.
 */
@Command(name = "failover-bench", mixinStandardHelpOptions = true,
    description = "Measures the time from the home region's death to the first write"
        + " acknowledged elsewhere, and from its return to the first write home again.")
public final class FailoverBench implements Callable<Integer> {
  private static final String HOME = "us-east-1";
  private static final List<String> REGIONS = List.of(HOME, "eu-west-1", "ap-southeast-1");

  @Option(names = "--rounds", description = "home deaths to measure (default ${DEFAULT-VALUE})")
  int rounds = 5;

  @Option(names = "--peers", description = "peers per region (default ${DEFAULT-VALUE})")
  int peers = 2;

  @Override
  public Integer call() throws Exception {
    System.out.printf("Failover benchmark: %d cores; embedded regions %s, %d peers each, in this"
        + " JVM; one writer connection at home in %s, default routing settings.%n",
        Runtime.getRuntime().availableProcessors(), REGIONS, peers, HOME);
    try (EmbeddedCluster cluster = EmbeddedCluster.start("failover-bench", REGIONS,
        EmbeddedCluster.Options.defaults().peersPerRegion(peers))) {
      try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(HOME));
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE failover (id BIGINT PRIMARY KEY, val BIGINT)");
      }
      System.out.println("| round | first write elsewhere after the stop | writes failed meanwhile"
          + " | served by | home serving again after | first write home after that |");
      System.out.println("|---|---|---|---|---|---|");
      List<Double> figures = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        figures.add(round(cluster, round));
      }
      figures.sort(Double::compare);
      System.out.printf("Failover: median %.1f ms, worst %.1f ms over %d rounds (target <= 2000"
          + " ms).%n", figures.get(figures.size() / 2), figures.get(figures.size() - 1), rounds);
    }
    return 0;
  }

  private double round(EmbeddedCluster cluster, int round) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong stoppedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong restartedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong away = new AtomicLong();
    AtomicLong home = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong written = new AtomicLong();
    String[] awayRegion = new String[1];
    Thread writer = new Thread(() -> {
      try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(HOME));
          PreparedStatement p = c.prepareStatement("UPSERT INTO failover VALUES (?, ?)")) {
        MeridianConnection m = c.unwrap(MeridianConnection.class);
        for (long i = 0; !stop.get(); i++) {
          p.setLong(1, i % 1000);
          p.setLong(2, i);
          try {
            p.executeUpdate();
          } catch (SQLException e) {
            if (System.nanoTime() > stoppedAt.get()) {
              failed.incrementAndGet();
            }
            continue;
          }
          written.incrementAndGet();
          long now = System.nanoTime();
          String region = m.servingRegion();
          if (!region.equals(HOME) && now > stoppedAt.get() && away.compareAndSet(0, now)) {
            awayRegion[0] = region;
          }
          if (region.equals(HOME) && now > restartedAt.get()) {
            home.compareAndSet(0, now);
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, "failover-writer");
    writer.start();
    try {
      await(() -> written.get() > 1000, Duration.ofSeconds(60));
      stoppedAt.set(System.nanoTime());
      cluster.stopRegion(HOME);
      await(() -> away.get() != 0, Duration.ofSeconds(60));
      double failoverMs = (away.get() - stoppedAt.get()) / 1e6;
      long restart = System.nanoTime();
      cluster.startRegion(HOME);
      cluster.awaitServing(HOME, Duration.ofSeconds(120));
      restartedAt.set(System.nanoTime());
      double restartSeconds = (restartedAt.get() - restart) / 1e9;
      await(() -> home.get() != 0, Duration.ofSeconds(120));
      System.out.printf("| %d | %.1f ms | %d | %s | %.1f s (restarted empty, backfilled) |"
          + " %.1f s |%n", round, failoverMs, failed.get(), awayRegion[0], restartSeconds,
          (home.get() - restartedAt.get()) / 1e9);
      return failoverMs;
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new FailoverBench()).execute(args));
  }
}
