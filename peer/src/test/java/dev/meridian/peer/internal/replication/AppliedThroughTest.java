package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testkit.EmbeddedCluster;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session consistency's peer half: a region answers {@link Request.AwaitApplied} from what the
 * other regions' links reported, so it says "applied" only for writes it really holds, and
 * waits for them while a link is paused.
 */
class AppliedThroughTest {
  private static EmbeddedCluster cluster;
  private static PeerChannel east;
  private static PeerChannel west;
  private static long tableId;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start("applied-" + System.nanoTime(), List.of("east", "west"),
        EmbeddedCluster.Options.defaults().peersPerRegion(2));
    try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("east"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kv (k BIGINT PRIMARY KEY, v VARCHAR(20))");
    }
    east = PeerConnector.connect(cluster.addresses().get("east"), 5000, 1 << 20);
    west = PeerConnector.connect(cluster.addresses().get("west"), 5000, 1 << 20);
    Await.until("west knows table kv", Duration.ofSeconds(20), () -> {
      Response r = east.call(new Request.GetCatalog()).join();
      tableId = ((Response.Catalog) r).tables().get(0).tableId();
      return west.call(new Request.GetCatalog()).join() instanceof Response.Catalog c
          && !c.tables().isEmpty();
    });
  }

  @AfterAll
  static void stop() {
    if (east != null) {
      east.close();
    }
    if (west != null) {
      west.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Stamp write(long key, String value) {
    Response r = east.call(new Request.Write(tableId, WriteKind.UPSERT,
        List.of(new RowWrite(new Object[] {key}, new int[] {1}, new Object[] {value})))).join();
    RowOutcome o = ((Response.Written) r).outcomes().get(0);
    assertEquals(RowOutcome.Status.APPLIED, o.status(), String.valueOf(o));
    return o.stamp();
  }

  private static Response.Applied awaitApplied(Stamp s, int waitMillis) throws Exception {
    return (Response.Applied) west.call(
        new Request.AwaitApplied(Map.of("east", s.hlc()), waitMillis)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void aRegionSaysAppliedOnlyOnceTheWriteIsThere() throws Exception {
    Stamp first = write(1, "one");
    Response.Applied applied = awaitApplied(first, 10_000);
    assertTrue(applied.satisfied(), "west never reported east's write applied: " + applied);
    assertTrue(applied.throughMillis().get("east") > first.millis(), applied.toString());
    Object[] row = ((Response.Rows) west.call(
        new Request.Get(tableId, List.<Object[]>of(new Object[] {1L}))).join()).rows().get(0);
    assertEquals("one", row[1], "west claimed the write applied but does not hold it");

    cluster.pauseLink("east", "west");
    try {
      Stamp second = write(2, "two");
      Response.Applied behind = awaitApplied(second, 300);
      assertFalse(behind.satisfied(), "west claims a write its paused link never carried");
      Object[] missing = ((Response.Rows) west.call(
          new Request.Get(tableId, List.<Object[]>of(new Object[] {2L}))).join()).rows().get(0);
      assertEquals(null, missing, "the link was paused, yet the row arrived");
    } finally {
      cluster.resumeLink("east", "west");
    }
    Stamp third = write(3, "three");
    Response.Applied caughtUp = awaitApplied(third, 10_000);
    assertTrue(caughtUp.satisfied(), "west did not catch up after the link resumed: " + caughtUp);
  }

  @Test
  void aRegionsOwnWritesNeedNoFigures() throws Exception {
    Response.Applied own = (Response.Applied) west.call(new Request.AwaitApplied(
        Map.of("west", Stamp.hlc(Long.MAX_VALUE >>> 17, 0)), 0)).get(30, TimeUnit.SECONDS);
    assertTrue(own.satisfied(), own.toString());
  }
}
