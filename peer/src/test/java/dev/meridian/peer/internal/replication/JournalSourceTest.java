package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.api.PeerNode;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The change streams over a real region's event journal, kept small so it overflows. */
class JournalSourceTest {
  private static final int JOURNAL = 1_000;
  private static TestRegion region;
  private static TableSchema table;

  @BeforeAll
  static void fillASmallJournal() throws Exception {
    region = TestRegion.start("us-east-1", 2, b -> b.journalCapacity(JOURNAL));
    PeerNode peer = region.peer(0);
    TableSchema schema = new TableSchema(0, "JOURNALED", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("V", ColumnType.of(TypeKind.INTEGER), true)), List.of(0),
        ConflictResolution.CELL);
    table = assertInstanceOf(Response.TableCreated.class,
        call(peer, new Request.CreateTable(schema, false))).schema();
    // Three journals' worth of writes: every partition's ring (1000 / 271 entries) overflows.
    List<RowWrite> rows = new ArrayList<>();
    for (long id = 0; id < 3L * JOURNAL; id++) {
      rows.add(new RowWrite(new Object[] {id}, new int[] {1}, new Object[] {(int) id}));
    }
    assertInstanceOf(Response.Written.class,
        call(peer, new Request.Write(table.tableId(), WriteKind.UPSERT, rows)));
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

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static JournalSource source() {
    return new JournalSource(region.peer(0).hazelcast(), region.peer(0).regionId());
  }

  @Test
  void aReadFromAPositionTheJournalNoLongerHoldsSaysHistoryGone() throws Exception {
    JournalSource source = source();
    StreamId stream = new StreamId(table.tableId(), 0);
    long tail = join(source.tail(stream));
    assertTrue(tail > JOURNAL / 271 + 1, "partition 0 got only " + tail + " entries");

    // Hazelcast itself silently starts at the oldest entry it still holds, skipping the rest.
    ExecutionException stale = assertThrows(ExecutionException.class,
        () -> join(source.read(stream, 0, 100)));
    assertInstanceOf(ChangeSource.HistoryGoneException.class, stale.getCause());
    // Beyond the end (a journal lost with its region): Hazelcast answers "nothing to read".
    ExecutionException ahead = assertThrows(ExecutionException.class,
        () -> join(source.read(stream, tail + 10, 100)));
    assertInstanceOf(ChangeSource.HistoryGoneException.class, ahead.getCause());
  }

  @Test
  void aCaughtUpReadKeepsItsPosition() throws Exception {
    JournalSource source = source();
    StreamId stream = new StreamId(table.tableId(), 1);
    long tail = join(source.tail(stream));

    ChangeSource.Slice last = join(source.read(stream, tail - 1, 100));
    assertEquals(1, last.readCount());
    assertEquals(1, last.changes().size());
    assertEquals(tail, last.next());
    // Hazelcast leaves the next sequence at 0 when there is nothing to read, which sent links
    // back to the start of the journal.
    ChangeSource.Slice none = join(source.read(stream, tail, 100));
    assertEquals(0, none.readCount());
    assertEquals(List.of(), none.changes());
    assertEquals(tail, none.next());
  }
}
