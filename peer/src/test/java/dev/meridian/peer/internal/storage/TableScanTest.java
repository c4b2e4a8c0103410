package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.api.PeerNode;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.protocol.wire.WriteKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scans over a real two-peer region: the filter and projection run where the rows are, deleted
 * rows stay invisible, pages respect their size, and a scan closed early is forgotten.
 */
class TableScanTest {
  private static final int ROWS = 2_000;
  private static TestRegion region;
  private static TableSchema table;

  @BeforeAll
  static void startRegion() throws Exception {
    region = TestRegion.start("eu-west-1", 2);
    PeerNode peer = region.peer(0);
    TableSchema schema = new TableSchema(0, "ITEMS", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("CATEGORY", ColumnType.of(TypeKind.VARCHAR, 20), true),
        new ColumnDef("AMOUNT", ColumnType.of(TypeKind.INTEGER), true)),
        List.of(0), ConflictResolution.CELL);
    table = assertInstanceOf(Response.TableCreated.class,
        call(peer, new Request.CreateTable(schema, false))).schema();
    List<RowWrite> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      rows.add(new RowWrite(new Object[] {id}, new int[] {0, 1, 2},
          new Object[] {id, "c" + (id % 5), id % 7 == 0 ? null : (int) (id % 100)}));
    }
    Response written = call(peer, new Request.Write(table.tableId(), WriteKind.UPSERT, rows));
    assertTrue(assertInstanceOf(Response.Written.class, written).outcomes().stream()
        .allMatch(o -> o.status() == RowOutcome.Status.APPLIED));
    List<RowWrite> deletes = new ArrayList<>();
    for (long id = 0; id < ROWS; id += 10) {
      deletes.add(new RowWrite(new Object[] {id}, new int[0], new Object[0]));
    }
    call(peer, new Request.Write(table.tableId(), WriteKind.DELETE, deletes));
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

  /** Every row of a scan, page by page, checking page sizes. */
  private static List<Object[]> scanAll(PeerNode peer, int[] columns, ScanFilter filter,
      int pageRows) throws Exception {
    List<Object[]> out = new ArrayList<>();
    Response r = call(peer, new Request.Scan(table.tableId(), columns, filter, pageRows));
    while (true) {
      Response.ScanPage page = assertInstanceOf(Response.ScanPage.class, r, r::toString);
      assertTrue(page.rows().size() <= pageRows);
      out.addAll(page.rows());
      if (page.last()) {
        return out;
      }
      assertEquals(pageRows, page.rows().size(), "only the last page may be short");
      r = call(peer, new Request.ScanNext(page.scanId(), pageRows));
    }
  }

  @Test
  void filterAndProjectionRunOnTheRowsAndDeletedRowsStayInvisible() throws Exception {
    ScanFilter filter = new ScanFilter.And(List.of(
        new ScanFilter.Compare(2, ScanFilter.Op.GE, 50),
        new ScanFilter.In(1, List.of("c1", "c3"))));
    List<Object[]> rows = scanAll(region.peer(1), new int[] {2, 0}, filter, 37);
    Set<Long> ids = new HashSet<>();
    for (Object[] row : rows) {
      assertEquals(2, row.length);
      ids.add((Long) row[1]);
    }
    Set<Long> expected = new HashSet<>();
    for (long id = 0; id < ROWS; id++) {
      String category = "c" + (id % 5);
      boolean amountOk = id % 7 != 0 && id % 100 >= 50;
      if (id % 10 != 0 && amountOk && (category.equals("c1") || category.equals("c3"))) {
        expected.add(id);
      }
    }
    assertEquals(expected, ids);
    assertEquals(expected.size(), rows.size(), "each row once");
  }

  @Test
  void aScanWithoutFilterSeesEveryVisibleRow() throws Exception {
    List<Object[]> rows = scanAll(region.peer(0), new int[] {0}, null, 500);
    assertEquals(ROWS - ROWS / 10, rows.size());
  }

  @Test
  void aClosedScanIsForgottenAndNextSaysSo() throws Exception {
    PeerNode peer = region.peer(0);
    Response.ScanPage first = assertInstanceOf(Response.ScanPage.class,
        call(peer, new Request.Scan(table.tableId(), new int[] {0}, null, 10)));
    assertFalse(first.last());
    Response.ScanPage closed = assertInstanceOf(Response.ScanPage.class,
        call(peer, new Request.ScanClose(first.scanId())));
    assertTrue(closed.last());
    Response.Error e = assertInstanceOf(Response.Error.class,
        call(peer, new Request.ScanNext(first.scanId(), 10)));
    assertEquals(SqlState.INVALID_CURSOR_STATE, e.state());
    Response.Error bad = assertInstanceOf(Response.Error.class,
        call(peer, new Request.Scan(table.tableId(), new int[] {9}, null, 10)));
    assertEquals(SqlState.PROTOCOL_VIOLATION, bad.state());
  }
}
