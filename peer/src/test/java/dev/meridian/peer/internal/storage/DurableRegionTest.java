package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.api.Durability;
import dev.meridian.peer.api.PeerNode;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region whose every peer crashes (its Hazelcast member terminated, its log never closed)
 * comes back from its data directories with every acknowledged write: inserts, updates,
 * deletes, a dropped table left dropped, under both durability modes. The new region runs on
 * new ports, so nothing can come from memory.
 */
class DurableRegionTest {
  private static final int ROWS = 400;

  @TempDir
  Path dirs;

  private static Response call(PeerNode peer, Request request) throws Exception {
    return peer.handler().handle(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void write(PeerNode peer, long table, WriteKind kind, List<RowWrite> rows)
      throws Exception {
    Response r = call(peer, new Request.Write(table, kind, rows));
    List<RowOutcome> outcomes = assertInstanceOf(Response.Written.class, r).outcomes();
    assertTrue(outcomes.stream().allMatch(o -> o.status() == RowOutcome.Status.APPLIED),
        outcomes::toString);
  }

  private static TableSchema create(PeerNode peer, String name) throws Exception {
    Response created = call(peer, new Request.CreateTable(new TableSchema(0, name, List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("A", ColumnType.of(TypeKind.VARCHAR, 10), true),
        new ColumnDef("B", ColumnType.of(TypeKind.INTEGER), true)),
        List.of(0), ConflictResolution.CELL), false));
    return assertInstanceOf(Response.TableCreated.class, created).schema();
  }

  private TestRegion region(Durability durability) {
    return TestRegion.start("eu-west-1", 2, (i, b) -> b
        .dataDir(dirs.resolve("peer-" + i).toString()).durability(durability));
  }

  @Test
  void syncRegionComesBackWithEveryAcknowledgedWrite() throws Exception {
    everyPeerCrashesAndComesBack(Durability.SYNC);
  }

  @Test
  void periodicRegionStoppedCleanlyComesBackWithEveryWrite() throws Exception {
    everyPeerCrashesAndComesBack(Durability.PERIODIC);
  }

  /**
   * Each peer's log alone brings back every table and user of the region, whichever peer
   * owned their entries: a region restarting from disk one peer at a time knows them all from
   * its first peer on (before, each peer logged only the entries it owned, and the region
   * answered "table does not exist" until the owner had replayed).
   */
  @Test
  void eachPeersLogAloneBringsBackEveryTableAndUser() throws Exception {
    List<String> tables = new ArrayList<>();
    List<String> users = new ArrayList<>();
    TestRegion first = region(Durability.SYNC);
    try {
      for (int i = 0; i < 12; i++) {
        tables.add("T" + i);
        create(first.peer(i % 2), "T" + i);
        users.add("user" + i);
        assertTrue(first.peer(i % 2).users().put("user" + i,
            dev.meridian.protocol.auth.Scram.verifier("pw" + i), true, false));
      }
      // The other peers' copies follow the owners' within moments: wait for every log to have
      // them (a crash before that is what the owner's copy is for).
      dev.meridian.peer.testing.Await.until("the users to reach both peers",
          java.time.Duration.ofSeconds(30), () -> first.peer(0).users().user("user11") != null
              && first.peer(1).users().user("user11") != null);
      first.peer(0).hazelcast().getLifecycleService().terminate();
      first.peer(1).hazelcast().getLifecycleService().terminate();
    } catch (Throwable e) {
      first.close();
      throw e;
    }
    for (int alone = 0; alone < 2; alone++) {
      int peer = alone;
      try (TestRegion one = TestRegion.start("eu-west-1", 1, (i, b) -> b
          .dataDir(dirs.resolve("peer-" + peer).toString()).durability(Durability.SYNC))) {
        List<String> names = new ArrayList<>();
        for (TableSchema s : assertInstanceOf(Response.Catalog.class,
            call(one.peer(0), new Request.GetCatalog())).tables()) {
          names.add(s.name());
        }
        names.sort(null);
        List<String> want = new ArrayList<>(tables);
        want.sort(null);
        assertEquals(want, names, "the tables peer-" + peer + "'s log brings back alone");
        for (String user : users) {
          assertTrue(one.peer(0).users().user(user) != null,
              user + " is missing from what peer-" + peer + "'s log brings back alone");
        }
      }
    }
  }

  private void everyPeerCrashesAndComesBack(Durability durability) throws Exception {
    Map<Long, Object[]> expected = new HashMap<>();
    long tableId;
    TestRegion first = region(durability);
    try {
      TableSchema t = create(first.peer(0), "KEPT");
      TableSchema gone = create(first.peer(1), "GONE");
      tableId = t.tableId();
      List<RowWrite> inserts = new ArrayList<>();
      List<RowWrite> updates = new ArrayList<>();
      List<RowWrite> deletes = new ArrayList<>();
      for (long id = 0; id < ROWS; id++) {
        inserts.add(new RowWrite(new Object[] {id}, new int[] {1, 2},
            new Object[] {"v" + id, (int) id}));
        expected.put(id, new Object[] {id, "v" + id, (int) id});
        if (id % 3 == 1) {
          updates.add(new RowWrite(new Object[] {id}, new int[] {2}, new Object[] {-1}));
          expected.put(id, new Object[] {id, "v" + id, -1});
        } else if (id % 3 == 2) {
          deletes.add(new RowWrite(new Object[] {id}, new int[0], new Object[0]));
          expected.put(id, null);
        }
      }
      write(first.peer(0), t.tableId(), WriteKind.INSERT, inserts);
      write(first.peer(1), gone.tableId(), WriteKind.INSERT, inserts);
      write(first.peer(1), t.tableId(), WriteKind.UPDATE, updates);
      write(first.peer(0), t.tableId(), WriteKind.DELETE, deletes);
      assertTrue(assertInstanceOf(Response.TableDropped.class,
          call(first.peer(0), new Request.DropTable("GONE", false))).dropped());
      if (durability == Durability.PERIODIC) {
        // Periodic durability promises a clean stop, not a crash, keeps everything.
        first.close();
      } else {
        first.peer(0).hazelcast().getLifecycleService().terminate();
        first.peer(1).hazelcast().getLifecycleService().terminate();
      }
    } catch (Throwable e) {
      first.close();
      throw e;
    }

    try (TestRegion second = region(durability)) {
      Response tables = call(second.peer(1), new Request.GetCatalog());
      List<String> names = new ArrayList<>();
      for (TableSchema s : assertInstanceOf(Response.Catalog.class, tables).tables()) {
        names.add(s.name());
      }
      assertEquals(List.of("KEPT"), names);
      List<Object[]> keys = new ArrayList<>();
      for (long id = 0; id < ROWS; id++) {
        keys.add(new Object[] {id});
      }
      List<Object[]> rows = assertInstanceOf(Response.Rows.class,
          call(second.peer(1), new Request.Get(tableId, keys))).rows();
      for (long id = 0; id < ROWS; id++) {
        Object[] want = expected.get(id);
        if (want == null) {
          assertNull(rows.get((int) id), "row " + id);
        } else {
          assertArrayEquals(want, rows.get((int) id), "row " + id);
        }
      }
    }
  }
}
