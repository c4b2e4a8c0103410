package dev.meridian.bench;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.testing.PeerProcess;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The figures of the Foundation issue, in one run against one region (2 peers unless
 * {@code --peers} says otherwise) started through
 * {@code bin/meridian peer}: single-row PreparedStatement upsert and point select with 1 and 16
 * connections, beside Hazelcast's own Java client doing {@code IMap.set}/{@code get} on the same
 * cluster, and {@code executeBatch} of 1,000 rows.
 */
@Command(name = "foundation-bench", mixinStandardHelpOptions = true,
    description = "Point-operation latency and batch throughput against a 2-peer region.")
public final class FoundationBench implements Callable<Integer> {

  @Option(names = "--seconds", description = "measured seconds per case (default ${DEFAULT-VALUE})")
  double seconds = 10;

  @Option(names = "--warmup", description = "warm-up seconds per case (default ${DEFAULT-VALUE})")
  double warmup = 5;

  @Option(names = "--keys", description = "distinct keys (default ${DEFAULT-VALUE})")
  int keys = 100_000;

  @Option(names = "--connections", split = ",",
      description = "connection counts to run (default ${DEFAULT-VALUE})")
  List<Integer> connections = List.of(1, 16);

  @Option(names = "--peers", description = "peers in the region (default ${DEFAULT-VALUE})")
  int peers = 2;

  @Option(names = "--batches", description = "1,000-row batches to time (default ${DEFAULT-VALUE})")
  int batches = 50;

  @Option(names = "--durability",
      description = "memory (no dataDir), sync or periodic (default ${DEFAULT-VALUE})")
  String durability = "memory";

  @Option(names = "--restart-rows", description = "with a durability: rows (beyond --keys) the"
      + " region holds when every peer is killed and restarted, timed until it serves (default"
      + " ${DEFAULT-VALUE}; 0 skips)")
  int restartRows = 0;

  private static final String PAYLOAD = "x".repeat(40);

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("meridian-bench");
    boolean durable = !durability.equals("memory");
    System.out.printf("Starting a %d-peer region through bin/meridian (logs in %s), durability"
        + " %s%n", peers, dir, durability);
    try (RegionProcesses region = durable
        ? RegionProcesses.start(dir, "us-east-1", peers, "dataDir: " + dir.resolve("data")
            + "/{name}\ndurability: " + durability + "\n")
        : RegionProcesses.start(dir, "us-east-1", peers)) {
      String url = region.jdbcUrl();
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE bench (id BIGINT PRIMARY KEY, v VARCHAR(100), n BIGINT)");
        preload(c);
      }
      ClientConfig cc = new ClientConfig();
      cc.setClusterName("meridian-" + region.region());
      for (PeerProcess p : region.peers()) {
        cc.getNetworkConfig().addAddress(p.hazelcastAddress());
      }
      HazelcastInstance hz = HazelcastClient.newHazelcastClient(cc);
      IMap<Long, String> map = hz.getMap("bench.hz");
      for (long k = 0; k < keys; k++) {
        map.set(k, PAYLOAD);
      }

