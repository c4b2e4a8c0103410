package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.peer.api.RequestHandler;
import dev.meridian.peer.internal.capacity.CapacityLimits;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import java.util.ArrayList;
import dev.meridian.protocol.types.IndexDef;
import java.util.List;
import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Answers driver requests from the region's storage: the catalog and the table maps.
 *
 * <p>See {@link RequestHandler} for the contract. A write of N rows submits N
 * {@link WriteProcessor}s at once and answers when all are done; a row that fails checking is
 * answered {@code FAILED} without touching storage and without affecting the others.
 *
 * <p>A row of a pinned table that this region may not hold is refused ({@code 23M01}); one whose
 * write moves it out of this region is first shipped to the regions it may now live in (through
 * the {@link RowShipper}) and only then replaced here by a tombstone, so a failed move leaves
 * the row as it was here (see {@link WriteProcessor}).
 *
 * <p>Reads and writes of a table with capacity limits pass {@link CapacityLimits} first: the
 * rows of a write beyond this peer's share are answered {@code 53M01} without touching storage,
 * a point read or a scan over it fails whole. Only requests of this region's applications come
 * here; records from other regions, repair and backfill go through {@link RegionReplica}.
 *
 * <p>Rows of a table with a ttl column are judged by {@link Expiry} at one moment per request:
 * an expired row is absent to point reads, scans, index reads and writes' existence checks,
 * and this peer's {@link TtlSweep} deletes the expired rows of the partitions it owns.
 * Thread-safe.
 */
public final class StorageRequestHandler implements RequestHandler {

  private final String region;
  private final String peerName;
  private final HybridClock clock;
  private final TableStore store;
  private final Catalog catalog;
  private final RegionReplica replica;
  private final Residency residency;
  private final Scans scans;
  private final IndexCatalog indexes;
  private final IndexReads indexReads;
  private final dev.meridian.peer.internal.auth.UserStore users;
  private final Executor blocking;
  private final MeterRegistry meters;
  private final CapacityLimits capacity;
  private final Expiry expiry = Expiry.system();
  private final TtlSweep sweep;
  /** Open scans of tables with a read limit, so that each page's rows are counted. */
  private final Map<Long, TableSchema> limitedScans = new ConcurrentHashMap<>();
  private volatile RequestHandler replication;
  private volatile RowShipper shipper;
  private volatile java.util.function.Supplier<String> notServing = () -> null;

  private StorageRequestHandler(String region, String peerName, HybridClock clock,
      HazelcastInstance hazelcast, Executor blocking, MeterRegistry meters) {
    this.meters = meters;
    this.residency = (Residency) hazelcast.getUserContext().get(Residency.CONTEXT_KEY);
    this.region = region;
    this.peerName = peerName;
    this.clock = clock;
    this.store = new TableStore(hazelcast);
    this.catalog = new Catalog(hazelcast, store, blocking);
    this.users = new dev.meridian.peer.internal.auth.UserStore(hazelcast, clock);
    this.replica = new RegionReplica(hazelcast, catalog, store, users);
    this.scans = new Scans(hazelcast, peerName);
    this.blocking = blocking;
    RowIndexes rows = (RowIndexes) hazelcast.getUserContext().get(RowIndexes.CONTEXT_KEY);
    rows.attach(hazelcast);
    this.indexes = new IndexCatalog(hazelcast, rows);
    this.indexReads = new IndexReads(indexes);
    this.capacity = new CapacityLimits(region, peerName,
        () -> hazelcast.getCluster().getMembers().size(), meters);
    this.sweep = new TtlSweep(peerName, hazelcast, replica, store, expiry,
        () -> notServing.get() == null, TtlSweep.DEFAULT_ROWS_PER_PASS, meters);
  }

  /**
   * Stops or resumes this peer's TTL sweep; expired rows stay hidden from reads and writes
   * meanwhile, and are deleted once it resumes.
   */
  public void ttlSweepPaused(boolean paused) {
    sweep.paused(paused);
  }

  /** Rows this peer's TTL sweep has deleted since it started. */
  public long ttlExpiredRows() {
    return sweep.expiredRows();
  }

  /** This peer's meters (capacity consumption and throttles). */
  public MeterRegistry meters() {
    return meters;
  }

  /** This peer's enforcement of capacity limits (the rows of {@code MERIDIAN.CAPACITY}). */
  public CapacityLimits capacity() {
    return capacity;
  }

  /** The region's users. */
  public dev.meridian.peer.internal.auth.UserStore users() {
    return users;
  }

  /** A table's definition by id, or null when there is none (served from a cache). */
  public CompletionStage<TableSchema> tableById(long tableId) {
    return catalog.byId(tableId);
  }

