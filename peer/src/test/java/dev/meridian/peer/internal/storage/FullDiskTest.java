package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.disk.DurableLog;
import dev.meridian.peer.internal.disk.LimitedChannels;
import dev.meridian.peer.internal.replication.ChangeNotifier;
import dev.meridian.protocol.error.SqlState;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real member whose log's file runs out of space: writes fail with {@code 53100} and change
 * nothing, the rows written before stay readable, and writes go through again once there is
 * space. The file is real; only its capacity is imposed.
 */
class FullDiskTest {
  @TempDir
  Path dir;

  @Test
  void fullDiskFailsWritesWith53100WhileReadsGoOn() throws Exception {
    long[] quota = {20_000};
    DurableLog log = DurableLog.open(dir, DurableLog.Mode.SYNC, 100, 1 << 20,
        LimitedChannels.withQuota(quota)).log();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PeerConfig config = PeerConfig.builder().region("eu-west-1").hazelcastPort(port)
        .members(List.of("127.0.0.1:" + port)).clientPort(0).build();
    HybridClock clock = new HybridClock(Stamp.regionId("eu-west-1"), 500);
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(
        MemberConfig.build(config, clock, new ChangeNotifier(), log));
    ExecutorService blocking = Executors.newFixedThreadPool(2);
    try {
      StorageRequestHandler handler =
          StorageRequestHandler.start("eu-west-1", "p", clock, hz, blocking);
      TableSchema t = assertInstanceOf(Response.TableCreated.class, handler.handle(
          new Request.CreateTable(new TableSchema(0, "T", List.of(
              new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
              new ColumnDef("V", ColumnType.of(TypeKind.VARCHAR, 200), true)),
              List.of(0), ConflictResolution.CELL), false))
          .toCompletableFuture().get(60, TimeUnit.SECONDS)).schema();

      List<Long> written = new ArrayList<>();
      RowOutcome refused = null;
      for (long id = 0; id < 1000 && refused == null; id++) {
        Response r = handler.handle(new Request.Write(t.tableId(), WriteKind.UPSERT, List.of(
            new RowWrite(new Object[] {id}, new int[] {1}, new Object[] {"x".repeat(100)}))))
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (r instanceof Response.Error e) {
          assertEquals(SqlState.DISK_FULL, e.state(), e.message());
          refused = RowOutcome.failed(e.state(), e.message());
          break;
        }
        RowOutcome o = assertInstanceOf(Response.Written.class, r).outcomes().get(0);
        if (o.status() == RowOutcome.Status.APPLIED) {
          written.add(id);
        } else {
          refused = o;
        }
      }
      assertTrue(refused != null, "the quota was never reached");
      assertEquals(SqlState.DISK_FULL, refused.state(), refused.toString());
      assertTrue(written.size() > 10, "rows written before the disk filled: " + written.size());

      // Reads go on; the refused row was not stored.
      List<Object[]> keys = new ArrayList<>();
      for (long id = 0; id <= written.size(); id++) {
        keys.add(new Object[] {id});
      }
      List<Object[]> rows = assertInstanceOf(Response.Rows.class,
          handler.handle(new Request.Get(t.tableId(), keys)).toCompletableFuture()
              .get(60, TimeUnit.SECONDS)).rows();
      for (int i = 0; i < written.size(); i++) {
        assertArrayEquals(new Object[] {(long) i, "x".repeat(100)}, rows.get(i));
      }
      assertEquals(null, rows.get(written.size()), "a refused write changed nothing");

      // Space is back: after the short refusal window, writes go through again.
      quota[0] = Long.MAX_VALUE;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      RowOutcome again;
      do {
        again = assertInstanceOf(Response.Written.class, handler.handle(
            new Request.Write(t.tableId(), WriteKind.UPSERT, List.of(new RowWrite(
                new Object[] {-1L}, new int[] {1}, new Object[] {"again"}))))
            .toCompletableFuture().get(60, TimeUnit.SECONDS)).outcomes().get(0);
      } while (again.status() != RowOutcome.Status.APPLIED && System.nanoTime() < deadline);
      assertEquals(RowOutcome.Status.APPLIED, again.status(), again.toString());
      handler.close();
    } finally {
      hz.shutdown();
      blocking.shutdownNow();
      log.close();
    }
  }
}
