package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.api.PeerNode;
import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Partitions change owners when a peer crashes (its backups are promoted) and when one leaves
 * (its partitions migrate): reads through an index stay equal to full scans afterwards, rows
 * written meanwhile included. Seeded; the seed is printed.
 */
class IndexMembershipTest {
  private static final long SEED = Long.getLong("meridian.seed", System.nanoTime());

  private static Response call(PeerNode peer, Request request) throws Exception {
    return peer.handler().handle(request).toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static void upsert(PeerNode peer, TableSchema t, Random random, int from, int to)
      throws Exception {
    List<RowWrite> rows = new ArrayList<>();
    for (long id = from; id < to; id++) {
      rows.add(new RowWrite(new Object[] {id}, new int[] {0, 1}, new Object[] {id,
          random.nextInt(10) == 0 ? null : random.nextInt(1000)}));
    }
    Response r = call(peer, new Request.Write(t.tableId(), WriteKind.UPSERT, rows));
    assertTrue(assertInstanceOf(Response.Written.class, r, r::toString).outcomes().stream()
        .allMatch(o -> o.status() == RowOutcome.Status.APPLIED));
  }

  /** Scores of every visible row through the index (highest first) and by a full scan. */
  private static void assertIndexEqualsScan(PeerNode peer, TableSchema t, IndexDef def)
      throws Exception {
    Response r = call(peer, new Request.IndexScan(t.tableId(), def.name(), new int[] {0, 1},
        null, null, false, null, false, false, Scans.MAX_PAGE_ROWS));
    List<Object[]> viaIndex = assertInstanceOf(Response.Rows.class, r, r::toString).rows();
    List<Object[]> scanned = new ArrayList<>();
    Response s = call(peer, new Request.Scan(t.tableId(), new int[] {0, 1}, null, 50_000));
    scanned.addAll(assertInstanceOf(Response.ScanPage.class, s, s::toString).rows());
    IndexOrder order = new IndexOrder(def);
    scanned.sort((a, b) -> order.compare(order.entry(a, TableKey.encode(new Object[] {a[0]})),
        order.entry(b, TableKey.encode(new Object[] {b[0]}))));
    assertEquals(render(scanned), render(viaIndex), "seed " + SEED);
  }

  private static List<String> render(List<Object[]> rows) {
    List<String> out = new ArrayList<>();
    for (Object[] row : rows) {
      out.add(row[0] + ":" + row[1]);
    }
    return out;
  }

  @Test
  void aPartitionThatLeftAndCameBackIsNotTrustedWithWhatItMissed() throws Exception {
    System.out.println("IndexMembershipTest seed " + SEED);
    Random random = new Random(SEED + 1);
    try (TestRegion region = TestRegion.start("eu-west-1", 2)) {
      PeerNode first = region.peer(0);
      TableSchema t = table(first);
      upsert(first, t, random, 0, 2_000);
      IndexDef def = index(first, t);
      assertIndexEqualsScan(first, t, def);
      // A third peer joins and takes partitions from both; rows change while it owns them.
      List<String> members = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        java.net.InetSocketAddress a = region.peer(i).hazelcastAddress();
        members.add(a.getHostString() + ":" + a.getPort());
      }
      int port;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
          java.net.InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      members.add("127.0.0.1:" + port);
      PeerNode joiner = PeerNode.start(dev.meridian.peer.api.PeerConfig.builder()
          .region("eu-west-1").name("eu-west-1-joiner").hazelcastPort(port).members(members)
          .clientPort(0).build());
      try {
        Await.until("a safe cluster of 3", Duration.ofSeconds(60),
            () -> first.hazelcast().getCluster().getMembers().size() == 3
                && first.hazelcast().getPartitionService().isClusterSafe());
        upsert(first, t, random, 0, 2_000);
        assertIndexEqualsScan(joiner, t, def);
      } finally {
        // A crash: the joiner's partitions go back, by promotion, to peers that owned them once.
        joiner.hazelcast().getLifecycleService().terminate();
      }
      Await.until("a safe cluster of 2", Duration.ofSeconds(60),
          () -> first.hazelcast().getCluster().getMembers().size() == 2
              && first.hazelcast().getPartitionService().isClusterSafe());
      assertIndexEqualsScan(first, t, def);
      joiner.close();
    }
  }

  private static TableSchema table(PeerNode peer) throws Exception {
    return assertInstanceOf(Response.TableCreated.class, call(peer,
        new Request.CreateTable(new TableSchema(0, "MOVING", List.of(
            new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
            new ColumnDef("SCORE", ColumnType.of(TypeKind.INTEGER), true)), List.of(0),
            ConflictResolution.CELL), false))).schema();
  }

  private static IndexDef index(PeerNode peer, TableSchema t) throws Exception {
    return assertInstanceOf(Response.IndexCreated.class, call(peer,
        new Request.CreateIndex(new IndexDef("MOVING_SCORE", t.name(), t.tableId(),
            List.of(new IndexDef.Key(1, true)), false), false))).index();
  }

  @Test
  void readsThroughAnIndexSurviveACrashAndALeave() throws Exception {
    System.out.println("IndexMembershipTest seed " + SEED);
    Random random = new Random(SEED);
    try (TestRegion region = TestRegion.start("eu-west-1", 3)) {
      PeerNode first = region.peer(0);
      TableSchema t = table(first);
      upsert(first, t, random, 0, 2_000);
      IndexDef def = index(first, t);
      assertIndexEqualsScan(first, t, def);

      PeerNode victim = region.peer(2);
      victim.hazelcast().getLifecycleService().terminate();
      Await.until("the survivors to notice the crash", Duration.ofSeconds(60),
          () -> first.hazelcast().getCluster().getMembers().size() == 2);
      Await.until("a safe cluster", Duration.ofSeconds(60),
          () -> first.hazelcast().getPartitionService().isClusterSafe());
      upsert(region.peer(1), t, random, 1_000, 3_000);
      assertIndexEqualsScan(first, t, def);
      assertIndexEqualsScan(region.peer(1), t, def);

      region.peer(1).close();
      Await.until("the last peer alone", Duration.ofSeconds(60),
          () -> first.hazelcast().getCluster().getMembers().size() == 1);
      upsert(first, t, random, 2_500, 3_500);
      assertIndexEqualsScan(first, t, def);
    }
  }
}
