package dev.meridian.protocol.wire;

import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import java.util.List;
import java.util.Map;

/**
 * A request from the driver to a peer. Each request travels in one frame with a request id
 * chosen by the client; the peer answers with {@link Response}s carrying the same id.
 *
 * <p>Values inside {@link Get} and {@link Write} are canonical Java values of their column's
 * type (see {@link dev.meridian.protocol.types.ColumnType#coerce}); the peer checks them again
 * against its own catalog.
 */
public sealed interface Request {

  /** Liveness and round-trip probe; answered by {@link Response.Pong}. */
  record Ping() implements Request {}

  /**
   * Asks which peer owns each partition of the region; answered by {@link Response.Partitions}.
   * The driver uses it to send a key's request straight to its owner.
   */
  record GetPartitions() implements Request {}

  /** Asks for every table definition; answered by {@link Response.Catalog}. */
  record GetCatalog() implements Request {}

  /**
   * Creates a table (its {@code tableId} is 0: the peer assigns one); answered by
   * {@link Response.TableCreated}.
   */
  record CreateTable(TableSchema schema, boolean ifNotExists) implements Request {}

  /** Drops a table by name; answered by {@link Response.TableDropped}. */
  record DropTable(String name, boolean ifExists) implements Request {}

  /**
   * Replaces the definition of table {@code name} by its next version {@code next} (which may
   * carry another name: {@code RENAME TO}); the peer stores it only when its current version is
   * {@code next.version() - 1} and {@code next} may follow it. Answered by
   * {@link Response.TableAltered}.
   */
  record AlterTable(String name, TableSchema next) implements Request {}

  /**
   * Session consistency: asks whether the region has applied every write that originated in
   * each named region with a stamp up to the given hlc value, waiting up to {@code waitMillis}
   * for it (0: answer at once). Answered by {@link Response.Applied}. A region's own writes
   * need no entry: they are visible in it at once.
   *
   * @param required origin region name to the highest hlc value the session wrote there
   */
  record AwaitApplied(Map<String, Long> required, int waitMillis) implements Request {}

  /**
   * Session consistency when the region's figures cannot vouch for the session's latest
   * writes (their origin region is down, say): satisfied when, for each origin, either the
   * region has applied every write of it up to {@code required} (as {@link AwaitApplied}), or
   * it has applied every write up to {@code floors} (0: nothing) and holds each listed row
   * write of that origin, exactly. Waits up to {@code waitMillis}; answered by
   * {@link Response.Applied}.
   *
   * @param required origin region name to the highest hlc value the session wrote there
   * @param floors origin region name to the hlc value below which the session's writes there
   *     are not listed in {@code rows} (0 when every one since the session began is listed)
   * @param rows the session's writes above the floors
   */
  record AwaitRows(Map<String, Long> required, Map<String, Long> floors, List<WrittenRow> rows,
      int waitMillis) implements Request {}

  /**
   * One write a session made: a row of a table, its stamp, and what it wrote. A region holds
   * it when each written cell (or, for a delete, the row's tombstone) carries that stamp or a
   * later one, or a later tombstone covers the row: a read there shows the write or a newer
   * state.
   *
   * @param key values of the key columns, in key order
   * @param columns the written columns (empty for a delete)
   */
  record WrittenRow(long tableId, Object[] key, Stamp stamp, int[] columns, boolean delete) {}

  /**
   * Point reads of one table: each key is the values of the key columns in key order.
   * Answered by {@link Response.Rows} with one entry per key, in order.
   */
  record Get(long tableId, List<Object[]> keys) implements Request {}

  /**
   * Writes rows of one table, each independently (per-row autocommit). Answered by
   * {@link Response.Written} with one outcome per row, in order.
   */
  record Write(long tableId, WriteKind kind, List<RowWrite> rows) implements Request {}

  /**
   * Opens a scan of one table over the serving region's replica: the peers evaluate
   * {@code filter} (null: every visible row) on the partitions they own and ship only the
   * {@code columns} asked for (table column indexes, in that order). Answered by the first
   * {@link Response.ScanPage} of at most {@code pageRows} rows; the driver asks for the next
   * with {@link ScanNext} and stops early with {@link ScanClose}. Rows come in no particular
   * order. A scan left without a request for a while is closed by the peer.
   */
  record Scan(long tableId, int[] columns, ScanFilter filter, int pageRows) implements Request {}

  /** Asks an open scan for its next page of at most {@code pageRows} rows. */
  record ScanNext(long scanId, int pageRows) implements Request {}

  /** Closes an open scan early; answered by an empty last {@link Response.ScanPage}. */
  record ScanClose(long scanId) implements Request {}

  /**
   * Creates a secondary index in the serving region (its {@code ready} flag is ignored) and
   * builds it for the rows already there before answering {@link Response.IndexCreated}.
   */
  record CreateIndex(dev.meridian.protocol.types.IndexDef index, boolean ifNotExists)
      implements Request {}

  /** Drops a secondary index of the serving region; answered by {@link Response.IndexDropped}. */
  record DropIndex(String name, boolean ifExists) implements Request {}

