package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.replication.LinkStats;
import dev.meridian.peer.internal.replication.Replicator;
import dev.meridian.peer.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A region restarted empty gets its own rows back by backfill and ships them on with their
 * original commit times: they count as re-shipped (link figures, {@code REPLICATION_LINKS},
 * meters) and stay out of the lag; a write made after the restart is lag again.
 *
 * <p>Whether a backfilled row is re-shipped depends on whether it lands in the restarted
 * region's journal before or after its link took its starting position; to make it land after,
 * the backfill (eu-west-1 to us-east-1) is held back until us-east-1's link to eu-west-1 has
 * caught up.
 */
class ReshippedLagTest {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";
  private static final int ROWS = 40;

  @Test
  void rowsBackFromBackfillAreReshippedNotLag() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("reship-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults().metrics(true))) {
      try (Connection us = DriverManager.getConnection(c.jdbcUrl(US));
          Statement s = us.createStatement()) {
        s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
        for (int i = 0; i < ROWS; i++) {
          s.executeUpdate("UPSERT INTO t VALUES (" + i + ", " + i + ")");
        }
      }
      assertTrue(c.awaitConverged(Duration.ofSeconds(30)));
      c.pauseLink(EU, US);
      c.stopRegion(US);
      c.startRegion(US);
      Replicator links = c.peers(US).get(0).node().replicator();
      Await.until("us-east-1 to know table T", Duration.ofSeconds(30), () -> c.peers(US).get(0)
          .node().replica().tables().stream().anyMatch(t -> t.name().equalsIgnoreCase("T")));
      long known = System.currentTimeMillis();
      Await.until("us-east-1's link to catch up after it knew T", Duration.ofSeconds(30),
          () -> links.shippedThroughMillis(EU) > known + 2_000);
      c.resumeLink(EU, US);
      assertTrue(c.awaitServing(US, Duration.ofSeconds(60)), "us-east-1 backfilled");

      LinkStats link = links.stats(EU);
      Await.until(ROWS + " re-shipped records acknowledged", Duration.ofSeconds(30),
          () -> link.snapshot().reshipped() >= ROWS);
      assertEquals(ROWS, link.snapshot().reshipped(), link.snapshot().toString());
      assertEquals(0, link.snapshot().lagSamples(), "re-shipped records kept out of the lag");

      try (Connection us = DriverManager.getConnection(c.jdbcUrl(US));
          Statement s = us.createStatement()) {
        s.executeUpdate("UPSERT INTO t VALUES (1000, 1)");
        Await.until("the fresh write's lag", Duration.ofSeconds(30),
            () -> link.snapshot().lagSamples() == 1);
        assertEquals(ROWS, link.snapshot().reshipped());
        try (ResultSet rs = s.executeQuery("SELECT RESHIPPED, LAG_SAMPLES FROM"
            + " MERIDIAN.REPLICATION_LINKS WHERE FROM_REGION = 'us-east-1'"
            + " AND TO_REGION = 'eu-west-1' AND MEASURED_AT = 'sender'")) {
          assertTrue(rs.next());
          assertEquals(ROWS, rs.getLong(1));
          assertEquals(1, rs.getLong(2));
        }
      }
      try (Connection eu = DriverManager.getConnection(c.localJdbcUrl(EU));
          Statement s = eu.createStatement();
          ResultSet rs = s.executeQuery("SELECT RESHIPPED FROM MERIDIAN.REPLICATION_LINKS"
              + " WHERE FROM_REGION = 'us-east-1' AND TO_REGION = 'eu-west-1'"
              + " AND MEASURED_AT = 'receiver'")) {
        assertTrue(rs.next());
        // At least the re-shipped rows; a batch the link sent twice (after a reconnect) counts
        // here too, as the receiver cannot tell the two apart.
        assertTrue(rs.getLong(1) >= ROWS, "eu-west-1 already held the re-shipped records: "
            + rs.getLong(1));
      }
      MeterRegistry meters = c.peers(US).get(0).node().metrics().registry();
      assertEquals(ROWS, meters.get("meridian.link.reshipped").tag("to", EU)
          .functionCounter().count());
      assertEquals(1, meters.get("meridian.link.lag").tag("to", EU).timer().count());
    }
  }
}
