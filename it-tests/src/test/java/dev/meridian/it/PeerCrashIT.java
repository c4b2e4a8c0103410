package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.Deadline;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.RegionProcesses;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of one peer of a two-peer region while clients write: every write the driver
 * acknowledged is still readable afterwards, with the value acknowledged last.
 */
class PeerCrashIT {
  private static final int WRITERS = 4;

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesAKilledPeer() throws Exception {
    try (RegionProcesses region = RegionProcesses.start(dir, "eu-west-1", 2)) {
      PeerProcess victim = region.peers().get(0);
      // Half the writers talk to the victim first, so the kill also breaks live connections.
      String victimFirst = region.jdbcUrl(region.peers());
      String survivorFirst = region.jdbcUrl(List.of(region.peers().get(1), victim));
      try (Connection c = DriverManager.getConnection(victimFirst); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE ledger (writer INTEGER, seq INTEGER, amount BIGINT, PRIMARY KEY (writer, seq))");
      }

      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      AtomicInteger failures = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> writers = new java.util.ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        String url = w % 2 == 0 ? victimFirst : survivorFirst;
        writers.add(pool.submit(() -> write(url, writer, acknowledged, failures, stop)));
      }
      Deadline.await("500 acknowledged writes before the kill", Duration.ofSeconds(60),
          () -> acknowledged.size() >= 500);
      victim.kill();
      assertFalse(victim.isAlive());
      int atKill = acknowledged.size();
      Deadline.await("writes to go on after the kill", Duration.ofSeconds(90),
          () -> acknowledged.size() >= atKill + 500);
      stop.set(true);
      for (Future<?> f : writers) {
        f.get();
      }
      pool.shutdown();

      String survivor = region.jdbcUrl(List.of(region.peers().get(1)));
      try (Connection c = DriverManager.getConnection(survivor);
          PreparedStatement q = c.prepareStatement("SELECT amount FROM ledger WHERE writer = ? AND seq = ?")) {
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
          String[] key = e.getKey().split(":");
          q.setInt(1, Integer.parseInt(key[0]));
          q.setInt(2, Integer.parseInt(key[1]));
          try (ResultSet rs = q.executeQuery()) {
            assertTrue(rs.next(), "acknowledged write " + e.getKey() + " is lost");
            assertEquals(e.getValue(), rs.getLong(1), "write " + e.getKey());
          }
        }
      }
      System.out.printf("acknowledged %d writes (%d before the kill), %d failed calls retried%n",
          acknowledged.size(), atKill, failures.get());
    }
  }

  /**
   * Writes rows in sequence; a write that fails is retried with the same value (UPSERT is
   * idempotent), and only a write the driver confirmed is recorded as acknowledged.
   */
  private static Void write(String url, int writer, Map<String, Long> acknowledged,
      AtomicInteger failures, AtomicBoolean stop) throws InterruptedException {
    Connection c = null;
    int seq = 0;
    while (!stop.get()) {
      try {
        if (c == null || c.isClosed()) {
          c = DriverManager.getConnection(url + "&connectTimeout=2000");
        }
        try (PreparedStatement p = c.prepareStatement("UPSERT INTO ledger VALUES (?, ?, ?)")) {
          long amount = seq * 10L + writer;
          p.setInt(1, writer);
          p.setInt(2, seq);
          p.setLong(3, amount);
          assertEquals(1, p.executeUpdate());
          acknowledged.put(writer + ":" + seq, amount);
          seq++;
        }
      } catch (SQLException e) {
        failures.incrementAndGet();
        if (e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
          throw new AssertionError("unexpected failure", e);
        }
        try {
          if (c != null) {
            c.close();
          }
        } catch (SQLException ignored) {
          // closing a broken connection
        }
        c = null;
      }
    }
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // done
    }
    return null;
  }
}