  /** Replication's view of this region's storage. */
  public RegionReplica replica() {
    return replica;
  }

  /**
   * Sets the check that says why the region may not serve reads and writes yet (null when it
   * may): a region restarted empty is backfilled first.
   */
  public void servingGate(java.util.function.Supplier<String> gate) {
    this.notServing = gate;
  }

  /** Sets how rows moved out of this region reach the regions they may live in. */
  public void rowShipper(RowShipper shipper) {
    this.shipper = shipper;
  }

  /** Ships a moved row to the regions it may live in. */
  @FunctionalInterface
  public interface RowShipper {
    /**
     * Stores {@code row} (row format, a tombstone and the full row above it) under {@code key}
     * in the regions named, each once it has applied and backed it up.
     *
     * @return the regions that stored it; fails when none did
     */
    CompletionStage<List<String>> ship(long tableId, byte[] key, byte[] row, List<String> regions);
  }

  /** Sets the handler of requests between regions (links, digests, system tables, repair). */
  public void replicationHandler(RequestHandler handler) {
    this.replication = handler;
  }

  /**
   * Creates a handler on a running member and loads the catalog (blocking).
   *
   * @param blocking runs the few blocking Hazelcast calls (catalog changes); never the caller
   */
  public static StorageRequestHandler start(String region, String peerName, HybridClock clock,
      HazelcastInstance hazelcast, Executor blocking) {
    return start(region, peerName, clock, hazelcast, blocking, null);
  }

  /**
   * As above, with the capacity and TTL meters in {@code meters} (the peer's registry, which
   * its metrics endpoint serves), or in a registry of their own when null.
   */
  public static StorageRequestHandler start(String region, String peerName, HybridClock clock,
      HazelcastInstance hazelcast, Executor blocking, MeterRegistry meters) {
    StorageRequestHandler handler = new StorageRequestHandler(region, peerName, clock, hazelcast,
        blocking, meters == null ? new SimpleMeterRegistry() : meters);
    handler.catalog.start();
    handler.users.start();
    handler.indexes.start();
    handler.sweep.start(1_000);
    return handler;
  }

  /** Stops listening to catalog changes and closes every open scan. */
  public void close() {
    sweep.close();
    scans.shutdown();
    indexes.close();
    users.close();
    catalog.close();
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    CompletionStage<Response> answer;
    try {
      answer = dispatch(request);
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(error(e));
    }
    return answer.exceptionally(StorageRequestHandler::error);
  }

