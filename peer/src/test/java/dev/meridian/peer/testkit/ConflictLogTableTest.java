package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.storage.ConflictLog;
import dev.meridian.peer.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code MERIDIAN.CONFLICTS} on real regions: a true conflict (Dublin written while Boston was on
 * its way) leaves exactly one entry, a plain overwrite none, two peers per region log a loss
 * once (the backup does not merge again), a flood stays within the configured bound, and a
 * table with {@code conflict_log = off} logs nothing until it is switched back on.
 */
class ConflictLogTableTest {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";

  private static List<List<Object>> conflicts(Connection c) {
    try {
      return read(c);
    } catch (SQLException e) {
      throw new AssertionError("reading MERIDIAN.CONFLICTS failed", e);
    }
  }

  private static List<List<Object>> read(Connection c) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT OBSERVED_IN, TABLE_NAME, ROW_KEY, COLUMN_NAME, LOSING_VALUE, LOSING_REGION,"
            + " WINNING_REGION, WON_BY, LOSING_STAMP, WINNING_STAMP FROM MERIDIAN.CONFLICTS")) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Waits until this machine's clock has moved past {@code millis}, so a later write stamps higher. */
  private static void pastMillis(long millis) {
    Await.until("the clock to pass " + millis, Duration.ofSeconds(5),
        () -> System.currentTimeMillis() > millis + 1);
  }

  @Test
  void bostonLosingToDublinLeavesOneEntryAndAPlainOverwriteNone() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("conflicts-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults().peersPerRegion(2));
        Connection us = DriverManager.getConnection(c.jdbcUrl(US));
        Connection eu = DriverManager.getConnection(c.jdbcUrl(EU));
        Statement usSql = us.createStatement();
        Statement euSql = eu.createStatement()) {
      usSql.execute("CREATE TABLE users (id BIGINT PRIMARY KEY, city VARCHAR(20), n INT)");
      usSql.executeUpdate("UPSERT INTO users VALUES (1, 'Lisbon', 0)");
      usSql.executeUpdate("UPSERT INTO users VALUES (2, 'Oslo', 0)");
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));

      // Row 2: overwritten in another region after it arrived there: no conflict.
      euSql.executeUpdate("UPDATE users SET city = 'Bergen' WHERE id = 2");
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));

      // Row 1: Boston written in us-east-1, Dublin in eu-west-1 before Boston arrives.
      c.partition(US, EU);
      usSql.executeUpdate("UPDATE users SET city = 'Boston' WHERE id = 1");
      pastMillis(System.currentTimeMillis());
      euSql.executeUpdate("UPDATE users SET city = 'Dublin' WHERE id = 1");
      c.heal(US, EU);
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));
      try (ResultSet rs = usSql.executeQuery("SELECT city FROM users WHERE id = 1")) {
        assertTrue(rs.next());
        assertEquals("Dublin", rs.getString(1));
      }

      Await.until("eu-west-1 to show its conflict", Duration.ofSeconds(30),
          () -> !conflicts(eu).isEmpty());
      List<List<Object>> seen = conflicts(eu);
      assertEquals(1, seen.size(), seen.toString());
      List<Object> entry = seen.get(0);
      assertEquals(List.of(EU, "USERS", "1", "CITY", "Boston", US, EU, "value"),
          entry.subList(0, 8));
      assertTrue((Long) entry.get(8) < (Long) entry.get(9), "the loser's stamp is lower");
      // us-east-1 received Dublin after Boston: the newer value arrived and won there, which a
      // region cannot tell from a plain overwrite, so its log stays empty.
      assertEquals(List.of(), conflicts(us));

      assertEquals(1, c.peers(EU).stream().mapToLong(p -> ((ConflictLog) p.node().hazelcast()
          .getUserContext().get(ConflictLog.CONTEXT_KEY)).recorded()).sum(),
          "logged by the owner only, not again by the backup");
      // Through a publish period (a second) the entry stays single on both peers of eu-west-1.
      long at = System.currentTimeMillis();
      pastMillis(at + 1_500);
      assertEquals(seen, conflicts(eu));
    }
  }

  @Test
  void aFloodOfConflictsStaysWithinTheBound() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("conflict-flood-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults().conflictLogMaxEntries(20));
        Connection us = DriverManager.getConnection(c.jdbcUrl(US));
        Connection eu = DriverManager.getConnection(c.jdbcUrl(EU));
        Statement usSql = us.createStatement();
        Statement euSql = eu.createStatement()) {
      usSql.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(20))");
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));
      c.partition(US, EU);
      for (int i = 0; i < 200; i++) {
        usSql.executeUpdate("UPSERT INTO t VALUES (" + i + ", 'us" + i + "')");
      }
      pastMillis(System.currentTimeMillis());
      for (int i = 0; i < 200; i++) {
        euSql.executeUpdate("UPSERT INTO t VALUES (" + i + ", 'eu" + i + "')");
      }
      c.heal(US, EU);
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));
      Await.until("eu-west-1 to log the flood", Duration.ofSeconds(30),
          () -> conflicts(eu).size() == 20);
      List<List<Object>> kept = conflicts(eu);
      assertEquals(20, kept.size());
      assertTrue(kept.stream().allMatch(r -> ((String) r.get(4)).startsWith("us")), kept.toString());
    }
  }

  /** Writes rows {@code from..to-1} in us-east-1, then in eu-west-1, cut off from each other. */
  private static void conflictingWrites(EmbeddedCluster c, Statement usSql, Statement euSql,
      String table, int from, int to) throws Exception {
    c.partition(US, EU);
    for (int i = from; i < to; i++) {
      usSql.executeUpdate("UPSERT INTO " + table + " VALUES (" + i + ", 'us" + i + "')");
    }
    pastMillis(System.currentTimeMillis());
    for (int i = from; i < to; i++) {
      euSql.executeUpdate("UPSERT INTO " + table + " VALUES (" + i + ", 'eu" + i + "')");
    }
    c.heal(US, EU);
    assertTrue(c.awaitConverged(Duration.ofSeconds(60)));
  }

  @Test
  void aTableWithTheConflictLogOffLogsNothingUntilSwitchedOn() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("conflict-off-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults().peersPerRegion(2));
        Connection us = DriverManager.getConnection(c.jdbcUrl(US));
        Connection eu = DriverManager.getConnection(c.jdbcUrl(EU));
        Statement usSql = us.createStatement();
        Statement euSql = eu.createStatement()) {
      usSql.execute("CREATE TABLE quiet (id BIGINT PRIMARY KEY, v VARCHAR(20))"
          + " WITH (conflict_log = 'off')");
      usSql.execute("CREATE TABLE loud (id BIGINT PRIMARY KEY, v VARCHAR(20))");
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));
      conflictingWrites(c, usSql, euSql, "quiet", 0, 10);
      conflictingWrites(c, usSql, euSql, "loud", 0, 3);
      Await.until("eu-west-1 to log the loud table's conflicts", Duration.ofSeconds(30),
          () -> conflicts(eu).size() == 3);
      assertTrue(conflicts(eu).stream().allMatch(r -> r.get(1).equals("LOUD")),
          conflicts(eu).toString());

      usSql.execute("ALTER TABLE quiet SET (conflict_log = 'on')");
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)));
      try (ResultSet rs = euSql.executeQuery("SELECT CONFLICT_LOG FROM MERIDIAN.TABLES"
          + " WHERE TABLE_NAME = 'QUIET'")) {
        assertTrue(rs.next());
        assertEquals("on", rs.getString(1));
      }
      conflictingWrites(c, usSql, euSql, "quiet", 10, 12);
      Await.until("eu-west-1 to log the quiet table's conflicts once on", Duration.ofSeconds(30),
          () -> conflicts(eu).size() == 5);
      assertEquals(2, conflicts(eu).stream().filter(r -> r.get(1).equals("QUIET")).count(),
          conflicts(eu).toString());
    }
  }
}
