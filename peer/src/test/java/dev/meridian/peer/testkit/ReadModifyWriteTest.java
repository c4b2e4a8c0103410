package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-modify-write statements from many connections at once, in one region of two peers and
 * across three regions: every acknowledged update is in the final value, exactly.
 */
class ReadModifyWriteTest {
  private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1");
  private static final int WRITERS = 8;
  private static EmbeddedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start("rmw-" + System.nanoTime(), REGIONS,
        EmbeddedCluster.Options.defaults().peersPerRegion(2).wanLatencyMs(5));
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, balance BIGINT, ver INT)");
      s.execute("CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT, hits COUNTER,"
          + " label VARCHAR(20))");
    }
    assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "catalog converged");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Connection connect(String region) throws SQLException {
    return DriverManager.getConnection(cluster.localJdbcUrl(region));
  }

  /** JPA's @Version pattern: read, then write only if the version is still the one read. */
  @Test
  void optimisticVersionCheckLosesNoUpdate() throws Exception {
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO acct (id, balance, ver) VALUES (1, 0, 0)");
    }
    int perWriter = 40;
    int[] conflicts = new int[WRITERS];
    runConcurrently(w -> {
      try (Connection c = connect("us-east-1");
          PreparedStatement read = c.prepareStatement("SELECT balance, ver FROM acct WHERE id = 1");
          PreparedStatement write = c.prepareStatement(
              "UPDATE acct SET balance = ?, ver = ? WHERE id = ? AND ver = ?")) {
        int done = 0;
        while (done < perWriter) {
          long balance;
          int ver;
          try (ResultSet rs = read.executeQuery()) {
            rs.next();
            balance = rs.getLong(1);
            ver = rs.getInt(2);
          }
          write.setLong(1, balance + 1);
          write.setInt(2, ver + 1);
          write.setLong(3, 1);
          write.setInt(4, ver);
          if (write.executeUpdate() == 1) {
            done++;
          } else {
            conflicts[w]++;
          }
        }
      }
      return null;
    });
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT balance, ver FROM acct WHERE id = 1")) {
      rs.next();
      assertEquals(WRITERS * perWriter, rs.getLong(1), "balance");
      assertEquals(WRITERS * perWriter, rs.getInt(2), "version");
    }
    int total = 0;
    for (int x : conflicts) {
      total += x;
    }
    // Eight writers on one row must have collided; otherwise the check was never exercised.
    assertTrue(total > 0, "no version check ever failed");
  }

  @Test
  void computedIncrementsFromManyConnectionsAreExact() throws Exception {
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO counters (id, n, label) VALUES (1, 0, 'a')");
    }
    int perWriter = 50;
    runConcurrently(w -> {
      try (Connection c = connect("us-east-1"); PreparedStatement ps = c.prepareStatement(
          "UPDATE counters SET n = n + 1, hits = hits + ? WHERE id = ?")) {
        for (int i = 0; i < perWriter; i++) {
          ps.setInt(1, w + 1);
          ps.setLong(2, 1);
          assertEquals(1, ps.executeUpdate());
        }
      }
      return null;
    });
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n, hits FROM counters WHERE id = 1")) {
      rs.next();
      assertEquals(WRITERS * perWriter, rs.getLong(1));
      assertEquals(perWriter * (WRITERS * (WRITERS + 1) / 2), rs.getLong(2));
    }
  }

  @Test
  void conditionsExpressionsAndErrors() throws Exception {
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO acct (id, balance, ver) VALUES (10, 100, 3)");
      assertEquals(0, s.executeUpdate("UPDATE acct SET balance = 0 WHERE id = 10 AND ver = 2"));
      assertEquals(0, s.executeUpdate("UPDATE acct SET balance = 0 WHERE id = 11 AND ver = 3"));
      assertEquals(1, s.executeUpdate("UPDATE acct SET balance = CASE WHEN balance > 50"
          + " THEN balance * 2 ELSE 0 END, ver = COALESCE(ver, 0) + 1 WHERE id = 10"));
      try (ResultSet rs = s.executeQuery("SELECT balance, ver FROM acct WHERE id = 10")) {
        rs.next();
        assertEquals(200, rs.getLong(1));
        assertEquals(4, rs.getInt(2));
      }
      assertEquals(0, s.executeUpdate("DELETE FROM acct WHERE id = 10 AND ver = 3"));
      assertEquals(1, s.executeUpdate("DELETE FROM acct WHERE id = 10 AND ver = 4"));
      try (ResultSet rs = s.executeQuery("SELECT balance FROM acct WHERE id = 10")) {
        assertTrue(!rs.next(), "deleted");
      }
      s.executeUpdate("UPSERT INTO acct (id, balance, ver) VALUES (12, 1, 1)");
      SQLException div = assertThrows(SQLException.class,
          () -> s.executeUpdate("UPDATE acct SET balance = balance / 0 WHERE id = 12"));
      assertEquals("22012", div.getSQLState());
      SQLException counter = assertThrows(SQLException.class,
          () -> s.executeUpdate("UPDATE counters SET hits = 5 WHERE id = 1"));
      assertEquals("42809", counter.getSQLState());
      SQLException insert = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO counters (id, hits) VALUES (9, 1)"));
      assertEquals("42809", insert.getSQLState());
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE acct SET balance = balance + ? WHERE id IN (12, 13) AND ver >= ?")) {
        ps.setLong(1, 5);
        ps.setInt(2, 1);
        assertEquals(1, ps.executeUpdate());
      }
      try (ResultSet rs = s.executeQuery("SELECT balance FROM acct WHERE id = 12")) {
        rs.next();
        assertEquals(6, rs.getLong(1));
      }
    }
  }

  /**
   * A counter incremented in three regions at once, with one region cut off in the middle: once
   * healed, every region reads the sum of every acknowledged increment.
   */
  @Test
  void countersIncrementedInThreeRegionsAcrossAPartitionConverge() throws Exception {
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO counters (id, label) VALUES (2, 'global')");
    }
    assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)));
    int perWriter = 30;
    long[] acknowledged = new long[WRITERS];
    runConcurrently(w -> {
      String region = REGIONS.get(w % REGIONS.size());
      try (Connection c = connect(region); PreparedStatement ps = c.prepareStatement(
          "UPDATE counters SET hits = hits + ? WHERE id = 2")) {
        for (int i = 0; i < perWriter; i++) {
          if (w == 0 && i == perWriter / 3) {
            cluster.partition("ap-southeast-1", "us-east-1");
            cluster.partition("ap-southeast-1", "eu-west-1");
          }
          if (w == 0 && i == 2 * perWriter / 3) {
            cluster.healAll();
          }
          long delta = (i % 3 == 0) ? -(w + 1) : (w + 2);
          ps.setLong(1, delta);
          assertEquals(1, ps.executeUpdate());
          acknowledged[w] += delta;
        }
      }
      return null;
    });
    cluster.healAll();
    long expected = 0;
    for (long a : acknowledged) {
      expected += a;
    }
    assertTrue(cluster.awaitConverged(Duration.ofSeconds(60)), "regions converged");
    for (String region : REGIONS) {
      try (Connection c = connect(region); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT hits FROM counters WHERE id = 2")) {
        rs.next();
        assertEquals(expected, rs.getLong(1), region);
      }
    }
  }

  /**
   * A scan UPDATE (no key in the WHERE) finds its rows first, then each row's owner checks the
   * WHERE again and computes the value in the write step: concurrent scan increments are exact,
   * and a row that stopped matching between the scan and its write is not written.
   */
  @Test
  void scanUpdatesRecheckTheirConditionAndLoseNoIncrement() throws Exception {
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      for (int id = 20; id < 25; id++) {
        s.executeUpdate("UPSERT INTO counters (id, n, label) VALUES (" + id + ", 0, 'scan')");
      }
    }
    int perWriter = 20;
    runConcurrently(w -> {
      try (Connection c = connect("us-east-1"); PreparedStatement ps = c.prepareStatement(
          "UPDATE counters SET n = n + 1, hits = hits + 1 WHERE label = ? AND n >= 0")) {
        for (int i = 0; i < perWriter; i++) {
          ps.setString(1, "scan");
          assertEquals(5, ps.executeUpdate());
        }
      }
      return null;
    });
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, n, hits FROM counters WHERE label = 'scan'")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        assertEquals(WRITERS * perWriter, rs.getLong(2), "n of row " + rs.getLong(1));
        assertEquals(WRITERS * perWriter, rs.getLong(3), "hits of row " + rs.getLong(1));
      }
      assertEquals(5, rows);
      // The row changes between a scan and a write: the recheck on the owner refuses it.
      assertEquals(0, s.executeUpdate("UPDATE counters SET n = n + 1 WHERE label = 'scan'"
          + " AND n < 0"));
    }
  }

  @Test
  void batchesOfIncrementsArePipelinedAndExact() throws Exception {
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement()) {
      for (int id = 30; id < 40; id++) {
        s.executeUpdate("UPSERT INTO counters (id, n, label) VALUES (" + id + ", 0, 'batch')");
      }
    }
    runConcurrently(w -> {
      try (Connection c = connect("us-east-1"); PreparedStatement ps = c.prepareStatement(
          "UPDATE counters SET hits = hits + ?, n = n + 1 WHERE id = ? AND label = 'batch'")) {
        for (int round = 0; round < 5; round++) {
          for (int id = 30; id < 40; id++) {
            ps.setLong(1, id);
            ps.setLong(2, id);
            ps.addBatch();
          }
          ps.setLong(1, 1);
          ps.setLong(2, 99); // absent: counts 0
          ps.addBatch();
          int[] counts = ps.executeBatch();
          assertEquals(11, counts.length);
          for (int i = 0; i < 10; i++) {
            assertEquals(1, counts[i]);
          }
          assertEquals(0, counts[10]);
        }
      }
      return null;
    });
    try (Connection c = connect("us-east-1"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, n, hits FROM counters WHERE label = 'batch'")) {
      while (rs.next()) {
        assertEquals(WRITERS * 5, rs.getLong(2));
        assertEquals(WRITERS * 5 * rs.getLong(1), rs.getLong(3));
      }
    }
  }

  /** DELETE resets a counter: increments stamped after it count from zero. */
  @Test
  void deleteResetsACounter() throws Exception {
    try (Connection c = connect("eu-west-1"); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO counters (id, label) VALUES (3, 'x')");
      assertEquals(1, s.executeUpdate("UPDATE counters SET hits = hits + 7 WHERE id = 3"));
      assertEquals(1, s.executeUpdate("DELETE FROM counters WHERE id = 3"));
      assertEquals(0, s.executeUpdate("UPDATE counters SET hits = hits + 1 WHERE id = 3"));
      s.executeUpdate("UPSERT INTO counters (id, label) VALUES (3, 'y')");
      try (ResultSet rs = s.executeQuery("SELECT hits, label FROM counters WHERE id = 3")) {
        rs.next();
        rs.getLong(1);
        assertTrue(rs.wasNull(), "a counter reads NULL until its first increment after a DELETE");
      }
      assertEquals(1, s.executeUpdate("UPDATE counters SET hits = hits + 2 WHERE id = 3"));
      try (ResultSet rs = s.executeQuery("SELECT hits FROM counters WHERE id = 3")) {
        rs.next();
        assertEquals(2, rs.getLong(1));
      }
    }
    assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)));
    for (String region : REGIONS) {
      try (Connection c = connect(region); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT hits FROM counters WHERE id = 3")) {
        rs.next();
        assertEquals(2, rs.getLong(1), region);
      }
    }
  }

  private interface Writer {
    Void run(int writer) throws Exception;
  }

  private static void runConcurrently(Writer writer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        done.add(pool.submit((Callable<Void>) () -> writer.run(id)));
      }
      for (Future<Void> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