  /** Asks for the serving region's secondary indexes; answered by {@link Response.Indexes}. */
  record GetIndexes() implements Request {}

  /**
   * Reads rows of one table through a ready secondary index of the serving region, in the
   * index's order (or the reverse), without scanning the table: only entries whose first index
   * column lies between {@code low} and {@code high} (null: unbounded on that side) are visited,
   * every visited row must also pass {@code filter} (null: every row), and the walk stops after
   * {@code limit} rows. Each member of the region returns at most {@code limit} rows of the
   * partitions it owns; the serving peer merges them. Answered by {@link Response.Rows} holding
   * the {@code columns} asked for, in order.
   */
  record IndexScan(long tableId, String index, int[] columns, ScanFilter filter, Object low,
      boolean lowInclusive, Object high, boolean highInclusive, boolean reverse, int limit)
      implements Request {}

  /**
   * Creates a user ({@code create}; {@code ifNotExists} makes an existing name no error) or sets
   * an existing user's password. The driver computes the verifier, so the password itself never
   * reaches a peer. Needs the admin right. Answered by {@link Response.UserChanged}.
   */
  record PutUser(String name, dev.meridian.protocol.auth.ScramVerifier verifier, boolean create,
      boolean ifNotExists) implements Request {}

  /** Drops a user; needs the admin right. Answered by {@link Response.UserChanged}. */
  record DropUser(String name, boolean ifExists) implements Request {}

  /**
   * Grants ({@code revoke} false) or revokes table privileges ({@link
   * dev.meridian.protocol.auth.Privilege} bits) on one table, or on every table when {@code
   * table} is {@value dev.meridian.protocol.auth.UserRecord#ALL_TABLES}, and/or the admin right.
   * Needs the admin right. Answered by {@link Response.UserChanged}.
   */
  record Grant(String user, String table, int privileges, boolean admin, boolean revoke)
      implements Request {}

  // ---- between regions (replication links) ----

  /** Opens a replication link from a peer of {@code fromRegion}; answered by {@link Response.LinkWelcome}. */
  record LinkHello(String fromRegion) implements Request {}

  /**
   * The sender's table definitions, the ids of table incarnations it has dropped, and its users
   * (each version stamped, dropped users included); the receiver adopts what it lacks and answers with its own state ({@link Response.CatalogState}),
   * so both sides converge on the same catalog.
   */
  record SyncCatalog(List<TableSchema> tables, List<Long> dropped,
      List<dev.meridian.protocol.auth.UserRecord> users) implements Request {
    /** A catalog without users. */
    public SyncCatalog(List<TableSchema> tables, List<Long> dropped) {
      this(tables, dropped, List.of());
    }
  }

  /**
   * Change records that originated in {@code origin}, for a receiver whose storage epoch is
   * {@code targetEpoch}. The receiver merges each into its replica and answers
   * {@link Response.Replicated} once all are applied and backed up, or an error without
   * applying anything when its epoch differs (it restarted empty: the sender must repair).
   */
  record Replicate(String origin, long targetEpoch, List<ChangeRecord> records)
      implements Request {}

  /**
   * Asks for the digests of some partitions of a table (anti-entropy, first level); answered
   * by {@link Response.Digests}, one array of bucket hashes per partition, in order. Only rows
   * that both {@code fromRegion} (the asking region) and the answering region may hold by
   * their residency rules count.
   */
  record GetDigests(long tableId, List<Integer> partitions, String fromRegion)
      implements Request {
    /** A null region travels as "" (unknown: only rows every region may hold count). */
    public GetDigests {
      fromRegion = fromRegion == null ? "" : fromRegion;
    }
  }

  /**
   * Asks for the hash of every row in some buckets of one partition (anti-entropy, second
   * level); answered by {@link Response.RowHashes}. Rows as for {@link GetDigests}.
   */
  record GetRowHashes(long tableId, int partition, List<Integer> buckets, String fromRegion)
      implements Request {
    /** A null region travels as "". */
    public GetRowHashes {
      fromRegion = fromRegion == null ? "" : fromRegion;
    }
  }

  /**
   * A link's progress report: the sending peer of region {@code origin} has had every change
   * of the listed partitions applied by the receiver up to {@code throughMillis} (wall clock
   * of the origin, physical part of stamps). The receiving region keeps, per origin and
   * partition, the highest such time, and from them answers {@link AwaitApplied}. Answered by
   * {@link Response.ProgressNoted}.
   *
   * @param partitionBits bit {@code p} set for every partition {@code p} the report covers
   */
  record LinkProgress(String origin, long throughMillis, int partitionCount, long[] partitionBits)
      implements Request {}

  /**
   * Reads a system table ({@code meridian.<name>}); answered by {@link Response.Rows} whose
   * rows follow {@link dev.meridian.protocol.types.SystemTables}'s columns.
   */
  record ReadSystemTable(String name) implements Request {}

  /**
   * Runs anti-entropy repair from the serving region towards {@code targetRegion} (or every
   * other region when empty) now; answered by {@link Response.RepairDone}.
   */
  record Repair(String targetRegion) implements Request {}
}
