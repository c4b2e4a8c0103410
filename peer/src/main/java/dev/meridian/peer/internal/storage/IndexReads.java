package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves {@link Request.IndexScan} on the peer the driver asked: every member of the region
 * reads at most {@code limit} rows from the partitions it owns, in index order
 * ({@link RowIndexes#read}, which leaves out rows expired at the read's moment); this peer
 * merges their answers, keeps the first {@code limit} and
 * projects the asked columns, without blocking a thread while the members work. Thread-safe.
 */
final class IndexReads {
  private final IndexCatalog catalog;

  IndexReads(IndexCatalog catalog) {
    this.catalog = catalog;
  }

  /** Answers an index scan; completes once every member answered. */
  CompletionStage<Response> read(TableSchema schema, Request.IndexScan scan, long now) {
    if (IndexDef.isPrimaryKey(scan.index())) {
      IndexDef key = IndexDef.primaryKey(schema);
      return read(schema, scan, key.name().equals(scan.index()) ? key : null, now);
    }
    return catalog.ready(scan.index()).thenCompose(def -> read(schema, scan, def, now));
  }

  private CompletionStage<Response> read(TableSchema schema, Request.IndexScan scan,
      IndexDef def, long now) {
    if (def == null || def.tableId() != schema.tableId()) {
      return done(new Response.Error(SqlState.UNDEFINED_OBJECT, "index " + scan.index()
          + " of table " + schema.name() + " does not exist or is still being built"));
    }
    if (scan.limit() < 1 || scan.limit() > Scans.MAX_PAGE_ROWS) {
      return done(new Response.Error(SqlState.PROTOCOL_VIOLATION, "an index read of "
          + scan.limit() + " rows; ask for 1 to " + Scans.MAX_PAGE_ROWS));
    }
    for (int c : scan.columns()) {
      if (c < 0 || c >= schema.columnCount()) {
        return done(new Response.Error(SqlState.PROTOCOL_VIOLATION, "index read of table "
            + schema.name() + " asks for column " + c + " of " + schema.columnCount()));
      }
    }
    IndexRead read = new IndexRead(schema.tableId(), def.name(), schema.columnCount(),
        scan.filter(), scan.low(), scan.lowInclusive(), scan.high(), scan.highInclusive(),
        scan.reverse(), scan.limit(), def.primaryKey() ? def : null, schema.ttlColumn(), now);
    IndexOrder order = new IndexOrder(def);
    return catalog.onEveryMember(IndexCall.read(read))
        .thenApply(parts -> merge(schema, scan, order, parts));
  }

  private static Response merge(TableSchema schema, Request.IndexScan scan, IndexOrder order,
      List<List<byte[]>> parts) {
    // Sorting needs the indexed columns only: the rest of a row is decoded if it is returned.
    int width = 0;
    for (int c : order.columns()) {
      width = Math.max(width, c + 1);
    }
    record Found(IndexOrder.Entry entry, StoredRow stored) {}
    List<Found> found = new ArrayList<>();
    for (List<byte[]> part : parts) {
      for (int i = 0; i + 1 < part.size(); i += 2) {
        StoredRow stored = RowFormat.decode(part.get(i + 1));
        Object[] indexed = stored.visibleValues(width);
        if (indexed != null) {
          found.add(new Found(order.entry(indexed, part.get(i)), stored));
        }
      }
    }
    Comparator<IndexOrder.Entry> walk = scan.reverse() ? order.reversed() : order;
    found.sort((a, b) -> walk.compare(a.entry(), b.entry()));
    int projectedWidth = 0;
    for (int c : scan.columns()) {
      projectedWidth = Math.max(projectedWidth, c + 1);
    }
    List<Object[]> rows = new ArrayList<>(Math.min(found.size(), scan.limit()));
    for (Found f : found) {
      if (rows.size() == scan.limit()) {
        break;
      }
      Object[] row = f.stored().visibleValues(projectedWidth);
      Object[] out = new Object[scan.columns().length];
      for (int i = 0; i < out.length; i++) {
        out[i] = row[scan.columns()[i]];
      }
      rows.add(out);
    }
    return new Response.Rows(rows);
  }

  private static CompletionStage<Response> done(Response r) {
    return CompletableFuture.completedFuture(r);
  }
}
