package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import com.hazelcast.map.IMap;
import dev.meridian.peer.api.PeerNode;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A peer crashes after acknowledged writes: the survivor still holds every write, byte for byte
 * with the stamps the writes were acknowledged with. This is what the backup processor
 * guarantees; a backup that re-ran the write would hold other stamps, and one that did not run
 * would lose the rows whose owner crashed.
 */
class PeerFailoverTest {
  private static final int ROWS = 300;
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

  private static Response call(PeerNode peer, Request request) throws Exception {
    return peer.handler().handle(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static List<RowOutcome> write(PeerNode peer, long table, WriteKind kind,
      List<RowWrite> rows) throws Exception {
    Response r = call(peer, new Request.Write(table, kind, rows));
    List<RowOutcome> outcomes = assertInstanceOf(Response.Written.class, r).outcomes();
    assertTrue(outcomes.stream().allMatch(o -> o.status() == RowOutcome.Status.APPLIED),
        outcomes::toString);
    return outcomes;
  }

  @Test
  void everyAcknowledgedWriteSurvivesACrashWithItsStamp() throws Exception {
    PeerNode survivor = region.peer(0);
    PeerNode victim = region.peer(1);
    Map<ConflictResolution, TableSchema> tables = new HashMap<>();
    for (ConflictResolution resolution : ConflictResolution.values()) {
      Response created = call(survivor, new Request.CreateTable(new TableSchema(0,
          "CRASH_" + resolution, List.of(
              new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
              new ColumnDef("A", ColumnType.of(TypeKind.VARCHAR, 10), true),
              new ColumnDef("B", ColumnType.of(TypeKind.INTEGER), true)),
          List.of(0), resolution), false));
      tables.put(resolution, assertInstanceOf(Response.TableCreated.class, created).schema());
    }

    Map<Long, Map<Long, Object[]>> expected = new HashMap<>();
    Map<Long, Map<Long, Stamp>> stamps = new HashMap<>();
    for (TableSchema t : tables.values()) {
      Map<Long, Object[]> values = new HashMap<>();
      Map<Long, Stamp> last = new HashMap<>();
      List<RowWrite> inserts = new ArrayList<>();
      List<RowWrite> updates = new ArrayList<>();
      List<RowWrite> deletes = new ArrayList<>();
      for (long id = 0; id < ROWS; id++) {
        inserts.add(new RowWrite(new Object[] {id}, new int[] {1, 2},
            new Object[] {"v" + id, (int) id}));
        values.put(id, new Object[] {id, "v" + id, (int) id});
        if (id % 3 == 1) {
          updates.add(new RowWrite(new Object[] {id}, new int[] {2}, new Object[] {-1}));
          values.put(id, new Object[] {id, "v" + id, -1});
        } else if (id % 3 == 2) {
          deletes.add(new RowWrite(new Object[] {id}, new int[0], new Object[0]));
          values.put(id, null);
        }
      }
      record(last, inserts, write(survivor, t.tableId(), WriteKind.INSERT, inserts));
      record(last, updates, write(victim, t.tableId(), WriteKind.UPDATE, updates));
      record(last, deletes, write(victim, t.tableId(), WriteKind.DELETE, deletes));
      expected.put(t.tableId(), values);
      stamps.put(t.tableId(), last);
    }

    region.awaitSafe();
    Member dying = victim.hazelcast().getCluster().getLocalMember();
    long ownedByVictim = 0;
    for (long id = 0; id < ROWS; id++) {
      Member owner = survivor.hazelcast().getPartitionService()
          .getPartition(TableKey.encode(new Object[] {id})).getOwner();
      ownedByVictim += owner.getUuid().equals(dying.getUuid()) ? 1 : 0;
    }
    assertTrue(ownedByVictim > ROWS / 4, "the victim owns " + ownedByVictim + " of the keys");

    victim.hazelcast().getLifecycleService().terminate();
    Await.until("the survivor to notice the crash", Duration.ofSeconds(60),
        () -> survivor.hazelcast().getCluster().getMembers().size() == 1);

    for (TableSchema t : tables.values()) {
      List<Object[]> keys = new ArrayList<>();
      for (long id = 0; id < ROWS; id++) {
        keys.add(new Object[] {id});
      }
      List<Object[]> rows = assertInstanceOf(Response.Rows.class,
          call(survivor, new Request.Get(t.tableId(), keys))).rows();
      IMap<byte[], byte[]> map = survivor.hazelcast().getMap(TableStore.mapName(t.tableId()));
      for (long id = 0; id < ROWS; id++) {
        Object[] want = expected.get(t.tableId()).get(id);
        if (want == null) {
          assertNull(rows.get((int) id), t.name() + " row " + id);
        } else {
          assertArrayEquals(want, rows.get((int) id), t.name() + " row " + id);
        }
        byte[] bytes = map.get(TableKey.encode(new Object[] {id}));
        assertNotNull(bytes, t.name() + " row " + id + " was lost with the crashed peer");
        StoredRow stored = RowFormat.decode(bytes);
        assertEquals(stamps.get(t.tableId()).get(id), stored.maxStamp(),
            t.name() + " row " + id + " holds the stamp its last write was acknowledged with");
      }

      // The survivor goes on writing above every stamp it inherited.
      List<RowWrite> again = new ArrayList<>();
      for (long id = 0; id < ROWS; id++) {
        again.add(new RowWrite(new Object[] {id}, new int[] {1}, new Object[] {"again"}));
      }
      List<RowOutcome> outcomes = write(survivor, t.tableId(), WriteKind.UPSERT, again);
      for (long id = 0; id < ROWS; id++) {
        assertTrue(outcomes.get((int) id).stamp().after(stamps.get(t.tableId()).get(id)));
      }
    }
  }

  private static void record(Map<Long, Stamp> last, List<RowWrite> rows,
      List<RowOutcome> outcomes) {
    for (int i = 0; i < rows.size(); i++) {
      last.put((Long) rows.get(i).key()[0], outcomes.get(i).stamp());
    }
  }
}
