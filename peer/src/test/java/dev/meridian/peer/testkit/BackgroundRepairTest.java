package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes of a region that died after they reached only one other region still reach the rest:
 * links ship only a region's own writes, so background anti-entropy must carry them.
 */
class BackgroundRepairTest {

  private static int count(Connection c, int keys) {
    int n = 0;
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < keys; i++) {
        try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = " + i)) {
          n += rs.next() ? 1 : 0;
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return n;
  }

  @Test
  void aDeadRegionsWritesThatReachedOneRegionReachTheOthers() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("bg-" + System.nanoTime(),
        List.of("us-east-1", "eu-west-1", "ap-southeast-1"),
        EmbeddedCluster.Options.defaults().antiEntropyIntervalMs(1_000))) {
      try (Connection us = DriverManager.getConnection(c.jdbcUrl("us-east-1"));
          Statement s = us.createStatement()) {
        s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
        assertTrue(c.awaitConverged(Duration.ofSeconds(30)));
        c.pauseLink("us-east-1", "ap-southeast-1");
        for (int i = 0; i < 50; i++) {
          s.executeUpdate("UPSERT INTO t VALUES (" + i + ", " + i + ")");
        }
      }
      // Wait until eu-west-1 has all 50, then us-east-1 dies with its data.
      try (Connection eu = DriverManager.getConnection(c.jdbcUrl("eu-west-1"))) {
        Await.until("eu-west-1 to hold all 50 rows", Duration.ofSeconds(30),
            () -> count(eu, 50) == 50);
        assertEquals(50, count(eu, 50));
      }
      c.stopRegion("us-east-1");
      assertTrue(c.awaitConverged(Duration.ofSeconds(60)), "eu-west-1 and ap-southeast-1 agree");
      try (Connection ap = DriverManager.getConnection(c.jdbcUrl("ap-southeast-1"))) {
        assertEquals(50, count(ap, 50));
      }
    }
  }
}
