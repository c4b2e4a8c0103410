package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.storage.ApplyProcessor;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.internal.storage.Residency;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ChangeRecord;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The receiving end of every link into this region, on one peer: answers hellos with the
 * region's epoch, exchanges catalogs, checks every change record of a batch against the
 * catalog ({@link FragmentCheck}: one that does not fit refuses the whole batch, logged and
 * counted; one written under a later version of its table, with a cell of a column this region
 * does not know yet, refuses it too, quietly: the link exchanges catalogs and resends), merges them into the replica (each on its partition owner, all of a batch in
 * parallel; the answer waits for every one and its backup)
 * and serves the digests anti-entropy asks for. Keeps per-origin figures of what it applied.
 * Thread-safe.
 */
final class LinkReceiver {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LinkReceiver.class);
  private final String region;
  private final RegionReplica replica;
  private final Executor blocking;
  private final LongSupplier nowMillis;
  private final ConcurrentMap<String, LinkStats> inbound = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> refusedFrames = new ConcurrentHashMap<>();

  LinkReceiver(String region, RegionReplica replica, Executor blocking, LongSupplier nowMillis) {
    this.region = region;
    this.replica = replica;
    this.blocking = blocking;
    this.nowMillis = nowMillis;
  }

  /**
   * Counts a frame refused from the link of {@code origin} (it spoke for another region, or a
   * record did not fit), and returns how many this peer has refused from it since it started.
   */
  long refused(String origin) {
    LongAdder n = refusedFrames.computeIfAbsent(origin, o -> new LongAdder());
    n.increment();
    return n.sum();
  }

  /** Per origin region: frames refused from its link since this peer started. */
  Map<String, Long> refusedFrames() {
    Map<String, Long> out = new java.util.TreeMap<>();
    refusedFrames.forEach((origin, n) -> out.put(origin, n.sum()));
    return out;
  }

  /** Per origin region: the lag and counters of what this peer applied from it. */
  Map<String, LinkStats> inbound() {
    return inbound;
  }

  /** Answers a request between regions, or returns null when it is not one of this class's. */
  CompletionStage<Response> handle(Request request) {
    if (request instanceof Request.LinkHello) {
      return done(new Response.LinkWelcome(region, replica.epoch()));
    } else if (request instanceof Request.SyncCatalog c) {
      return CompletableFuture.supplyAsync(() -> {
        replica.adoptCatalog(c.tables(), c.dropped());
        replica.adoptUsers(c.users());
        List<Long> dropped = new ArrayList<>();
        List<TableSchema> tables = replica.tablesAndDropped(dropped);
        return new Response.CatalogState(tables, dropped, replica.users());
      }, blocking);
    } else if (request instanceof Request.Replicate r) {
      return replicate(r);
    } else if (request instanceof Request.GetDigests d) {
      return CompletableFuture.supplyAsync(() -> {
        List<long[]> digests = new ArrayList<>();
        AntiEntropy.Scope scope = scope(d.tableId(), d.fromRegion());
        for (int p : d.partitions()) {
          checkPartition(p);
          digests.add(AntiEntropy.digest(replica.scan(d.tableId(), p), scope));
        }
        return new Response.Digests(digests);
      }, blocking);
    } else if (request instanceof Request.GetRowHashes h) {
      return CompletableFuture.supplyAsync(() -> {
        checkPartition(h.partition());
        Map<Long, Long> hashes = AntiEntropy.rowHashes(replica.scan(h.tableId(), h.partition()),
            h.buckets(), scope(h.tableId(), h.fromRegion()));
        long[] keys = new long[hashes.size()];
        long[] rows = new long[hashes.size()];
        int i = 0;
        for (Map.Entry<Long, Long> e : hashes.entrySet()) {
          keys[i] = e.getKey();
          rows[i++] = e.getValue();
        }
        return new Response.RowHashes(keys, rows);
      }, blocking);
    }
    return null;
  }

  /** The rows that a repair from {@code from} to this region covers (blocking). */
  private AntiEntropy.Scope scope(long tableId, String from) {
    TableSchema schema = replica.table(tableId).toCompletableFuture().join();
    return Residency.scope(schema == null ? null : replica.residency().pin(schema), from, region);
  }

  private void checkPartition(int p) {
    if (p < 0 || p >= replica.partitionCount()) {
      throw new IllegalArgumentException("no partition " + p);
    }
  }

  private CompletionStage<Response> replicate(Request.Replicate r) {
    if (r.targetEpoch() != replica.epoch()) {
      return done(new Response.Error(SqlState.CONNECTION_FAILURE, "region " + region
          + " has storage epoch " + replica.epoch() + ", not " + r.targetEpoch()
          + " (it restarted empty): reconnect and repair"));
    }
    // Check every fragment before applying any, so a malformed batch changes nothing.
    long[] commitMillis = new long[r.records().size()];
    Map<Long, CompletionStage<TableSchema>> tables = new HashMap<>();
    for (int i = 0; i < commitMillis.length; i++) {
      ChangeRecord c = r.records().get(i);
      try {
        commitMillis[i] = RowFormat.decode(c.row()).maxStamp().millis();
      } catch (MeridianException e) {
        long count = refused(r.origin());
        LOG.warn("{}: refused a frame from {} ({} so far): record {} is not a stored row: {}",
            region, r.origin(), count, i, e.getMessage());
        return done(new Response.Error(SqlState.PROTOCOL_VIOLATION,
            "record " + i + " is not a stored row: " + e.getMessage()));
      }
      tables.computeIfAbsent(c.tableId(), replica::table);
    }
    CompletableFuture<?>[] lookups = tables.values().stream()
        .map(CompletionStage::toCompletableFuture).toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(lookups).thenCompose(v -> {
      long checkedAt = nowMillis.getAsLong();
      for (int i = 0; i < r.records().size(); i++) {
        ChangeRecord c = r.records().get(i);
        TableSchema schema = tables.get(c.tableId()).toCompletableFuture().join();
        if (schema == null) {
          if (replica.isDropped(c.tableId())) {
            continue;
          }
          return done(new Response.Error(SqlState.UNDEFINED_TABLE, "table id "
              + Long.toHexString(c.tableId()) + " is not in " + region
              + "'s catalog yet: exchange catalogs and resend"));
        }
        int unknown = FragmentCheck.newerColumn(schema, c);
        if (unknown >= 0) {
          // Written under a later version of the table than this region holds: hold the
          // batch (the link reconnects, which exchanges catalogs, and resends it).
          return done(new Response.Error(SqlState.UNDEFINED_COLUMN, "record " + i + " of table "
              + schema.name() + " has a cell of column id " + unknown + ", newer than version "
              + schema.version() + " of " + region + "'s catalog: exchange catalogs and resend"));
        }
        String problem = FragmentCheck.problem(schema, c, checkedAt);
        if (problem != null) {
          // The whole frame is refused: the link does not advance past a record it cannot take.
          long count = refused(r.origin());
          LOG.warn("{}: refused a frame of {} record(s) from {} ({} so far): record {} of table {}"
              + " does not fit: {}", region, r.records().size(), r.origin(), count, i,
              schema.name(), problem);
          return done(new Response.Error(SqlState.PROTOCOL_VIOLATION, "record " + i + " of table "
              + schema.name() + " does not fit " + region + "'s catalog: " + problem));
        }
      }
      List<CompletableFuture<Integer>> applied = new ArrayList<>(r.records().size());
      for (ChangeRecord c : r.records()) {
        TableSchema schema = tables.get(c.tableId()).toCompletableFuture().join();
        if (schema == null) {
          // A dropped table's record: nothing to apply, and no figure either.
          applied.add(CompletableFuture.completedFuture(ApplyProcessor.UNCHANGED));
          continue;
        }
        applied.add(replica.apply(c.tableId(), schema.resolution(), c.key(), c.row(),
            replica.residency().pin(schema)).toCompletableFuture());
      }
      return CompletableFuture.allOf(applied.toArray(new CompletableFuture<?>[0]))
          .thenApply(x -> {
            int conflicts = 0;
            int skew = 0;
            int refused = 0;
            boolean[] held = new boolean[applied.size()];
            for (int i = 0; i < held.length; i++) {
              int bits = applied.get(i).join();
              // Already held exactly (a record shipped again, e.g. after a backfill, or twice):
              // its age says nothing about this link. A record that lost is a conflict, and lag.
              held[i] = (bits & ApplyProcessor.UNCHANGED) != 0
                  && (bits & ApplyProcessor.CONFLICT) == 0;
              conflicts += (bits & ApplyProcessor.CONFLICT) != 0 ? 1 : 0;
              skew += (bits & ApplyProcessor.SKEW) != 0 ? 1 : 0;
              refused += (bits & ApplyProcessor.REFUSED) != 0 ? 1 : 0;
            }
            if (refused > 0) {
              LOG.warn("{}: refused to store {} row(s) from {} that residency rules keep out of"
                  + " this region (only their tombstones were applied); are the routing configs"
                  + " of the regions the same?", region, refused, r.origin());
            }
            long now = nowMillis.getAsLong();
            record(r.origin(), commitMillis, held, now, conflicts, skew);
            return new Response.Replicated(now, conflicts, skew);
          });
    });
  }

  private void record(String origin, long[] commitMillis, boolean[] held, long now,
      int conflicts, int skew) {
    LinkStats stats = inbound.computeIfAbsent(origin, o -> new LinkStats(nowMillis));
    stats.state("up");
    int reshipped = 0;
    for (int i = 0; i < commitMillis.length; i++) {
      if (held[i]) {
        reshipped++;
      } else {
        stats.recordLag(now - commitMillis[i]);
      }
    }
    stats.reshipped(reshipped);
    stats.applied(commitMillis.length, now, conflicts);
    stats.skew(skew);
  }

  private static CompletionStage<Response> done(Response r) {
    return CompletableFuture.completedFuture(r);
  }
}