  private CompletionStage<Response> dispatch(Request request) {
    if (request == null) {
      return done(protocolError("an empty request"));
    }
    String notReady = notServing.get();
    if (notReady != null && (request instanceof Request.Get || request instanceof Request.Write
        || request instanceof Request.Scan || request instanceof Request.ScanNext
        || request instanceof Request.GetCatalog || request instanceof Request.CreateTable
        || request instanceof Request.DropTable || request instanceof Request.AlterTable
        || request instanceof Request.IndexScan
        || request instanceof Request.CreateIndex || request instanceof Request.DropIndex
        || request instanceof Request.GetIndexes)) {
      // Also the catalog: before the other regions' tables arrive, a table lookup would
      // wrongly answer "does not exist".
      return done(new Response.Error(SqlState.REGION_NOT_READY, notReady));
    }
    if (request instanceof Request.ReadSystemTable t
        && SystemTables.byName(t.name()) == SystemTables.CAPACITY) {
      return catalog.list().thenApply(tables -> new Response.Rows(capacity.rows(tables)));
    }
    if (request instanceof Request.Ping) {
      return done(new Response.Pong(region, peerName, clock.now()));
    } else if (request instanceof Request.GetCatalog) {
      return catalog.list().thenApply(Response.Catalog::new);
    } else if (request instanceof Request.CreateTable c) {
      if (c.schema() == null) {
        return done(protocolError("CREATE TABLE without a definition"));
      }
      return catalog.create(c.schema(), c.ifNotExists())
          .thenApply(r -> new Response.TableCreated(r.created(), r.schema()));
    } else if (request instanceof Request.DropTable d) {
      if (d.name() == null) {
        return done(protocolError("DROP TABLE without a name"));
      }
      return catalog.drop(d.name(), d.ifExists())
          .thenCompose(dropped -> catalog.list().thenApplyAsync(tables -> {
            indexes.forgetTablesNotIn(tables);
            capacity.retain(tables.stream().map(TableSchema::tableId)
                .collect(java.util.stream.Collectors.toSet()));
            return new Response.TableDropped(dropped);
          }, blocking));
    } else if (request instanceof Request.AlterTable a) {
      if (a.name() == null || a.next() == null) {
        return done(protocolError("ALTER TABLE without a name or definition"));
      }
      return catalog.alter(a.name(), a.next()).thenApply(Response.TableAltered::new);
    } else if (request instanceof Request.PutUser u) {
      if (u.name() == null || u.name().isEmpty() || u.verifier() == null) {
        return done(protocolError("a PutUser without name or verifier"));
      }
      return CompletableFuture.supplyAsync(() -> new Response.UserChanged(
          users.put(u.name(), u.verifier(), u.create(), u.ifNotExists())), blocking);
    } else if (request instanceof Request.DropUser d) {
      if (d.name() == null) {
        return done(protocolError("a DropUser without a name"));
      }
      return CompletableFuture.supplyAsync(
          () -> new Response.UserChanged(users.drop(d.name(), d.ifExists())), blocking);
    } else if (request instanceof Request.Grant g) {
      if (g.user() == null || g.table() == null) {
        return done(protocolError("a Grant without user or table"));
      }
      return CompletableFuture.supplyAsync(() -> new Response.UserChanged(
          users.grant(g.user(), g.table(), g.privileges(), g.admin(), g.revoke())), blocking);
    } else if (request instanceof Request.Get g) {
      if (g.keys() == null) {
        return done(protocolError("a Get without keys"));
      }
      return withTable(g.tableId(), schema -> get(schema, g.keys()));
    } else if (request instanceof Request.Write w) {
      if (w.kind() == null || w.rows() == null) {
        return done(protocolError("a Write without kind or rows"));
      }
      return withTable(w.tableId(), schema -> write(schema, w));
    } else if (request instanceof Request.Scan scan) {
      if (scan.columns() == null) {
        return done(protocolError("a Scan without columns"));
      }
      return withTable(scan.tableId(), schema -> {
        capacity.admitScan(schema);
        return counted(schema, scans.open(schema, scan, expiry.now(schema)));
      });
    } else if (request instanceof Request.CreateIndex c) {
      if (c.index() == null) {
        return done(protocolError("CREATE INDEX without a definition"));
      }
      return withTable(c.index().tableId(), schema -> CompletableFuture.supplyAsync(() -> {
        Map.Entry<Boolean, IndexDef> r = indexes.create(c.index(), schema, c.ifNotExists(),
            id -> !catalog.isDropped(id));
        return new Response.IndexCreated(r.getKey(), r.getValue());
      }, blocking));
    } else if (request instanceof Request.DropIndex d) {
      if (d.name() == null) {
        return done(protocolError("DROP INDEX without a name"));
      }
      return CompletableFuture.supplyAsync(
          () -> new Response.IndexDropped(indexes.drop(d.name(), d.ifExists())), blocking);
    } else if (request instanceof Request.GetIndexes) {
      return catalog.list().thenApplyAsync(tables -> {
        indexes.forgetTablesNotIn(tables);
        return new Response.Indexes(indexes.list(tables));
      }, blocking);
    } else if (request instanceof Request.IndexScan scan) {
      if (scan.columns() == null || scan.index() == null) {
        return done(protocolError("an IndexScan without columns or index"));
      }
      return withTable(scan.tableId(), schema -> {
        capacity.admitScan(schema);
        return counted(schema, indexReads.read(schema, scan, expiry.now(schema)));
      });
    } else if (request instanceof Request.ScanNext next) {
      TableSchema limited = limitedScans.get(next.scanId());
      if (limited == null) {
        return scans.next(next);
      }
      return counted(limited, scans.next(next)).thenApply(r -> {
        if (r instanceof Response.Error) {
          limitedScans.remove(next.scanId());
        }
        return r;
      });
    } else if (request instanceof Request.ScanClose close) {
      limitedScans.remove(close.scanId());
      return scans.close(close);
    }
    RequestHandler links = replication;
    if (links != null) {
      return links.handle(request);
    }
    return done(new Response.Error(SqlState.FEATURE_NOT_SUPPORTED,
        "this peer does not serve " + request.getClass().getSimpleName() + " requests"));
  }

  private CompletionStage<Response> withTable(long tableId,
      java.util.function.Function<TableSchema, CompletionStage<Response>> then) {
    return catalog.byId(tableId).thenCompose(schema -> schema == null
        ? done(new Response.Error(SqlState.UNDEFINED_TABLE, "table id " + tableId
            + " was dropped or re-created; reload the catalog"))
        : then.apply(schema));
  }

  /**
   * Counts the rows of a scan's page against the table's read capacity, and remembers an open
   * scan of a limited table so that its next pages are counted too.
   */
  private CompletionStage<Response> counted(TableSchema schema, CompletionStage<Response> page) {
    if (schema.capacity().isNone()) {
      return page;
    }
    return page.thenApply(r -> {
      if (r instanceof Response.ScanPage p) {
        capacity.scanned(schema, p.rows().size());
        if (p.last()) {
          limitedScans.remove(p.scanId());
        } else {
          limitedScans.put(p.scanId(), schema);
        }
      } else if (r instanceof Response.Rows rows) {
        capacity.scanned(schema, rows.rows().size());
      }
      return r;
    });
  }

