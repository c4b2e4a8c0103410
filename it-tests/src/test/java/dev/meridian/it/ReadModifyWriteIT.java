package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-modify-write on real peer processes: JPA's version check and {@code n = n + 1} from
 * eight connections end exact; a false condition writes nothing; a COUNTER incremented in three
 * regions at once, with one region cut off in the middle, converges everywhere to the sum of
 * every acknowledged increment.
 */
class ReadModifyWriteIT {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";
  private static final String AP = "ap-southeast-1";
  private static final int WRITERS = 8;
  private static Regions regions;

  @BeforeAll
  static void startRegions() throws SQLException {
    Path dir = Path.of("target", "it-runs", "ReadModifyWriteIT-" + System.currentTimeMillis());
    regions = Regions.builder(dir).regions(US, EU, AP).peersPerRegion(1).proxiedLinks(true)
        .build();
    regions.startAll();
    try (Connection c = DriverManager.getConnection(regions.jdbcUrl(US));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, balance BIGINT, ver INT,"
          + " hits COUNTER)");
    }
    for (String r : regions.regions()) {
      Deadline.await("table acct in " + r, Duration.ofSeconds(60), () -> {
        try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(r));
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT balance FROM acct WHERE id = -1")) {
          return !rs.next();
        } catch (SQLException e) {
          return false;
        }
      });
    }
  }

  @AfterAll
  static void stopRegions() {
    if (regions != null) {
      regions.close();
    }
  }

  @Test
  void versionChecksAndIncrementsFromEightConnectionsAreExact() throws Exception {
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO acct (id, balance, ver) VALUES (1, 0, 0)");
      s.executeUpdate("UPSERT INTO acct (id, balance, ver) VALUES (2, 0, 0)");
      assertEquals(0, s.executeUpdate("UPDATE acct SET balance = 99 WHERE id = 1 AND ver = 5"));
      assertEquals(0, s.executeUpdate("DELETE FROM acct WHERE id = 2 AND ver <> 0"));
    }
    int perWriter = 25;
    AtomicLong collisions = new AtomicLong();
    run(w -> {
      try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
          PreparedStatement read = c.prepareStatement("SELECT balance, ver FROM acct WHERE id = 1");
          PreparedStatement write = c.prepareStatement(
              "UPDATE acct SET balance = ?, ver = ? WHERE id = 1 AND ver = ?");
          PreparedStatement inc = c.prepareStatement(
              "UPDATE acct SET balance = balance + 1 WHERE id = 2")) {
        for (int done = 0; done < perWriter; ) {
          long balance;
          int ver;
          try (ResultSet rs = read.executeQuery()) {
            rs.next();
            balance = rs.getLong(1);
            ver = rs.getInt(2);
          }
          write.setLong(1, balance + 1);
          write.setInt(2, ver + 1);
          write.setInt(3, ver);
          if (write.executeUpdate() == 1) {
            done++;
          } else {
            collisions.incrementAndGet();
          }
          assertEquals(1, inc.executeUpdate());
        }
      }
    });
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, balance, ver FROM acct WHERE id IN (1, 2)")) {
      rs.next();
      assertEquals(WRITERS * perWriter, rs.getLong(2), "versioned balance");
      assertEquals(WRITERS * perWriter, rs.getInt(3), "version");
      rs.next();
      assertEquals(WRITERS * perWriter + collisions.get(), rs.getLong(2), "n = n + 1");
      assertEquals(1, s.executeUpdate("DELETE FROM acct WHERE id = 2 AND ver = 0"));
    }
    System.out.printf("ReadModifyWriteIT: %d version-check collisions among %d writers%n",
        collisions.get(), WRITERS);
    assertTrue(collisions.get() > 0, "eight writers never collided");
  }

  @Test
  void countersIncrementedInThreeRegionsAcrossAPartitionConvergeToTheSum() throws Exception {
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO acct (id, balance) VALUES (10, 0)");
    }
    for (String r : regions.regions()) {
      Deadline.await("row 10 in " + r, Duration.ofSeconds(60), () -> read(r, "balance") != null);
    }
    List<String> all = regions.regions();
    AtomicLong acknowledged = new AtomicLong();
    int perWriter = 40;
    run(w -> {
      String region = all.get(w % all.size());
      try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(region));
          PreparedStatement ps = c.prepareStatement(
              "UPDATE acct SET hits = hits + ? WHERE id = 10")) {
        for (int i = 0; i < perWriter; i++) {
          if (w == 0 && i == perWriter / 4) {
            regions.cut(AP);
          }
          if (w == 0 && i == 3 * perWriter / 4) {
            regions.heal(AP);
          }
          long delta = i % 4 == 0 ? -3 : w + 1;
          ps.setLong(1, delta);
          assertEquals(1, ps.executeUpdate());
          acknowledged.addAndGet(delta);
        }
      }
    });
    regions.heal(AP);
    for (String r : all) {
      Deadline.await("counter in " + r + " = " + acknowledged.get(), Duration.ofSeconds(120),
          () -> Long.valueOf(acknowledged.get()).equals(read(r, "hits")));
    }
    System.out.printf("ReadModifyWriteIT: counter converged to %d in every region%n",
        acknowledged.get());
  }

  private static Long read(String region, String column) {
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(region));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + column + " FROM acct WHERE id = 10")) {
      if (!rs.next()) {
        return null;
      }
      long v = rs.getLong(1);
      return rs.wasNull() ? Long.valueOf(0) : v;
    } catch (SQLException e) {
      return null;
    }
  }

  private interface Writer {
    void run(int writer) throws Exception;
  }

  private static void run(Writer writer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        done.add(pool.submit(() -> {
          writer.run(id);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
