package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import java.util.List;
import java.util.Map;

/**
 * A peer's answer to a {@link Request}, carrying the request's id on the wire. A request is
 * answered by exactly one response. (The frame layout keeps a {@code MORE} flag for answers in
 * several frames; scans page by request instead, so that the driver sets the pace.)
 */
public sealed interface Response {

  /** Answer to {@link Request.Ping}: who answered and its clock. */
  record Pong(String region, String peer, long hlc) implements Response {}

  /**
   * Answer to {@link Request.GetPartitions}: for each partition id, the driver-protocol address
   * ({@code host:port}) of the peer that owns it, or an empty string when unknown. A snapshot:
   * partitions move when peers come and go, and a request sent to a non-owner is still served.
   */
  record Partitions(List<String> owners) implements Response {}

  /** Answer to {@link Request.GetCatalog}. */
  record Catalog(List<TableSchema> tables) implements Response {}

  /** Answer to {@link Request.CreateTable}: whether it was created, and the stored definition. */
  record TableCreated(boolean created, TableSchema schema) implements Response {}

  /** Answer to {@link Request.DropTable}: whether a table was dropped. */
  record TableDropped(boolean dropped) implements Response {}

  /** Answer to {@link Request.AlterTable}: the definition now stored. */
  record TableAltered(TableSchema schema) implements Response {}

  /**
   * Answer to {@link Request.Get}: per key, in order, the row's values in column order, or
   * null when the row is not visible in the serving region.
   */
  record Rows(List<Object[]> rows) implements Response {}

  /**
   * Answer to {@link Request.AwaitApplied}: whether every required write is applied, and per
   * origin region the time (origin wall-clock milliseconds) below which this region holds
   * every write of that origin; origins it has no figure for are absent.
   */
  record Applied(boolean satisfied, Map<String, Long> throughMillis) implements Response {}

  /** Answer to {@link Request.LinkProgress}. */
  record ProgressNoted() implements Response {}

  /** Answer to {@link Request.Write}: one outcome per row, in order. */
  record Written(List<RowOutcome> outcomes) implements Response {}

  /**
   * A page of a scan ({@link Request.Scan}, {@link Request.ScanNext}): rows of the asked
   * columns, and whether this is the last page (the peer then forgets the scan).
   */
  record ScanPage(long scanId, List<Object[]> rows, boolean last) implements Response {}

  /** Answer to {@link Request.CreateIndex}: whether it was created, and the stored definition. */
  record IndexCreated(boolean created, dev.meridian.protocol.types.IndexDef index)
      implements Response {}

  /** Answer to {@link Request.DropIndex}: whether an index was dropped. */
  record IndexDropped(boolean dropped) implements Response {}

  /** Answer to {@link Request.GetIndexes}: the serving region's indexes, sorted by name. */
  record Indexes(List<dev.meridian.protocol.types.IndexDef> indexes) implements Response {}

  /** The whole request failed; nothing was applied unless the message says otherwise. */
  record Error(SqlState state, String message) implements Response {}

  // ---- between regions (replication links) ----

  /**
   * Answer to {@link Request.LinkHello}: the receiver's region and storage epoch, a random id
   * drawn when the region's storage was created. A new epoch means the region restarted empty.
   */
  record LinkWelcome(String region, long epoch) implements Response {}

  /** Answer to {@link Request.SyncCatalog}: the receiver's catalog after adopting the sender's. */
  record CatalogState(List<TableSchema> tables, List<Long> dropped,
      List<dev.meridian.protocol.auth.UserRecord> users) implements Response {
    /** A catalog without users. */
    public CatalogState(List<TableSchema> tables, List<Long> dropped) {
      this(tables, dropped, List.of());
    }
  }

  /** Answers a user change: whether it changed anything. */
  record UserChanged(boolean changed) implements Response {}

  /**
   * Answer to {@link Request.Replicate}: when the batch was applied (the receiver's wall clock,
   * for lag), how many of its records lost a cell to a newer stamp already held (conflicts
   * resolved) and how many carried a stamp beyond the receiver's maximum clock offset.
   */
  record Replicated(long appliedAtMillis, int conflicts, int skewEvents) implements Response {}

  /** Answer to {@link Request.GetDigests}: bucket hashes per asked partition, in order. */
  record Digests(List<long[]> digests) implements Response {}

  /** Answer to {@link Request.GetRowHashes}: parallel arrays of key hash and row hash. */
  record RowHashes(long[] keyHashes, long[] rowHashes) implements Response {}

  /** Answer to {@link Request.Repair}: rows compared and rows shipped. */
  record RepairDone(long rowsCompared, long rowsShipped) implements Response {}
}
