package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three regions in one JVM: writes in each reach the others; a partition heals to one answer. */
class EmbeddedClusterTest {
  private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1");
  private static EmbeddedCluster cluster;

  @BeforeAll
  static void start() {
    cluster = EmbeddedCluster.start("kit-" + System.nanoTime(), REGIONS,
        EmbeddedCluster.Options.defaults().wanLatencyMs(5));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String city(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT city FROM players WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Records shipped per target by the links of the connection's region, all of them up. */
  private static java.util.Map<String, Long> senderRecords(Connection c) {
    java.util.Map<String, Long> records = new java.util.TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT from_region, to_region, state, records FROM meridian.replication_links"
            + " WHERE measured_at = 'sender' ORDER BY to_region")) {
      while (rs.next()) {
        assertEquals("eu-west-1", rs.getString(1));
        assertEquals("up", rs.getString(3));
        records.put(rs.getString(2), rs.getLong(4));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return records;
  }

  @Test
  void writesInEveryRegionConvergeAndPartitionsHealToOneAnswer() throws Exception {
    try (Connection us = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"));
        Connection eu = DriverManager.getConnection(cluster.jdbcUrl("eu-west-1"));
        Connection ap = DriverManager.getConnection(cluster.jdbcUrl("ap-southeast-1"))) {
      try (Statement s = us.createStatement()) {
        s.execute("CREATE TABLE players (id BIGINT PRIMARY KEY, city VARCHAR(40), score INT)");
      }
      assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "catalog converged");
      Connection[] all = {us, eu, ap};
      for (int i = 0; i < 300; i++) {
        try (PreparedStatement ps = all[i % 3].prepareStatement(
            "UPSERT INTO players (id, city, score) VALUES (?, ?, ?)")) {
          ps.setLong(1, i);
          ps.setString(2, "city-" + i);
          ps.setInt(3, i);
          ps.executeUpdate();
        }
      }
      assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "rows converged");
      for (Connection c : all) {
        assertEquals("city-7", city(c, 7));
        assertEquals("city-299", city(c, 299));
      }

      cluster.partition("us-east-1", "eu-west-1");
      try (Statement s = us.createStatement()) {
        s.executeUpdate("UPDATE players SET city = 'Boston' WHERE id = 1");
      }
      // Dublin is written later: once eu-west-1's clock has passed Boston's stamp.
      long boston = cluster.peers("us-east-1").get(0).node().clock().current();
      Await.until("eu-west-1's clock to pass Boston's stamp", Duration.ofSeconds(10),
          () -> cluster.peers("eu-west-1").get(0).node().clock().current() > boston);
      try (Statement s = eu.createStatement()) {
        s.executeUpdate("UPDATE players SET city = 'Dublin' WHERE id = 1");
      }
      cluster.heal("us-east-1", "eu-west-1");
      assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "healed");
      for (Connection c : all) {
        assertEquals("Dublin", city(c, 1));
      }
      // The links' figures, by SQL from any connection.
      Await.until("eu-west-1's links to report their records", Duration.ofSeconds(30), () -> {
        java.util.Map<String, Long> r = senderRecords(eu);
        return r.size() == 2 && r.getOrDefault("us-east-1", 0L) >= 100;
      });
      java.util.Map<String, Long> records = senderRecords(eu);
      assertEquals(java.util.Set.of("ap-southeast-1", "us-east-1"), records.keySet());
      assertTrue(records.get("us-east-1") >= 100, records.toString());
      try (Statement s = ap.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT region, state FROM meridian.regions WHERE role = 'local'")) {
        assertTrue(rs.next());
        assertEquals("ap-southeast-1", rs.getString(1));
        assertEquals("serving", rs.getString(2));
      }
    }
  }

  @Test
  void aRegionRestartedEmptyIsBackfilledBeforeItServes() throws Exception {
    try (Connection us = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"))) {
      try (Statement s = us.createStatement()) {
        s.execute("CREATE TABLE scores (id BIGINT PRIMARY KEY, score INT)");
      }
      assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "catalog converged");
      cluster.stopRegion("ap-southeast-1");
      try (PreparedStatement ps = us.prepareStatement("UPSERT INTO scores VALUES (?, ?)")) {
        for (int i = 0; i < 2000; i++) {
          ps.setLong(1, i);
          ps.setInt(2, i * 3);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      cluster.startRegion("ap-southeast-1");
      assertTrue(cluster.awaitServing("ap-southeast-1", Duration.ofSeconds(60)),
          cluster.backfillStatus("ap-southeast-1"));
      try (Connection ap = DriverManager.getConnection(cluster.jdbcUrl("ap-southeast-1"));
          PreparedStatement ps = ap.prepareStatement("SELECT score FROM scores WHERE id = ?")) {
        for (int i = 0; i < 2000; i += 97) {
          ps.setLong(1, i);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "row " + i + " backfilled");
            assertEquals(i * 3, rs.getInt(1));
          }
        }
      }
      assertTrue(cluster.awaitConverged(Duration.ofSeconds(60)), "converged after backfill");
      javax.management.MBeanServer jmx =
          java.lang.management.ManagementFactory.getPlatformMBeanServer();
      assertTrue(!jmx.queryNames(new javax.management.ObjectName(
          "dev.meridian:type=ReplicationLink,from=us-east-1,to=ap-southeast-1,*"), null).isEmpty());
    }
  }
  @Test
  void aRegionRestartedEmptyGetsBackTheRowsItHadWrittenItself() throws Exception {
    // Its own rows are in the other regions' storage but in none of their journals (a journal
    // ships only its own region's writes), so only repair can bring them back.
    try (Connection ap = DriverManager.getConnection(cluster.jdbcUrl("ap-southeast-1"))) {
      try (Statement s = ap.createStatement()) {
        s.execute("CREATE TABLE own_rows (id BIGINT PRIMARY KEY, score INT)");
      }
      try (PreparedStatement ps = ap.prepareStatement("UPSERT INTO own_rows VALUES (?, ?)")) {
        for (int i = 0; i < 500; i++) {
          ps.setLong(1, i);
          ps.setInt(2, i * 7);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "rows reached every region");
    cluster.stopRegion("ap-southeast-1");
    cluster.startRegion("ap-southeast-1");
    assertTrue(cluster.awaitServing("ap-southeast-1", Duration.ofSeconds(60)),
        cluster.backfillStatus("ap-southeast-1"));
    try (Connection ap = DriverManager.getConnection(cluster.jdbcUrl("ap-southeast-1"));
        PreparedStatement ps = ap.prepareStatement("SELECT score FROM own_rows WHERE id = ?")) {
      for (int i = 0; i < 500; i += 7) {
        ps.setLong(1, i);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next(), "row " + i + " written in ap-southeast-1 came back to it");
          assertEquals(i * 7, rs.getInt(1));
        }
      }
    }
    assertTrue(cluster.awaitConverged(Duration.ofSeconds(60)), "converged after backfill");
  }
  @Test
  void aLinkDoesNotShipOldChangesAgainAfterAReadThatFoundNothing() throws Exception {
    // Hazelcast answers a journal read that finds nothing new with "next sequence 0"; a link
    // that took that as its position read the partition again from its start on the next
    // change and shipped everything in it a second time.
    try (Connection us = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"))) {
      try (Statement s = us.createStatement()) {
        s.execute("CREATE TABLE reread (id BIGINT PRIMARY KEY, score INT)");
      }
      assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "catalog converged");
      try (PreparedStatement ps = us.prepareStatement("UPSERT INTO reread VALUES (?, ?)")) {
        for (int i = 0; i < 2000; i++) {
          ps.setLong(1, i);
          ps.setInt(2, 0);
          ps.addBatch();
        }
        ps.executeBatch();
        assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "batch converged");
        long before = shipped("us-east-1", "eu-west-1");
        for (int i = 0; i < 100; i++) {
          ps.setLong(1, i * 17L);
          ps.setInt(2, 1);
          ps.executeUpdate();
        }
        assertTrue(cluster.awaitConverged(Duration.ofSeconds(30)), "updates converged");
        long updates = shipped("us-east-1", "eu-west-1") - before;
        assertTrue(updates >= 100 && updates < 200,
            updates + " records shipped for 100 single-row updates");
      }
    }
  }

  private static long shipped(String from, String to) {
    return cluster.peers(from).stream()
        .mapToLong(p -> p.node().replicator().stats(to).snapshot().recordsSent()).sum();
  }
}