      List<LatencyRun.Result> results = new ArrayList<>();
      for (int n : connections) {
        if (n < 1) {
          continue; // --connections 0: batches only
        }
        results.add(meridianUpsert(url, n));
        results.add(hazelcast("IMap.set", n, (t, i) -> map.set(key(), PAYLOAD)));
        results.add(meridianSelect(url, n));
        results.add(hazelcast("IMap.get", n, (t, i) -> map.get(key())));
      }
      hz.shutdown();
      printTable(results);
      batchThroughput(url);
      if (durable && restartRows > 0) {
        restart(region, url);
      }
    }
    return 0;
  }

  /** Fills the table to --keys + --restart-rows rows, kills every peer, times the restart. */
  private void restart(RegionProcesses region, String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement p = c.prepareStatement("UPSERT INTO bench VALUES (?, ?, ?)")) {
      for (long k = keys; k < (long) keys + restartRows; k++) {
        p.setLong(1, k);
        p.setString(2, PAYLOAD);
        p.setLong(3, k);
        p.addBatch();
        if (k % 1000 == 999) {
          p.executeBatch();
        }
      }
      p.executeBatch();
    }
    long total = (long) keys + restartRows;
    region.killAll();
    long start = System.nanoTime();
    List<java.util.concurrent.CompletableFuture<Void>> starts = new ArrayList<>();
    for (int i = 1; i < region.peers().size(); i++) {
      int peer = i;
      starts.add(java.util.concurrent.CompletableFuture.runAsync(() -> region.restart(peer)));
    }
    region.restart(0);
    starts.forEach(java.util.concurrent.CompletableFuture::join);
    double ready = (System.nanoTime() - start) / 1e9;
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM bench")) {
      rs.next();
      System.out.printf(Locale.ROOT, "%nrestart of every peer (kill -9) holding %d rows: all peers"
          + " serve after %.1f s; the region holds %d rows%n", total, ready, rs.getLong(1));
    }
  }

  private long key() {
    return ThreadLocalRandom.current().nextLong(keys);
  }

  private void preload(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPSERT INTO bench VALUES (?, ?, ?)")) {
      for (long k = 0; k < keys; k++) {
        p.setLong(1, k);
        p.setString(2, PAYLOAD);
        p.setLong(3, k);
        p.addBatch();
        if (k % 1000 == 999) {
          p.executeBatch();
        }
      }
      p.executeBatch();
    }
  }

  private LatencyRun.Result meridianUpsert(String url, int n) throws Exception {
    List<Connection> conns = open(url, n);
    List<PreparedStatement> ps = new ArrayList<>();
    for (Connection c : conns) {
      ps.add(c.prepareStatement("UPSERT INTO bench VALUES (?, ?, ?)"));
    }
    try {
      return LatencyRun.run("Meridian upsert", n, warmup, seconds, (t, i) -> {
        PreparedStatement p = ps.get(t);
        p.setLong(1, key());
        p.setString(2, PAYLOAD);
        p.setLong(3, i);
        p.executeUpdate();
      });
    } finally {
      close(conns);
    }
  }

  private LatencyRun.Result meridianSelect(String url, int n) throws Exception {
    List<Connection> conns = open(url, n);
    List<PreparedStatement> ps = new ArrayList<>();
    for (Connection c : conns) {
      ps.add(c.prepareStatement("SELECT v, n FROM bench WHERE id = ?"));
    }
    try {
      return LatencyRun.run("Meridian point select", n, warmup, seconds, (t, i) -> {
        PreparedStatement p = ps.get(t);
        p.setLong(1, key());
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("preloaded row missing");
          }
        }
      });
    } finally {
      close(conns);
    }
  }

  private LatencyRun.Result hazelcast(String name, int n, LatencyRun.Op op) throws Exception {
    return LatencyRun.run("Hazelcast client " + name, n, warmup, seconds, op);
  }

  private void batchThroughput(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement p = c.prepareStatement("UPSERT INTO bench VALUES (?, ?, ?)")) {
      long rows = 0;
      long best = Long.MAX_VALUE;
      long total = 0;
      for (int b = 0; b < batches + 5; b++) {
        for (int r = 0; r < 1000; r++) {
          p.setLong(1, key());
          p.setString(2, PAYLOAD);
          p.setLong(3, r);
          p.addBatch();
        }
        long start = System.nanoTime();
        p.executeBatch();
        long took = System.nanoTime() - start;
        if (b >= 5) { // the first five warm up
          rows += 1000;
          total += took;
          best = Math.min(best, took);
        }
      }
      System.out.printf(Locale.ROOT, "%nexecuteBatch of 1,000 rows, %d batches on 1 connection: "
              + "%.0f rows/s overall, %.1f ms per batch on average, best %.1f ms%n",
          batches, rows / (total / 1e9), total / 1e6 / batches, best / 1e6);
    }
  }

  static List<Connection> open(String url, int n) throws SQLException {
    List<Connection> conns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      conns.add(DriverManager.getConnection(url));
    }
    return conns;
  }

  static void close(List<Connection> conns) throws SQLException {
    for (Connection c : conns) {
      c.close();
    }
  }

  static void printTable(List<LatencyRun.Result> results) {
    System.out.printf("%n| operation | connections | ops/s | p50 µs | p99 µs |%n|---|---|---|---|---|%n");
    for (LatencyRun.Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.1f |%n", r.name(), r.threads(),
          r.throughput(), r.p50Micros(), r.p99Micros());
    }
  }

  /** Runs the benchmark. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FoundationBench()).execute(args));
  }
}