  private CompletionStage<Response> get(TableSchema schema, List<Object[]> keys) {
    capacity.admitReads(schema, keys.size());
    List<CompletableFuture<Object[]>> rows = new ArrayList<>(keys.size());
    long now = expiry.now(schema);
    for (Object[] key : keys) {
      Object[] canonical = TableKey.coerceOrNull(schema, key);
      rows.add(canonical == null
          ? CompletableFuture.completedFuture(null)
          : store.read(schema, TableKey.encode(canonical), now).toCompletableFuture());
    }
    return CompletableFuture.allOf(rows.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> new Response.Rows(rows.stream().map(CompletableFuture::join).toList()));
  }

  private CompletionStage<Response> write(TableSchema schema, Request.Write w) {
    List<CompletableFuture<RowOutcome>> outcomes = new ArrayList<>(w.rows().size());
    Residency.Pin pin = residency == null ? null : residency.pin(schema);
    int admitted = capacity.admitWrites(schema, w.rows().size());
    long now = expiry.now(schema);
    int index = 0;
    for (RowWrite row : w.rows()) {
      CompletableFuture<RowOutcome> outcome;
      if (index++ >= admitted) {
        MeridianException e = capacity.throttled(schema);
        outcomes.add(CompletableFuture.completedFuture(RowOutcome.failed(e.state(),
            e.getMessage())));
        continue;
      }
      try {
        CheckedWrite checked = CheckedWrite.check(schema, w.kind(), row);
        outcome = store.write(schema, w.kind(), checked, pin, now).toCompletableFuture()
            .thenCompose(result -> result.moved() == null
                ? CompletableFuture.completedFuture(result.outcome())
                : moveOut(schema, checked.key(), result));
      } catch (MeridianException e) {
        outcome = CompletableFuture.completedFuture(RowOutcome.failed(e.state(), e.getMessage()));
      }
      outcomes.add(outcome.exceptionally(t -> {
        ErrorStates.Failure f = ErrorStates.of(t);
        return RowOutcome.failed(f.state(), f.message());
      }));
    }
    return CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> new Response.Written(
            outcomes.stream().map(CompletableFuture::join).toList()));
  }

  /**
   * Finishes a move out of this region: ships the row to the regions it may now live in, then
   * leaves the tombstone here (which the links carry to the row's old regions). Not atomic: a
   * write of this row here between the two survives the tombstone if its stamp is higher, and
   * a move whose shipment failed part way may have stored the row in some new regions only.
   */
  private CompletableFuture<RowOutcome> moveOut(TableSchema schema, byte[] key, WriteResult r) {
    RowShipper ship = shipper;
    if (ship == null) {
      return CompletableFuture.completedFuture(RowOutcome.failed(SqlState.RESIDENCY_VIOLATION,
          "this write moves the row of " + schema.name() + " to " + r.movedTo()
              + ", but region " + region + " has no links to them; the row is unchanged here"));
    }
    byte[] tombstone = dev.meridian.peer.internal.row.RowFormat.encode(
        dev.meridian.peer.internal.row.StoredRow.deleted(r.tombstone()));
    return ship.ship(schema.tableId(), key, r.moved(), r.movedTo()).toCompletableFuture()
        .handle((stored, error) -> error)
        .thenCompose(shipError -> shipError != null
            ? CompletableFuture.completedFuture(RowOutcome.failed(SqlState.CONNECTION_FAILURE,
                "this write moves the row of " + schema.name() + " to " + r.movedTo()
                    + ", and storing it there failed (" + ErrorStates.of(shipError).message()
                    + "); it may or may not have arrived there, and is unchanged here"))
            : replica.apply(schema.tableId(), schema.resolution(), key, tombstone, null)
                .toCompletableFuture()
                .handle((bits, error) -> error == null ? r.outcome() : RowOutcome.failed(
                    SqlState.CONNECTION_FAILURE, "the row of " + schema.name() + " was moved to "
                        + r.movedTo() + ", but removing it from " + region + " failed ("
                        + ErrorStates.of(error).message() + "); repeat the write to remove it")));
  }

  private static CompletionStage<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }

  private static Response protocolError(String message) {
    return new Response.Error(SqlState.PROTOCOL_VIOLATION, message);
  }

  private static Response error(Throwable t) {
    ErrorStates.Failure f = ErrorStates.of(t);
    return new Response.Error(f.state(), f.message());
  }
}
