package dev.meridian.bench;

import dev.meridian.cli.tls.CertificateAuthority;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.Credentials;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.Regions;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What TLS costs, in one run against one region of real peer processes serving TLS
 * ({@code bin/meridian peer} with certificates from {@link CertificateAuthority}): point select
 * and upsert over {@code sslmode=verify-full} beside the same over plaintext, alternating case by
 * case, and the time to set up a connection both ways (TCP, TLS, hello; and a whole JDBC
 * connection with its first statement). The plaintext runs go to a second region of the same
 * shape started without TLS, on the same machine.
 */
@Command(name = "tls-bench", mixinStandardHelpOptions = true,
    description = "Point-operation latency and connection set-up, TLS against plaintext, and"
        + " TLS with users (SCRAM-SHA-256 logins, grants checked at every statement).")
public final class TlsBench implements Callable<Integer> {

  @Option(names = "--seconds", description = "measured seconds per case (default ${DEFAULT-VALUE})")
  double seconds = 10;

  @Option(names = "--warmup", description = "warm-up seconds per case (default ${DEFAULT-VALUE})")
  double warmup = 5;

  @Option(names = "--keys", description = "distinct keys (default ${DEFAULT-VALUE})")
  int keys = 10_000;

  @Option(names = "--connections", split = ",",
      description = "connection counts to run (default ${DEFAULT-VALUE})")
  List<Integer> connections = List.of(1, 16);

  @Option(names = "--setups", description = "connections set up per kind (default ${DEFAULT-VALUE})")
  int setups = 200;

  @Option(names = "--cases", split = ",",
      description = "which cases: ops (latency and connection set-up), lag (replication lag over"
          + " mutual TLS) (default all)")
  List<String> cases = List.of("ops", "lag");

  @Option(names = "--lag-rate", description = "writes/s in the lag case (default ${DEFAULT-VALUE})")
  int lagRate = 1000;

  @Option(names = "--lag-latency", description = "one-way link latency injected in the lag case,"
      + " ms (default ${DEFAULT-VALUE})")
  long lagLatencyMs = 40;

  @Option(names = "--lag-seconds", description = "seconds written in the lag case (default"
      + " ${DEFAULT-VALUE})")
  double lagSeconds = 20;

