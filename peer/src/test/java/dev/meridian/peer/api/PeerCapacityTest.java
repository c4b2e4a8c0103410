package dev.meridian.peer.api;

import static dev.meridian.peer.api.PeerNodeTest.call;
import static dev.meridian.peer.api.PeerNodeTest.create;
import static dev.meridian.peer.api.PeerNodeTest.row;
import static dev.meridian.peer.api.PeerNodeTest.simple;
import static dev.meridian.peer.api.PeerNodeTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Capacity limits through a real peer's request handler on a two-member region: a write of
 * more rows than the peer's share writes the first ones and refuses the others with
 * {@code 53M01} without storing them, a point read over the limit fails whole, and the peer's
 * meters and {@code MERIDIAN.CAPACITY} count what happened.
 */
class PeerCapacityTest {
  private static TestRegion region;

  @BeforeAll
  static void startRegion() {
    region = TestRegion.start("eu-west-1", 2);
  }

  @AfterAll
  static void stopRegion() {
    if (region != null) {
      region.close();
    }
  }

  @Test
  void rowsBeyondThePeersShareAreRefusedAndNotStored() throws Exception {
    PeerNode peer = region.peer(0);
    // 500/s over 2 peers: 250/s here, a burst of 50 rows.
    TableSchema t = create(peer, simple("LIMITED", ConflictResolution.CELL));
    Response altered = call(peer, new Request.AlterTable(t.name(), t.withCapacity(
        TableCapacity.NONE.with(true, "eu-west-1", 500L).with(false, "*", 10L))));
    t = assertInstanceOf(Response.TableAltered.class, altered).schema();
    List<RowWrite> rows = new ArrayList<>();
    for (long id = 0; id < 200; id++) {
      rows.add(row(id, new int[] {1}, "v" + id));
    }
    List<RowOutcome> outcomes = write(peer, t, WriteKind.UPSERT, rows.toArray(new RowWrite[0]));
    int written = 0;
    boolean refusedOne = false;
    for (RowOutcome o : outcomes) {
      if (o.status() == RowOutcome.Status.FAILED) {
        assertEquals(SqlState.CAPACITY_EXCEEDED, o.state(), o.message());
        assertTrue(o.message().contains("LIMITED") && o.message().contains("retry after"),
            o.message());
        refusedOne = true;
      } else {
        // The first rows are written and the rest refused: never a row after a refused one.
        assertEquals(RowOutcome.Status.APPLIED, o.status());
        assertTrue(!refusedOne, "a row after a refused one was written");
        written++;
      }
    }
    assertTrue(written >= 50 && written < 60, "written " + written);
    double throttled = peer.meters().get("meridian.capacity.units").tag("table", "LIMITED")
        .tag("kind", "write").tag("outcome", "throttled").counter().count();
    assertEquals(200 - written, (long) throttled);
    // Read them back on the other peer, which has its own bucket: 5/s there, burst 1.
    PeerNode other = region.peer(1);
    List<Object[]> lastWritten = new ArrayList<>();
    lastWritten.add(new Object[] {(long) written - 1});
    Response stored = call(other, new Request.Get(t.tableId(), lastWritten));
    assertNotNull(assertInstanceOf(Response.Rows.class, stored).rows().get(0));
    List<Object[]> two = new ArrayList<>();
    two.add(new Object[] {0L});
    two.add(new Object[] {(long) written});
    Response over = call(other, new Request.Get(t.tableId(), two));
    Response.Error e = assertInstanceOf(Response.Error.class, over);
    assertEquals(SqlState.CAPACITY_EXCEEDED, e.state());
    // Lift the read limit and read every row: exactly the written ones are there.
    Response lifted = call(peer, new Request.AlterTable(t.name(), t.withCapacity(
        TableCapacity.NONE.with(true, "eu-west-1", 500L))));
    t = assertInstanceOf(Response.TableAltered.class, lifted).schema();
    List<Object[]> all = new ArrayList<>();
    for (long id = 0; id < 200; id++) {
      all.add(new Object[] {id});
    }
    // The other peer sees the new definition when its catalog listener fires.
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<Object[]> found = null;
    while (found == null) {
      Response r = call(other, new Request.Get(t.tableId(), all));
      if (r instanceof Response.Rows answer) {
        found = answer.rows();
      } else {
        assertTrue(System.nanoTime() < deadline, "the read limit still holds after 10 s: " + r);
        Thread.onSpinWait();
      }
    }
    for (int i = 0; i < 200; i++) {
      assertEquals(i < written, found.get(i) != null, "row " + i + " of " + written);
    }
    Response table = call(peer, new Request.ReadSystemTable("CAPACITY"));
    List<Object[]> capacity = assertInstanceOf(Response.Rows.class, table).rows();
    assertEquals(1, capacity.size());
    assertEquals(500L, capacity.get(0)[3]);
    assertEquals((long) written, capacity.get(0)[6]);
    assertEquals(200L - written, capacity.get(0)[8]);
  }
}
