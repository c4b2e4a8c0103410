package dev.meridian.peer.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testing.TestRegion;
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
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests through the handler, stored on a real two-member region, read back. */
class PeerNodeTest {
  private static TestRegion region;

  @BeforeAll
  static void startRegion() {
    region = TestRegion.start("us-east-1", 2);
  }

  @AfterAll
  static void stopRegion() {
    if (region != null) {
      region.close();
    }
  }

  static Response call(PeerNode peer, Request request) throws Exception {
    return peer.handler().handle(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static TableSchema create(PeerNode peer, TableSchema schema) throws Exception {
    Response r = call(peer, new Request.CreateTable(schema, false));
    Response.TableCreated created = assertInstanceOf(Response.TableCreated.class, r);
    assertTrue(created.created());
    return created.schema();
  }

  static TableSchema simple(String name, ConflictResolution resolution) {
    return new TableSchema(0, name, List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("A", ColumnType.of(TypeKind.VARCHAR, 10), true),
        new ColumnDef("B", ColumnType.of(TypeKind.INTEGER), true)), List.of(0), resolution);
  }

  static List<RowOutcome> write(PeerNode peer, TableSchema t, WriteKind kind, RowWrite... rows)
      throws Exception {
    Response r = call(peer, new Request.Write(t.tableId(), kind, List.of(rows)));
    return assertInstanceOf(Response.Written.class, r, () -> r.toString()).outcomes();
  }

  static RowOutcome.Status writeOne(PeerNode peer, TableSchema t, WriteKind kind, RowWrite row)
      throws Exception {
    return write(peer, t, kind, row).get(0).status();
  }

  static Object[] get(PeerNode peer, TableSchema t, Object... key) throws Exception {
    Response r = call(peer, new Request.Get(t.tableId(), List.<Object[]>of(key)));
    return assertInstanceOf(Response.Rows.class, r, () -> r.toString()).rows().get(0);
  }

  static RowWrite row(long id, int[] columns, Object... values) {
    return new RowWrite(new Object[] {id}, columns, values);
  }

  @Test
  void pingAnswersWithRegionPeerAndClock() throws Exception {
    Response.Pong pong = assertInstanceOf(Response.Pong.class,
        call(region.peer(1), new Request.Ping()));
    assertEquals("us-east-1", pong.region());
    assertEquals("us-east-1-peer-1", pong.peer());
    assertTrue(new Stamp(pong.hlc(), 0).millis() > 0);
  }

  @Test
  void catalogCreatesListsAndDropsTables() throws Exception {
    PeerNode a = region.peer(0);
    PeerNode b = region.peer(1);
    TableSchema t = create(a, simple("CAT", ConflictResolution.CELL));
    assertNotEquals(0, t.tableId());

    Response again = call(b, new Request.CreateTable(simple("CAT", ConflictResolution.CELL),
        false));
    assertEquals(SqlState.DUPLICATE_TABLE, assertInstanceOf(Response.Error.class, again).state());
    Response.TableCreated existing = assertInstanceOf(Response.TableCreated.class,
        call(b, new Request.CreateTable(simple("CAT", ConflictResolution.ROW), true)));
    assertFalse(existing.created());
    assertEquals(t, existing.schema());

    Response.Catalog catalog = assertInstanceOf(Response.Catalog.class,
        call(b, new Request.GetCatalog()));
    assertTrue(catalog.tables().contains(t));

    assertEquals(RowOutcome.Status.APPLIED, writeOne(b, t, WriteKind.UPSERT,
        row(1, new int[] {1}, "x")));
    assertEquals(new Response.TableDropped(true), call(b, new Request.DropTable("CAT", false)));
    assertEquals(new Response.TableDropped(false), call(a, new Request.DropTable("CAT", true)));
    Response missing = call(a, new Request.DropTable("CAT", false));
    assertEquals(SqlState.UNDEFINED_TABLE, assertInstanceOf(Response.Error.class, missing).state());

    // The dropping peer knows at once; the other one as soon as the catalog event arrives.
    for (PeerNode p : List.of(b, a)) {
      Await.until("the drop to reach " + p.name(), Duration.ofSeconds(30), () -> {
        try {
          Response r = call(p, new Request.Get(t.tableId(), List.<Object[]>of(new Object[] {1L})));
          return r instanceof Response.Error e && e.state() == SqlState.UNDEFINED_TABLE
              && e.message().equals("table id " + t.tableId()
                  + " was dropped or re-created; reload the catalog");
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
    TableSchema recreated = create(a, simple("CAT", ConflictResolution.CELL));
    assertNotEquals(t.tableId(), recreated.tableId());
    assertNull(get(b, recreated, 1L), "a new incarnation starts empty");
  }

  @Test
  void everyTypeRoundTripsThroughEitherPeer() throws Exception {
    TableSchema t = create(region.peer(0), new TableSchema(0, "TYPES", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("I", ColumnType.of(TypeKind.INTEGER), true),
        new ColumnDef("S", ColumnType.of(TypeKind.SMALLINT), true),
        new ColumnDef("V", ColumnType.of(TypeKind.VARCHAR, 20), true),
        new ColumnDef("C", ColumnType.of(TypeKind.CHAR, 4), true),
        new ColumnDef("BO", ColumnType.of(TypeKind.BOOLEAN), true),
        new ColumnDef("D", ColumnType.of(TypeKind.DOUBLE), true),
        new ColumnDef("R", ColumnType.of(TypeKind.REAL), true),
        new ColumnDef("DEC", ColumnType.decimal(10, 2), true),
        new ColumnDef("DT", ColumnType.of(TypeKind.DATE), true),
        new ColumnDef("TM", ColumnType.of(TypeKind.TIME), true),
        new ColumnDef("TS", ColumnType.of(TypeKind.TIMESTAMP), true),
        new ColumnDef("VB", ColumnType.of(TypeKind.VARBINARY, 8), true)),
        List.of(0), ConflictResolution.CELL));
    int[] all = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    RowOutcome inserted = write(region.peer(0), t, WriteKind.INSERT, new RowWrite(
        new Object[] {"10"}, all, new Object[] {7L, 3, "hello", "ab", "true", 1.5f, 2.25,
            "12.345", "2024-02-29", "23:59:58.5", "2024-02-29 12:00:00", new byte[] {1, 2}}))
        .get(0);
    assertEquals(RowOutcome.Status.APPLIED, inserted.status(), inserted.toString());
    Object[] expected = {10L, 7, (short) 3, "hello", "ab  ", true, 1.5d, 2.25f,
        new BigDecimal("12.35"), LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 58, 500_000_000),
        LocalDateTime.of(2024, 2, 29, 12, 0), new byte[] {1, 2}};
    assertTrue(Arrays.deepEquals(expected, get(region.peer(1), t, 10L)),
        () -> Arrays.deepToString(expected) + " vs " + Arrays.deepToString(getQuietly(t)));

    assertEquals(RowOutcome.Status.APPLIED, writeOne(region.peer(1), t, WriteKind.UPSERT,
        new RowWrite(new Object[] {10L}, new int[] {3, 12}, new Object[] {null, new byte[0]})));
    Object[] after = get(region.peer(0), t, 10);
    assertNull(after[3]);
    assertArrayEquals(new byte[0], (byte[]) after[12]);
    assertEquals("ab  ", after[4], "UPSERT kept the cells it did not write");
  }

  private static Object[] getQuietly(TableSchema t) {
    try {
      return get(region.peer(1), t, 10L);
    } catch (Exception e) {
      return new Object[] {e};
    }
  }

  @Test
  void insertUpdateUpsertDeleteFollowVisibility() throws Exception {
    PeerNode a = region.peer(0);
    PeerNode b = region.peer(1);
    TableSchema t = create(a, simple("KINDS", ConflictResolution.CELL));
    int[] ab = {1, 2};

    assertEquals(RowOutcome.Status.NOT_FOUND, writeOne(a, t, WriteKind.UPDATE,
        row(1, new int[] {1}, "x")));
    assertEquals(RowOutcome.Status.NOT_FOUND, writeOne(b, t, WriteKind.DELETE,
        row(1, new int[0])));
    assertEquals(RowOutcome.Status.APPLIED, writeOne(a, t, WriteKind.INSERT, row(1, ab, "x", 1)));
    RowOutcome dup = write(b, t, WriteKind.INSERT, row(1, ab, "y", 2)).get(0);
    assertEquals(RowOutcome.duplicate(), dup);
    assertArrayEquals(new Object[] {1L, "x", 1}, get(b, t, 1L));

    assertEquals(RowOutcome.Status.APPLIED, writeOne(b, t, WriteKind.UPDATE,
        row(1, new int[] {2}, 5)));
    assertArrayEquals(new Object[] {1L, "x", 5}, get(a, t, 1L), "UPDATE wrote only B");

    assertEquals(RowOutcome.Status.APPLIED, writeOne(a, t, WriteKind.DELETE, row(1, new int[0])));
    assertNull(get(b, t, 1L));
    assertEquals(RowOutcome.Status.NOT_FOUND, writeOne(b, t, WriteKind.DELETE,
        row(1, new int[0])));
    assertEquals(RowOutcome.Status.NOT_FOUND, writeOne(b, t, WriteKind.UPDATE,
        row(1, new int[] {1}, "z")));

    assertEquals(RowOutcome.Status.APPLIED, writeOne(b, t, WriteKind.UPSERT,
        row(1, new int[] {1}, "back")));
    assertArrayEquals(new Object[] {1L, "back", null}, get(a, t, 1L),
        "the row comes back with only the cells written after the delete");
    assertEquals(RowOutcome.Status.APPLIED, writeOne(a, t, WriteKind.INSERT, row(2, ab, "n", 2)));
  }

  @Test
  void aFailingRowDoesNotAffectTheOthers() throws Exception {
    TableSchema t = create(region.peer(0), simple("MIXED", ConflictResolution.CELL));
    List<RowOutcome> outcomes = write(region.peer(1), t, WriteKind.INSERT,
        row(1, new int[] {1}, "ok"),
        row(2, new int[] {1}, "far too long"),
        new RowWrite(new Object[] {null}, new int[0], new Object[0]),
        row(3, new int[] {2}, "NaN"),
        row(4, new int[] {2}, 4));
    assertEquals(RowOutcome.Status.APPLIED, outcomes.get(0).status());
    assertEquals(SqlState.STRING_DATA_RIGHT_TRUNCATION, outcomes.get(1).state());
    assertEquals(SqlState.NULL_VALUE_NOT_ALLOWED, outcomes.get(2).state());
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, outcomes.get(3).state());
    assertEquals(RowOutcome.Status.APPLIED, outcomes.get(4).status());
    assertEquals(RowOutcome.Status.FAILED, outcomes.get(1).status());
    assertNull(get(region.peer(0), t, 2L));
    assertArrayEquals(new Object[] {4L, null, 4}, get(region.peer(0), t, 4L));
  }

  @Test
  void stampsOfOneRowIncreaseWhicheverPeerWrites() throws Exception {
    TableSchema t = create(region.peer(0), simple("STAMPS", ConflictResolution.CELL));
    Stamp previous = Stamp.ZERO;
    for (int i = 0; i < 20; i++) {
      RowOutcome o = write(region.peer(i % 2), t, WriteKind.UPSERT, row(9, new int[] {2}, i))
          .get(0);
      assertTrue(o.stamp().after(previous), o.stamp() + " after " + previous);
      assertEquals(Stamp.regionId("us-east-1"), o.stamp().origin());
      previous = o.stamp();
    }
  }

  @Test
  void rowResolutionWritesTheWholeRowWithOneStamp() throws Exception {
    PeerNode a = region.peer(0);
    TableSchema t = create(a, simple("PERROW", ConflictResolution.ROW));
    assertEquals(RowOutcome.Status.APPLIED, writeOne(a, t, WriteKind.INSERT,
        row(1, new int[] {1, 2}, "x", 1)));
    RowOutcome updated = write(region.peer(1), t, WriteKind.UPDATE, row(1, new int[] {2}, 2))
        .get(0);
    assertArrayEquals(new Object[] {1L, "x", 2}, get(a, t, 1L));

    byte[] key = keyBytes(1L);
    StoredRow stored = RowFormat.decode(a.hazelcast().<byte[], byte[]>getMap("t." + t.tableId())
        .get(key));
    assertEquals(3, stored.cellCount());
    for (Cell c : stored.cells()) {
      assertEquals(updated.stamp(), c.stamp(), "every cell carries the winning write's stamp");
    }
  }

  @Test
  void manyRowsGoInOneRequestAndComeBackInOrder() throws Exception {
    TableSchema t = create(region.peer(0), simple("BULK", ConflictResolution.CELL));
    List<RowWrite> rows = new ArrayList<>();
    List<Object[]> keys = new ArrayList<>();
    for (long id = 0; id < 500; id++) {
      rows.add(row(id, new int[] {1, 2}, "r" + id, (int) id));
      keys.add(new Object[] {id});
    }
    keys.add(new Object[] {10_000L});
    keys.add(new Object[] {null});
    Response w = call(region.peer(1), new Request.Write(t.tableId(), WriteKind.INSERT, rows));
    List<RowOutcome> outcomes = assertInstanceOf(Response.Written.class, w).outcomes();
    assertEquals(500, outcomes.size());
    assertTrue(outcomes.stream().allMatch(o -> o.status() == RowOutcome.Status.APPLIED));

    Response r = call(region.peer(0), new Request.Get(t.tableId(), keys));
    List<Object[]> got = assertInstanceOf(Response.Rows.class, r).rows();
    assertEquals(502, got.size());
    for (int id = 0; id < 500; id++) {
      assertArrayEquals(new Object[] {(long) id, "r" + id, id}, got.get(id));
    }
    assertNull(got.get(500));
    assertNull(got.get(501));
  }

  @Test
  void badRequestsAreErrorsNotExceptions() throws Exception {
    PeerNode a = region.peer(0);
    TableSchema t = create(a, simple("BAD", ConflictResolution.CELL));
    Response unknown = call(a, new Request.Write(12345L, WriteKind.UPSERT,
        List.of(row(1, new int[0]))));
    assertEquals(new Response.Error(SqlState.UNDEFINED_TABLE,
        "table id 12345 was dropped or re-created; reload the catalog"), unknown);
    assertEquals(SqlState.PROTOCOL_VIOLATION,
        assertInstanceOf(Response.Error.class, call(a, null)).state());
    assertEquals(SqlState.PROTOCOL_VIOLATION, assertInstanceOf(Response.Error.class,
        call(a, new Request.Get(t.tableId(), List.<Object[]>of(new Object[] {1L, 2L})))).state());
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, assertInstanceOf(Response.Error.class,
        call(a, new Request.Get(t.tableId(), List.<Object[]>of(new Object[] {"one"})))).state());
    assertEquals(SqlState.PROTOCOL_VIOLATION, assertInstanceOf(Response.Error.class,
        call(a, new Request.Write(t.tableId(), null, List.of()))).state());
    assertEquals(new Response.Written(List.of()),
        call(a, new Request.Write(t.tableId(), WriteKind.INSERT, List.of())));
  }

  @Test
  void portZeroPicksAFreePortAndAClosedPeerAnswersErrors() throws Exception {
    PeerNode alone = PeerNode.start(PeerConfig.builder().region("ap-south-1").hazelcastPort(0)
        .clientPort(0).build());
    int port;
    try {
      port = alone.config().hazelcastPort();
      assertNotEquals(0, port);
      assertEquals("127.0.0.1:" + port, alone.name());
      assertEquals(port, alone.hazelcastAddress().getPort());
      assertEquals(Stamp.regionId("ap-south-1"), alone.regionId());
      assertEquals("meridian-ap-south-1", alone.hazelcast().getConfig().getClusterName());
      assertEquals(1, alone.hazelcast().getCluster().getMembers().size(),
          "a region's peer group never joins another region's");
      assertInstanceOf(Response.Pong.class, call(alone, new Request.Ping()));
    } finally {
      alone.close();
    }
    alone.close();
    Response r = call(alone, new Request.Get(1L, List.<Object[]>of(new Object[] {1L})));
    assertEquals(SqlState.CONNECTION_FAILURE, assertInstanceOf(Response.Error.class, r).state(),
        r.toString());
  }

  private static byte[] keyBytes(long id) {
    io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
    try {
      dev.meridian.protocol.wire.Values.write(buf, id);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }
}