  private static final String PAYLOAD = "x".repeat(40);
  private static final String ADMIN_PASSWORD = "bench-admin-password";

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("meridian-tls-bench");
    Path certs = dir.resolve("certs");
    CertificateAuthority ca = CertificateAuthority.create("bench CA", Duration.ofDays(2));
    ca.write(certs);
    Instant now = Instant.now();
    for (String region : List.of("tls", "plain", "users", "tls-a", "tls-b")) {
      ca.issuePeer(region, List.of("localhost", "127.0.0.1"), now.minusSeconds(60),
          now.plus(Duration.ofDays(1))).write(certs, region);
    }
    if (cases.contains("ops")) {
      operations(dir, certs);
    }
    if (cases.contains("lag")) {
      lag(dir, certs);
    }
    return 0;
  }

  /**
   * Replication lag over mutual TLS against plaintext: two regions of one peer each per kind,
   * every link delayed {@code lagLatencyMs} each way, {@code lagRate} paced writes/s into the
   * first for {@code lagSeconds}, one kind after the other; the lag is what the first region's
   * sender measured (commit to the target's acknowledgement) over that run.
   */
  private void lag(Path dir, Path certs) throws Exception {
    System.out.printf(Locale.ROOT, "%n## Replication lag at %d writes/s, %d ms injected one way"
        + " (%s s per kind)%n%n| links | writes acknowledged | lag p50 ms | lag p99 ms"
        + " | lag max ms | samples |%n|---|---|---|---|---|---|%n", lagRate, lagLatencyMs,
        lagSeconds);
    for (boolean tls : List.of(false, true)) {
      String a = tls ? "tls-a" : "plain-a";
      String b = tls ? "tls-b" : "plain-b";
      Regions.Builder builder = Regions.builder(dir.resolve("lag-" + a)).regions(a, b)
          .peersPerRegion(1).javaOpts(PeerProcess.DEFAULT_JAVA_OPTS).wanLatencyMs(lagLatencyMs);
      if (tls) {
        builder.tls(certs);
      }
      try (Regions pair = builder.build()) {
        pair.startAll();
        String url = pair.localJdbcUrl(a) + (tls ? "&sslmode=verify-full&sslrootcert="
            + certs.resolve("ca.crt").toAbsolutePath() : "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
          s.execute("CREATE TABLE shipped (id BIGINT PRIMARY KEY, v VARCHAR(100), n BIGINT)");
          long written = pacedWrites(url);
          awaitBacklogDrained(s, a, b);
          try (ResultSet rs = s.executeQuery("SELECT lag_p50_ms, lag_p99_ms, lag_max_ms,"
              + " lag_samples FROM meridian.replication_links WHERE from_region = '" + a
              + "' AND to_region = '" + b + "'")) {
            if (!rs.next()) {
              throw new IllegalStateException("no link " + a + " -> " + b);
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %d |%n",
                tls ? "mutual TLS" : "plaintext", written, rs.getDouble(1), rs.getDouble(2),
                rs.getDouble(3), rs.getLong(4));
          }
        }
      }
    }
  }

  /** Writes {@code lagRate} rows/s from 4 connections for {@code lagSeconds}; returns the count. */
  private long pacedWrites(String url) throws Exception {
    int threads = 4;
    long total = (long) (lagRate * lagSeconds);
    long intervalNanos = (long) (1e9 * threads / lagRate);
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> workers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Exception> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread w = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(url);
            PreparedStatement p = c.prepareStatement("UPSERT INTO shipped VALUES (?, ?, ?)")) {
          for (long i = thread; i < total; i += threads) {
            long due = start + (i / threads) * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            p.setLong(1, i);
            p.setString(2, PAYLOAD);
            p.setLong(3, i);
            p.executeUpdate();
            written.incrementAndGet();
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }, "lag-writer-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return written.get();
  }

  private static void awaitBacklogDrained(Statement s, String a, String b) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      try (ResultSet rs = s.executeQuery("SELECT backlog FROM meridian.replication_links"
          + " WHERE from_region = '" + a + "' AND to_region = '" + b + "'")) {
        if (rs.next() && rs.getLong(1) == 0) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the link " + a + " -> " + b + " kept a backlog for 60 s");
  }

  private void operations(Path dir, Path certs) throws Exception {
    System.out.printf("Starting a TLS region and a plaintext region of 1 peer each (logs in %s)%n",
        dir);
    // Peers with both JIT tiers (PeerProcess's default options), as in production: the C1-only
    // options of the test layouts would leave TLS without the C2 AES-GCM intrinsics.
    try (Regions secure = Regions.builder(dir.resolve("tls")).regions("tls").peersPerRegion(1)
            .javaOpts(PeerProcess.DEFAULT_JAVA_OPTS).tls(certs).build();
        Regions plain = Regions.builder(dir.resolve("plain")).regions("plain").peersPerRegion(1)
            .javaOpts(PeerProcess.DEFAULT_JAVA_OPTS).build();
        Regions users = Regions.builder(dir.resolve("users")).regions("users").peersPerRegion(1)
            .javaOpts(PeerProcess.DEFAULT_JAVA_OPTS).tls(certs).users(ADMIN_PASSWORD).build()) {
      secure.startAll();
      plain.startAll();
      users.startAll();
      String tlsUrl = secure.jdbcUrl("tls") + "&sslmode=verify-full&sslrootcert="
          + certs.resolve("ca.crt").toAbsolutePath();
      String plainUrl = plain.jdbcUrl("plain");
      String usersUrl = users.jdbcUrl("users") + "&sslmode=verify-full&sslrootcert="
          + certs.resolve("ca.crt").toAbsolutePath() + "&user=admin&password=" + ADMIN_PASSWORD;
      for (String url : List.of(tlsUrl, plainUrl, usersUrl)) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
          s.execute("CREATE TABLE bench (id BIGINT PRIMARY KEY, v VARCHAR(100), n BIGINT)");
          preload(c);
        }
      }
      List<LatencyRun.Result> results = new ArrayList<>();
      for (int n : connections) {
        results.add(upsert("plaintext upsert", plainUrl, n));
        results.add(upsert("TLS upsert", tlsUrl, n));
        results.add(select("plaintext point select", plainUrl, n));
        results.add(select("TLS point select", tlsUrl, n));
        results.add(upsert("TLS + users upsert", usersUrl, n));
        results.add(select("TLS + users point select", usersUrl, n));
      }
      printTable(results);
      SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
          .trustManager(certs.resolve("ca.crt").toFile()).build();
      InetSocketAddress tlsPeer = address(secure.clientAddresses("tls").get(0));
      InetSocketAddress plainPeer = address(plain.clientAddresses("plain").get(0));
      System.out.printf("%n| connection set-up (%d each) | p50 ms | p99 ms |%n|---|---|---|%n", setups);
      setup("plaintext: TCP + hello", () -> PeerConnector.connectOne(plainPeer,
          TransportSettings.DEFAULTS, PortRole.DRIVER, "bench").close());
      setup("TLS verify-full: TCP + TLS + hello", () -> PeerConnector.connectOne(tlsPeer,
          TransportSettings.DEFAULTS.withTls(() -> client, true), PortRole.DRIVER, "bench")
          .close());
      InetSocketAddress usersPeer = address(users.clientAddresses("users").get(0));
      Credentials admin = new Credentials("admin", ADMIN_PASSWORD);
      setup("TLS + SCRAM-SHA-256: TCP + TLS + hello + SCRAM (PBKDF2 cached)",
          () -> PeerConnector.connectOne(usersPeer, TransportSettings.DEFAULTS
              .withTls(() -> client, true).withCredentials(admin), PortRole.DRIVER, "bench")
              .close());
      setup("TLS + SCRAM-SHA-256: the same, PBKDF2 (4096 rounds) each time",
          () -> PeerConnector.connectOne(usersPeer, TransportSettings.DEFAULTS
              .withTls(() -> client, true).withCredentials(new Credentials("admin",
                  ADMIN_PASSWORD)), PortRole.DRIVER, "bench").close());
      setup("plaintext: JDBC connect + first select", () -> firstSelect(plainUrl));
      setup("TLS verify-full: JDBC connect + first select", () -> firstSelect(tlsUrl));
      setup("TLS + SCRAM-SHA-256: JDBC connect + first select", () -> firstSelect(usersUrl));
    }
  }

  private interface Setup {
    void run() throws Exception;
  }

  private void setup(String name, Setup s) throws Exception {
    for (int i = 0; i < 20; i++) {
      s.run();
    }
    long[] took = new long[setups];
    for (int i = 0; i < setups; i++) {
      long start = System.nanoTime();
      s.run();
      took[i] = System.nanoTime() - start;
    }
    Arrays.sort(took);
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", name, took[setups / 2] / 1e6,
        took[(int) Math.min(setups - 1, Math.ceil(setups * 0.99) - 1)] / 1e6);
  }

  private static void firstSelect(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM bench WHERE id = 1")) {
      rs.next();
    }
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
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

  private LatencyRun.Result upsert(String name, String url, int n) throws Exception {
    List<Connection> conns = open(url, n);
    List<PreparedStatement> ps = new ArrayList<>();
    for (Connection c : conns) {
      ps.add(c.prepareStatement("UPSERT INTO bench VALUES (?, ?, ?)"));
    }
    try {
      return LatencyRun.run(name, n, warmup, seconds, (t, i) -> {
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

  private LatencyRun.Result select(String name, String url, int n) throws Exception {
    List<Connection> conns = open(url, n);
    List<PreparedStatement> ps = new ArrayList<>();
    for (Connection c : conns) {
      ps.add(c.prepareStatement("SELECT v, n FROM bench WHERE id = ?"));
    }
    try {
      return LatencyRun.run(name, n, warmup, seconds, (t, i) -> {
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

  private static List<Connection> open(String url, int n) throws SQLException {
    List<Connection> conns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      conns.add(DriverManager.getConnection(url));
    }
    return conns;
  }

  private static void close(List<Connection> conns) throws SQLException {
    for (Connection c : conns) {
      c.close();
    }
  }

  private static void printTable(List<LatencyRun.Result> results) {
    System.out.printf("%n| operation | connections | ops/s | p50 µs | p99 µs |%n|---|---|---|---|---|%n");
    for (LatencyRun.Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.1f |%n", r.name(), r.threads(),
          r.throughput(), r.p50Micros(), r.p99Micros());
    }
  }

  /** Runs the benchmark. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TlsBench()).execute(args));
  }
}
