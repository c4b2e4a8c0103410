package dev.meridian.bench;

import dev.meridian.testing.RegionProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What atomic read-modify-write costs, in one run against one region of real peer processes
 * (2 unless {@code --peers} says otherwise): {@code UPDATE … SET n = n + 1 WHERE id = ?} and a
 * version-checked update beside a plain key {@code UPSERT} on random keys, then contended
 * increments of one row and of one COUNTER from 16 connections, checked exact at the end.
 */
@Command(name = "rmw-bench", mixinStandardHelpOptions = true,
    description = "Atomic read-modify-write latency and contended increment throughput.")
public final class ReadModifyWriteBench implements Callable<Integer> {

  @Option(names = "--seconds", description = "measured seconds per case (default ${DEFAULT-VALUE})")
  double seconds = 10;

  @Option(names = "--warmup", description = "warm-up seconds per case (default ${DEFAULT-VALUE})")
  double warmup = 5;

  @Option(names = "--keys", description = "distinct keys (default ${DEFAULT-VALUE})")
  int keys = 10_000;

  @Option(names = "--contended", description = "connections on one row (default ${DEFAULT-VALUE})")
  int contended = 16;

  @Option(names = "--peers", description = "peers in the region (default ${DEFAULT-VALUE})")
  int peers = 2;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("meridian-bench");
    System.out.printf("Starting a %d-peer region through bin/meridian (logs in %s)%n", peers, dir);
    try (RegionProcesses region = RegionProcesses.start(dir, "us-east-1", peers)) {
      String url = region.jdbcUrl();
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE rmw (id BIGINT PRIMARY KEY, n BIGINT, ver INT, hits COUNTER)");
        try (PreparedStatement p = c.prepareStatement(
            "UPSERT INTO rmw (id, n, ver) VALUES (?, 0, 0)")) {
          for (long k = 0; k < keys; k++) {
            p.setLong(1, k);
            p.addBatch();
            if (k % 1000 == 999) {
              p.executeBatch();
            }
          }
          p.executeBatch();
        }
      }
      List<LatencyRun.Result> results = new ArrayList<>();
      results.add(one(url, "plain key UPSERT", "UPSERT INTO rmw (id, n) VALUES (?, ?)",
          (p, i) -> {
            p.setLong(1, key());
            p.setLong(2, i);
          }));
      results.add(one(url, "UPDATE SET n = n + 1 WHERE id = ?",
          "UPDATE rmw SET n = n + 1 WHERE id = ?", (p, i) -> p.setLong(1, key())));
      results.add(one(url, "UPDATE SET hits = hits + 1 (COUNTER)",
          "UPDATE rmw SET hits = hits + 1 WHERE id = ?", (p, i) -> p.setLong(1, key())));
      results.add(one(url, "UPDATE ... WHERE id = ? AND ver >= ? (condition)",
          "UPDATE rmw SET n = ?, ver = ver + 1 WHERE id = ? AND ver >= ?", (p, i) -> {
            p.setLong(1, i);
            p.setLong(2, key());
            p.setInt(3, 0);
          }));
      AtomicLong acknowledged = new AtomicLong();
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        s.executeUpdate("UPSERT INTO rmw (id, n, ver) VALUES (-1, 0, 0)");
      }
      results.add(contended(url, "contended n = n + 1, one row",
          "UPDATE rmw SET n = n + 1 WHERE id = -1", acknowledged));
      long n = read(url, "SELECT n FROM rmw WHERE id = -1");
      AtomicLong counted = new AtomicLong();
      results.add(contended(url, "contended COUNTER + 1, one row",
          "UPDATE rmw SET hits = hits + 1 WHERE id = -1", counted));
      long hits = read(url, "SELECT hits FROM rmw WHERE id = -1");
      FoundationBench.printTable(results);
      double ratio = results.get(1).p50Micros() / results.get(0).p50Micros();
      System.out.printf("%nn = n + 1 p50 / plain UPSERT p50: %.2fx (target <= 1.2x)%n", ratio);
      System.out.printf("contended increments: %d acknowledged, n grew by %d; %d COUNTER"
          + " increments acknowledged, counter reads %d%n", acknowledged.get(), n, counted.get(),
          hits);
      if (n != acknowledged.get() || hits != counted.get()) {
        System.out.println("LOST UPDATES: the figures above do not match");
        return 1;
      }
    }
    return 0;
  }

  private interface Bind {
    void bind(PreparedStatement p, long i) throws SQLException;
  }

  private long key() {
    return ThreadLocalRandom.current().nextLong(keys);
  }

  private LatencyRun.Result one(String url, String name, String sql, Bind bind)
      throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement p = c.prepareStatement(sql)) {
      return LatencyRun.run(name, 1, warmup, seconds, (t, i) -> {
        bind.bind(p, i);
        if (p.executeUpdate() != 1) {
          throw new IllegalStateException(name + " wrote nothing");
        }
      });
    }
  }

  /** Every acknowledged statement is counted, warm-up included, for the exactness check. */
  private LatencyRun.Result contended(String url, String name, String sql, AtomicLong acked)
      throws Exception {
    List<Connection> conns = FoundationBench.open(url, contended);
    List<PreparedStatement> ps = new ArrayList<>();
    for (Connection c : conns) {
      ps.add(c.prepareStatement(sql));
    }
    try {
      return LatencyRun.run(name, contended, warmup, seconds, (t, i) -> {
        if (ps.get(t).executeUpdate() == 1) {
          acked.incrementAndGet();
        }
      });
    } finally {
      FoundationBench.close(conns);
    }
  }

  private static long read(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Runs the benchmark. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ReadModifyWriteBench()).execute(args));
  }
}
