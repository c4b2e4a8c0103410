package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.meridian.testing.AckLedger;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of one peer of a two-peer region while clients write: every write the driver
 * acknowledged is still readable afterwards, with the value acknowledged last. Every write goes
 * into an {@link AckLedger} (a value unique to it; a write whose answer never came as maybe
 * applied), checked against the whole table at the end.
 */
class PeerCrashIT {
  private static final int WRITERS = 4;
  private static final String REGION = "eu-west-1";
  private static final long KEYS_PER_WRITER = 1_000_000;

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesAKilledPeer() throws Exception {
    try (RegionProcesses region = RegionProcesses.start(dir, REGION, 2)) {
      PeerProcess victim = region.peers().get(0);
      // Half the writers talk to the victim first, so the kill also breaks live connections.
      String victimFirst = region.jdbcUrl(region.peers());
      String survivorFirst = region.jdbcUrl(List.of(region.peers().get(1), victim));
      try (Connection c = DriverManager.getConnection(victimFirst); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE ledger (writer INTEGER, seq INTEGER, amount BIGINT, PRIMARY KEY (writer, seq))");
      }

      AckLedger ledger = new AckLedger();
      AtomicInteger failures = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> writers = new java.util.ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        String url = w % 2 == 0 ? victimFirst : survivorFirst;
        writers.add(pool.submit(() -> write(url, writer, ledger, failures, stop)));
      }
      Deadline.await("500 acknowledged writes before the kill", Duration.ofSeconds(60),
          () -> ledger.acknowledgedCount() >= 500);
      victim.kill();
      assertFalse(victim.isAlive());
      long atKill = ledger.acknowledgedCount();
      Deadline.await("writes to go on after the kill", Duration.ofSeconds(90),
          () -> ledger.acknowledgedCount() >= atKill + 500);
      stop.set(true);
      for (Future<?> f : writers) {
        f.get();
      }
      pool.shutdown();

      String survivor = region.jdbcUrl(List.of(region.peers().get(1)));
      Map<Long, Long> held = new HashMap<>();
      try (Connection c = DriverManager.getConnection(survivor); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT writer, seq, amount FROM ledger")) {
        while (rs.next()) {
          held.put(rs.getInt(1) * KEYS_PER_WRITER + rs.getInt(2), rs.getLong(3));
        }
      }
      ledger.phantomIfAsked(REGION, WRITERS * KEYS_PER_WRITER, -1);
      ledger.assertHolds(REGION, held);
      System.out.printf("acknowledged %d writes (%d before the kill), %d failed calls retried%n",
          ledger.acknowledgedCount(), atKill, failures.get());
    }
  }

  /**
   * Writes rows in sequence; a write that fails is retried with the same value (UPSERT is
   * idempotent), and only a write the driver confirmed is recorded as acknowledged.
   */
  private static Void write(String url, int writer, AckLedger ledger,
      AtomicInteger failures, AtomicBoolean stop) throws InterruptedException {
    Connection c = null;
    int seq = 0;
    while (!stop.get()) {
      AckLedger.Pending pending = null;
      try {
        if (c == null || c.isClosed()) {
          c = DriverManager.getConnection(url + "&connectTimeout=2000");
        }
        try (PreparedStatement p = c.prepareStatement("UPSERT INTO ledger VALUES (?, ?, ?)")) {
          long amount = seq * 10L + writer;
          p.setInt(1, writer);
          p.setInt(2, seq);
          p.setLong(3, amount);
          pending = ledger.begin(writer * KEYS_PER_WRITER + seq, amount);
          assertEquals(1, p.executeUpdate());
          pending.acknowledged(REGION);
          seq++;
        }
      } catch (SQLException e) {
        if (pending != null) {
          pending.unknown();
        }
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
