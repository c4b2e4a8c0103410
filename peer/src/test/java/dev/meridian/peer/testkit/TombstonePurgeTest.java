package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.testing.Await;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.protocol.types.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deleted rows are purged only once every region has their tombstone: never while a link is
 * down, and then everywhere, without the row coming back.
 */
class TombstonePurgeTest {

  private static long storedRows(EmbeddedCluster c, String region, String table) {
    RegionReplica r = c.peers(region).get(0).node().replica();
    long n = 0;
    for (TableSchema t : r.tables()) {
      if (t.name().equalsIgnoreCase(table)) {
        for (int p = 0; p < r.partitionCount(); p++) {
          n += r.scan(t.tableId(), p).size();
        }
      }
    }
    return n;
  }

  private static long tombstones(EmbeddedCluster c, String region) {
    RegionReplica r = c.peers(region).get(0).node().replica();
    long n = 0;
    for (TableSchema t : r.tables()) {
      for (int p = 0; p < r.partitionCount(); p++) {
        n += r.scan(t.tableId(), p).stream()
            .filter(row -> RowFormat.decode(row.row()).cellCount() == 0).count();
      }
    }
    return n;
  }

  @Test
  void tombstonesArePurgedOnlyAfterEveryRegionHasThem() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("purge-" + System.nanoTime(),
        List.of("us-east-1", "eu-west-1"), EmbeddedCluster.Options.defaults().tombstoneGraceMs(0));
        Connection us = DriverManager.getConnection(c.jdbcUrl("us-east-1"));
        Statement s = us.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
      for (int i = 0; i < 20; i++) {
        s.executeUpdate("UPSERT INTO t VALUES (" + i + ", " + i + ")");
      }
      assertTrue(c.awaitConverged(Duration.ofSeconds(30)));
      c.partition("us-east-1", "eu-west-1");
      for (int i = 0; i < 10; i++) {
        assertEquals(1, s.executeUpdate("DELETE FROM t WHERE id = " + i));
      }
      // eu-west-1 never got these deletes: us-east-1 must keep the tombstones through at least
      // two purge checks (one a second with no grace).
      dev.meridian.peer.internal.replication.Replicator usLinks =
          c.peers("us-east-1").get(0).node().replicator();
      long checks = usLinks.purgeChecks();
      Await.until("two purge checks in us-east-1", Duration.ofSeconds(30),
          () -> usLinks.purgeChecks() >= checks + 2);
      assertEquals(10, tombstones(c, "us-east-1"), "purged while a region lacked them");
      c.heal("us-east-1", "eu-west-1");
      Await.until("the tombstones to be purged everywhere", Duration.ofSeconds(30),
          () -> tombstones(c, "us-east-1") == 0 && tombstones(c, "eu-west-1") == 0);
      assertEquals(0, tombstones(c, "us-east-1"));
      assertEquals(0, tombstones(c, "eu-west-1"));
      assertEquals(10, storedRows(c, "us-east-1", "T"));
      assertEquals(10, storedRows(c, "eu-west-1", "T"));
      assertTrue(c.awaitConverged(Duration.ofSeconds(30)));
      try (Connection eu = DriverManager.getConnection(c.jdbcUrl("eu-west-1"));
          Statement e = eu.createStatement();
          ResultSet rs = e.executeQuery("SELECT v FROM t WHERE id = 3")) {
        assertFalse(rs.next(), "a purged delete came back");
      }
    }
  }
}
