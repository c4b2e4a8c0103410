package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.api.PeerNode;
import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.protocol.wire.WriteKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secondary indexes over a real two-peer region: a read through an index returns exactly what a
 * full scan with the same condition returns, sorted the index's way (random data and random
 * reads from one printed seed, with NULLs, descending and composite indexes, rows updated,
 * deleted and purged); an index built while eight writers write agrees with the rows exactly.
 */
class SecondaryIndexTest {
  private static final int ROWS = 3_000;
  private static final long SEED = Long.getLong("meridian.seed", System.nanoTime());
  private static TestRegion region;

  @BeforeAll
  static void startRegion() {
    System.out.println("SecondaryIndexTest seed " + SEED + " (rerun with -Dmeridian.seed=" + SEED
        + ")");
    region = TestRegion.start("eu-west-1", 2);
  }

  @AfterAll
  static void stopRegion() {
    if (region != null) {
      region.close();
    }
  }

  private static Response call(PeerNode peer, Request request) throws Exception {
    return peer.handler().handle(request).toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static TableSchema createTable(String name) throws Exception {
    TableSchema schema = new TableSchema(0, name, List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("SCORE", ColumnType.of(TypeKind.INTEGER), true),
        new ColumnDef("GRP", ColumnType.of(TypeKind.INTEGER), true),
        new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 10), true)),
        List.of(0), ConflictResolution.CELL);
    return assertInstanceOf(Response.TableCreated.class,
        call(region.peer(0), new Request.CreateTable(schema, false))).schema();
  }

  private static IndexDef index(TableSchema t, String name, int[] columns, boolean[] desc)
      throws Exception {
    List<IndexDef.Key> keys = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      keys.add(new IndexDef.Key(columns[i], desc[i]));
    }
    Response r = call(region.peer(1), new Request.CreateIndex(
        new IndexDef(name, t.name(), t.tableId(), keys, false), false));
    IndexDef made = assertInstanceOf(Response.IndexCreated.class, r, r::toString).index();
    assertTrue(made.ready());
    return made;
  }

  private static Object[] randomRow(Random random, long id) {
    return new Object[] {id,
        random.nextInt(8) == 0 ? null : random.nextInt(101) - 50,
        random.nextInt(6) == 0 ? null : random.nextInt(5),
        random.nextInt(7) == 0 ? null : String.valueOf((char) ('a' + random.nextInt(8)))};
  }

  private static List<Stamp> write(TableSchema t, WriteKind kind, List<Object[]> rows)
      throws Exception {
    List<RowWrite> writes = new ArrayList<>();
    for (Object[] row : rows) {
      writes.add(kind == WriteKind.DELETE
          ? new RowWrite(new Object[] {row[0]}, new int[0], new Object[0])
          : new RowWrite(new Object[] {row[0]}, new int[] {0, 1, 2, 3}, row));
    }
    Response r = call(region.peer(0), new Request.Write(t.tableId(), kind, writes));
    List<Stamp> stamps = new ArrayList<>();
    for (RowOutcome o : assertInstanceOf(Response.Written.class, r, r::toString).outcomes()) {
      assertEquals(RowOutcome.Status.APPLIED, o.status(), o::toString);
      stamps.add(o.stamp());
    }
    return stamps;
  }

  private static List<Object[]> fullScan(TableSchema t, ScanFilter filter) throws Exception {
    List<Object[]> out = new ArrayList<>();
    Response r = call(region.peer(1), new Request.Scan(t.tableId(), new int[] {0, 1, 2, 3},
        filter, 10_000));
    while (true) {
      Response.ScanPage page = assertInstanceOf(Response.ScanPage.class, r, r::toString);
      out.addAll(page.rows());
      if (page.last()) {
        return out;
      }
      r = call(region.peer(1), new Request.ScanNext(page.scanId(), 10_000));
    }
  }

  /** What an index read must return: the full scan's rows in the index's order, cut. */
  private static List<Long> expected(TableSchema t, IndexDef def, ScanFilter filter,
      boolean reverse, int limit) throws Exception {
    IndexOrder order = new IndexOrder(def);
    Comparator<IndexOrder.Entry> walk = reverse ? order.reversed() : order;
    List<IndexOrder.Entry> entries = new ArrayList<>();
    java.util.Map<java.nio.ByteBuffer, Long> ids = new java.util.HashMap<>();
    for (Object[] row : fullScan(t, filter)) {
      byte[] key = TableKey.encode(new Object[] {row[0]});
      ids.put(java.nio.ByteBuffer.wrap(key), (Long) row[0]);
      entries.add(order.entry(row, key));
    }
    entries.sort(walk);
    List<Long> out = new ArrayList<>();
    for (IndexOrder.Entry e : entries.subList(0, Math.min(limit, entries.size()))) {
      out.add(ids.get(java.nio.ByteBuffer.wrap(e.key())));
    }
    return out;
  }

  private static List<Long> viaIndex(TableSchema t, IndexDef def, ScanFilter filter, Object low,
      boolean lowIn, Object high, boolean highIn, boolean reverse, int limit, int peer)
      throws Exception {
    Response r = call(region.peer(peer), new Request.IndexScan(t.tableId(), def.name(),
        new int[] {0}, filter, low, lowIn, high, highIn, reverse, limit));
    List<Long> ids = new ArrayList<>();
    for (Object[] row : assertInstanceOf(Response.Rows.class, r, r::toString).rows()) {
      ids.add((Long) row[0]);
    }
    return ids;
  }

  private static Object value(Random random, int column) {
    return switch (column) {
      case 0 -> (long) random.nextInt(ROWS + 10);
      case 1 -> random.nextInt(111) - 55;
      case 2 -> random.nextInt(6);
      default -> String.valueOf((char) ('a' + random.nextInt(9)));
    };
  }

  private static ScanFilter residual(Random random) {
    int column = 1 + random.nextInt(3);
    return switch (random.nextInt(5)) {
      case 0 -> null;
      case 1 -> new ScanFilter.IsNull(column);
      case 2 -> new ScanFilter.Not(new ScanFilter.IsNull(column));
      default -> new ScanFilter.Compare(column,
          ScanFilter.Op.values()[random.nextInt(ScanFilter.Op.values().length)],
          value(random, column));
    };
  }

  @Test
  void readsThroughIndexesEqualFullScansOnRandomDataAndRandomReads() throws Exception {
    Random random = new Random(SEED);
    TableSchema t = createTable("RANDOM_ROWS");
    List<Object[]> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      rows.add(randomRow(random, id));
    }
    write(t, WriteKind.UPSERT, rows);
    // Half the indexes exist before the churn below, half are built over its result. The key's
    // implicit index is registered by its first read, here, and kept by the churn.
    IndexDef primaryKey = IndexDef.primaryKey(t);
    assertEquals(List.of(0L, 1L, 2L), viaIndex(t, primaryKey, null, null, false, null, false,
        false, 3, 1));
    List<IndexDef> indexes = new ArrayList<>();
    indexes.add(primaryKey);
    indexes.add(index(t, "R_SCORE_DESC", new int[] {1}, new boolean[] {true}));
    indexes.add(index(t, "R_GRP_SCORE", new int[] {2, 1}, new boolean[] {false, true}));
    List<Object[]> changed = new ArrayList<>();
    List<Object[]> deleted = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      int dice = random.nextInt(10);
      if (dice < 2) {
        changed.add(randomRow(random, id));
      } else if (dice < 3) {
        deleted.add(new Object[] {id});
      }
    }
    write(t, WriteKind.UPSERT, changed);
    List<Stamp> tombstones = write(t, WriteKind.DELETE, deleted);
    // Purge every other deleted row, as the purge does once every region acknowledged it.
    int purged = 0;
    for (int i = 0; i < deleted.size(); i += 2) {
      byte[] key = TableKey.encode(new Object[] {deleted.get(i)[0]});
      Stamp s = tombstones.get(i);
      if (region.peer(0).replica().purge(t.tableId(), key, s.hlc(), s.origin())
          .toCompletableFuture().get(30, TimeUnit.SECONDS)) {
        purged++;
      }
    }
    assertEquals((deleted.size() + 1) / 2, purged);
    indexes.add(index(t, "R_NAME", new int[] {3}, new boolean[] {false}));
    indexes.add(index(t, "R_ID", new int[] {0}, new boolean[] {false}));
    indexes.add(index(t, "R_NAME_GRP_ID", new int[] {3, 2, 0},
        new boolean[] {true, false, true}));

    int cases = 2_000;
    long rowsCompared = 0;
    for (int c = 0; c < cases; c++) {
      IndexDef def = indexes.get(random.nextInt(indexes.size()));
      int first = def.keys().get(0).column();
      Object low = random.nextBoolean() ? value(random, first) : null;
      Object high = random.nextBoolean() ? value(random, first) : null;
      boolean lowIn = random.nextBoolean();
      boolean highIn = random.nextBoolean();
      List<ScanFilter> all = new ArrayList<>();
      if (low != null) {
        all.add(new ScanFilter.Compare(first, lowIn ? ScanFilter.Op.GE : ScanFilter.Op.GT, low));
      }
      if (high != null) {
        all.add(new ScanFilter.Compare(first, highIn ? ScanFilter.Op.LE : ScanFilter.Op.LT,
            high));
      }
      ScanFilter extra = residual(random);
      if (extra != null) {
        all.add(extra);
      }
      ScanFilter filter = all.isEmpty() ? null : all.size() == 1 ? all.get(0)
          : new ScanFilter.And(all);
      boolean reverse = random.nextBoolean();
      int limit = random.nextInt(4) == 0 ? Scans.MAX_PAGE_ROWS : 1 + random.nextInt(40);
      List<Long> want = expected(t, def, filter, reverse, limit);
      List<Long> got = viaIndex(t, def, filter, low, lowIn, high, highIn, reverse, limit,
          c % 2);
      String what = "case " + c + " (seed " + SEED + "): " + def.name() + " low=" + low
          + (lowIn ? "]" : ")") + " high=" + high + (highIn ? "]" : ")") + " reverse="
          + reverse + " limit=" + limit + " filter=" + filter;
      assertEquals(want, got, what);
      rowsCompared += want.size();
    }
    System.out.println(cases + " index reads equal their full scans, " + rowsCompared
        + " rows compared");
    assertTrue(rowsCompared > cases, "the reads found rows");
  }

  @Test
  void concurrentFirstReadsOfTheKeyIndexAllSeeEveryRow() throws Exception {
    TableSchema t = createTable("KEY_FIRST_READS");
    List<Object[]> rows = new ArrayList<>();
    Random random = new Random(SEED + 1);
    for (long id = 0; id < ROWS; id++) {
      rows.add(randomRow(random, id));
    }
    write(t, WriteKind.UPSERT, rows);
    IndexDef key = IndexDef.primaryKey(t);
    List<Long> all = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      all.add(id);
    }
    // Eight reads race to register and build the index on both peers: each must see every row.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
        .newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<List<Long>>> reads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int peer = i % 2;
        reads.add(pool.submit(() -> viaIndex(t, key, null, null, false, null, false, false,
            Scans.MAX_PAGE_ROWS, peer)));
      }
      for (java.util.concurrent.Future<List<Long>> read : reads) {
        List<Long> got = read.get(120, TimeUnit.SECONDS);
        assertEquals(all.size(), got.size(), "rows a first read found (seed " + SEED + ")");
        assertEquals(all, got);
      }
    } finally {
      pool.shutdownNow();
    }
    Response r = call(region.peer(0), new Request.IndexScan(t.tableId(),
        IndexDef.PRIMARY_KEY_PREFIX + (t.tableId() + 1), new int[] {0}, null, null, false, null,
        false, false, 1));
    assertEquals(SqlState.UNDEFINED_OBJECT, assertInstanceOf(Response.Error.class, r).state(),
        "another table's key index is not this table's");
  }

  @Test
  void anIndexBuiltWhileEightWritersWriteAgreesWithTheRowsExactly() throws Exception {
    TableSchema t = createTable("BUILT_UNDER_LOAD");
    Random setup = new Random(SEED + 1);
    List<Object[]> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      rows.add(randomRow(setup, id));
    }
    write(t, WriteKind.UPSERT, rows);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong writes = new AtomicLong();
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      long writerSeed = SEED + 100 + w;
      writers.add(CompletableFuture.runAsync(() -> {
        Random random = new Random(writerSeed);
        try {
          while (!stop.get()) {
            long id = random.nextInt(ROWS + 500);
            WriteKind kind = random.nextInt(5) == 0 ? WriteKind.DELETE : WriteKind.UPSERT;
            Object[] row = randomRow(random, id);
            RowWrite write = kind == WriteKind.DELETE
                ? new RowWrite(new Object[] {id}, new int[0], new Object[0])
                : new RowWrite(new Object[] {id}, new int[] {0, 1, 2, 3}, row);
            call(region.peer((int) (id % 2)), new Request.Write(t.tableId(), kind,
                List.of(write)));
            writes.incrementAndGet();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    Await.until("writers under way", Duration.ofSeconds(30), () -> writes.get() > 200);
    long before = writes.get();
    IndexDef def = index(t, "LOADED_SCORE", new int[] {1, 3}, new boolean[] {true, false});
    long during = writes.get() - before;
    Await.until("writes after the build", Duration.ofSeconds(30),
        () -> writes.get() > before + during + 200);
    stop.set(true);
    for (CompletableFuture<Void> w : writers) {
      w.get(60, TimeUnit.SECONDS);
    }
    System.out.println("index built while " + during + " writes ran; " + writes.get()
        + " writes in all");
    assertFalse(during == 0 && writes.get() == before, "writers ran");
    assertEquals(expected(t, def, null, false, Scans.MAX_PAGE_ROWS),
        viaIndex(t, def, null, null, false, null, false, false, Scans.MAX_PAGE_ROWS, 0));
    // And on each member, every owned partition holds exactly one entry per visible row.
    long entries = 0;
    for (int p = 0; p < 2; p++) {
      RowIndexes ix = (RowIndexes) region.peer(p).hazelcast().getUserContext()
          .get(RowIndexes.CONTEXT_KEY);
      RowIndex index = ix.named(def.name());
      for (com.hazelcast.partition.Partition part
          : region.peer(p).hazelcast().getPartitionService().getPartitions()) {
        if (part.getOwner().localMember()) {
          entries += index.partition(part.getPartitionId()).size();
        }
      }
    }
    assertEquals(fullScan(t, null).size(), entries);
  }

  @Test
  void unknownIndexesAndBadReadsAreRefusedWithTheirStates() throws Exception {
    TableSchema t = createTable("REFUSALS");
    Response r = call(region.peer(0), new Request.IndexScan(t.tableId(), "NO_SUCH",
        new int[] {0}, null, null, false, null, false, false, 10));
    assertEquals(SqlState.UNDEFINED_OBJECT, assertInstanceOf(Response.Error.class, r).state());
    IndexDef def = index(t, "REFUSALS_SCORE", new int[] {1}, new boolean[] {false});
    r = call(region.peer(0), new Request.IndexScan(t.tableId(), def.name(), new int[] {9},
        null, null, false, null, false, false, 10));
    assertEquals(SqlState.PROTOCOL_VIOLATION, assertInstanceOf(Response.Error.class, r).state());
    r = call(region.peer(0), new Request.CreateIndex(def, false));
    assertEquals(SqlState.DUPLICATE_TABLE, assertInstanceOf(Response.Error.class, r).state());
    r = call(region.peer(0), new Request.CreateIndex(def, true));
    assertFalse(assertInstanceOf(Response.IndexCreated.class, r).created());
    r = call(region.peer(1), new Request.DropIndex(def.name(), false));
    assertTrue(assertInstanceOf(Response.IndexDropped.class, r).dropped());
    r = call(region.peer(1), new Request.DropIndex(def.name(), false));
    assertEquals(SqlState.UNDEFINED_OBJECT, assertInstanceOf(Response.Error.class, r).state());
    r = call(region.peer(1), new Request.DropIndex(def.name(), true));
    assertFalse(assertInstanceOf(Response.IndexDropped.class, r).dropped());
  }

  @Test
  void droppingATableDropsItsIndexesAndFreesTheirNames() throws Exception {
    TableSchema t = createTable("DROPPED_WITH_INDEX");
    IndexDef def = index(t, "DROPPED_SCORE", new int[] {1}, new boolean[] {false});
    call(region.peer(0), new Request.DropTable(t.name(), false));
    Response r = call(region.peer(1), new Request.GetIndexes());
    assertTrue(assertInstanceOf(Response.Indexes.class, r).indexes().stream()
        .noneMatch(d -> d.name().equals(def.name())));
    for (int p = 0; p < 2; p++) {
      RowIndexes ix = (RowIndexes) region.peer(p).hazelcast().getUserContext()
          .get(RowIndexes.CONTEXT_KEY);
      Await.until("the index forgotten on peer " + p, Duration.ofSeconds(30),
          () -> ix.named(def.name()) == null);
    }
    TableSchema again = createTable("DROPPED_WITH_INDEX");
    assertTrue(index(again, "DROPPED_SCORE", new int[] {1}, new boolean[] {false}).ready());
  }
}
