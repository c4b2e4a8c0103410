package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.peer.internal.auth.UserStore;
import dev.meridian.peer.internal.disk.LogState;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.auth.UserRecords;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts what a peer's log held back into its region at start, before the peer serves.
 *
 * <p>Any number of peers may do this in any order, at the same time or one after another,
 * because each step is a join: a table definition is put back unless the region holds a later
 * one, a user merged by stamp, a dropped table or index definition put only where absent, and a
 * row is merged ({@link ApplyProcessor}, the merge of replication) into
 * whatever the region holds, so a row other peers already restored or wrote since is kept where
 * it is newer. Rows of dropped tables are skipped; rows of a table whose definition is in
 * another peer's log wait (up to a minute) for that peer to put it back. The merges are logged
 * again at their new owners, so the region's logs hold them whoever owns them now.
 *
 * <p>Blocking; run once per start. Not thread-safe.
 */
public final class DiskRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(DiskRecovery.class);
  private static final int IN_FLIGHT = 128;
  private static final int ATTEMPTS = 10;

  private DiskRecovery() {}

  /** What a replay put back. */
  public record Replayed(long tables, long rows, long skipped, long millis) {}

  /**
   * Replays {@code state} into the region of {@code hazelcast}.
   *
   * @throws MeridianException {@code 08001} when a merge fails (the peer must not serve a region
   *     missing what its log held)
   */
  public static Replayed replay(HazelcastInstance hazelcast, LogState state) {
    long started = System.nanoTime();
    awaitSafe(hazelcast);
    IMap<Long, Long> dropped = hazelcast.getMap(Catalog.DROPPED_MAP_NAME);
    state.forEach(Catalog.DROPPED_MAP_NAME, (k, v) -> {
      if (v != null) {
        dropped.putIfAbsent((Long) k, (Long) v);
      }
    });
    IMap<String, byte[]> catalog = hazelcast.getMap(Catalog.MAP_NAME);
    state.forEach(Catalog.MAP_NAME, (k, v) -> {
      if (v != null) {
        mergeDefinition(catalog, dropped, (String) k, (byte[]) v);
      }
    });
    IMap<String, byte[]> indexes = hazelcast.getMap(IndexCatalog.MAP_NAME);
    state.forEach(IndexCatalog.MAP_NAME, (k, v) -> {
      if (v != null) {
        indexes.putIfAbsent((String) k, (byte[]) v);
      }
    });
    IMap<String, byte[]> users = hazelcast.getMap(UserStore.MAP_NAME);
    state.forEach(UserStore.MAP_NAME, (k, v) -> {
      if (v != null) {
        mergeUser(users, (String) k, (byte[]) v);
      }
    });

    // Every peer's log holds the whole catalog (DefinitionLogger), but a copy may lag its
    // owner's at a crash: rows here may still belong to a table whose entry only another
    // peer's log has. Every peer puts its catalog back before it waits, so a region whose peers
    // restart together learns every table; skipping such rows would lose them.
    Set<Long> logged = new HashSet<>();
    for (String name : state.maps()) {
      if (name.startsWith("t.")) {
        logged.add(Long.parseLong(name.substring(2)));
      }
    }
    Map<Long, TableSchema> live = awaitCatalog(catalog, dropped, logged);

    Semaphore window = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] counts = new long[3];
    for (String name : state.maps()) {
      if (!name.startsWith("t.")) {
        continue;
      }
      long tableId = Long.parseLong(name.substring(2));
      TableSchema schema = live.get(tableId);
      if (schema == null && dropped.containsKey(tableId)) {
        state.forEach(name, (k, v) -> counts[2]++);
        continue;
      }
      if (schema == null) {
        // No peer brought its definition back in time: keep the rows rather than lose them;
        // they merge per cell, and serve once the definition arrives (from another region).
        LOG.warn("rows of table id {} are replayed without its definition, which no peer of"
            + " the region has brought back yet", tableId);
        schema = new TableSchema(tableId, "t" + tableId,
            java.util.List.of(new dev.meridian.protocol.types.ColumnDef("K",
                dev.meridian.protocol.types.ColumnType.of(
                    dev.meridian.protocol.types.TypeKind.BIGINT), false)),
            java.util.List.of(0), dev.meridian.protocol.types.ConflictResolution.CELL);
      }
      TableSchema target = schema;
      counts[0]++;
      IMap<byte[], byte[]> rows = hazelcast.getMap(name);
      state.forEach(name, (k, v) -> {
        window.acquireUninterruptibly();
        counts[1]++;
        merge(rows, target, (byte[]) k, (byte[]) v, ATTEMPTS, window, failure);
      });
    }
    try {
      if (!window.tryAcquire(IN_FLIGHT, 10, TimeUnit.MINUTES)) {
        throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
            "replaying the data directory did not finish in 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "interrupted", e);
    }
    Throwable e = failure.get();
    if (e != null) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot put the data directory's rows back into the region: " + e, e);
    }
    awaitSafe(hazelcast);
    Replayed r = new Replayed(counts[0], counts[1], counts[2],
        (System.nanoTime() - started) / 1_000_000);
    LOG.info("replayed the data directory: {} rows of {} tables in {} ms ({} rows of dropped"
        + " tables skipped)", r.rows(), r.tables(), r.millis(), r.skipped());
    return r;
  }

  /**
   * The live tables of the region's catalog, once it knows every table id in {@code needed}
   * (or has it dropped), or after {@link #CATALOG_WAIT_MILLIS} with what it knows then.
   */
  private static Map<Long, TableSchema> awaitCatalog(IMap<String, byte[]> catalog,
      IMap<Long, Long> dropped, Set<Long> needed) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATALOG_WAIT_MILLIS);
    while (true) {
      Map<Long, TableSchema> live = new HashMap<>();
      for (byte[] bytes : catalog.values()) {
        TableSchema s = Catalog.decode(bytes);
        live.put(s.tableId(), s);
      }
      Set<Long> gone = new HashSet<>(dropped.keySet());
      gone.forEach(live::remove);
      Set<Long> missing = new HashSet<>(needed);
      missing.removeAll(live.keySet());
      missing.removeAll(gone);
      if (missing.isEmpty() || System.nanoTime() > deadline) {
        return live;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return live;
      }
    }
  }

  /**
   * Puts a logged table definition back unless the region holds a later one: several peers'
   * logs hold copies, and one may have missed the last {@code ALTER} before a crash. A dropped
   * incarnation never replaces a live one.
   */
  private static void mergeDefinition(IMap<String, byte[]> catalog, IMap<Long, Long> dropped,
      String name, byte[] logged) {
    TableSchema ours = Catalog.decode(logged);
    if (dropped.containsKey(ours.tableId())) {
      return;
    }
    while (true) {
      byte[] present = catalog.putIfAbsent(name, logged);
      if (present == null) {
        return;
      }
      TableSchema theirs = Catalog.decode(present);
      boolean replace = theirs.tableId() == ours.tableId()
          ? CatalogMerge.theirsWins(theirs, ours)
          : dropped.containsKey(theirs.tableId());
      if (!replace || catalog.replace(name, present, logged)) {
        return;
      }
    }
  }

  /** Puts a logged user back, merged by stamp with what the region holds. */
  private static void mergeUser(IMap<String, byte[]> users, String name, byte[] logged) {
    UserRecord ours = UserRecords.fromBytes(logged);
    while (true) {
      byte[] present = users.putIfAbsent(name, logged);
      if (present == null) {
        return;
      }
      UserRecord theirs = UserRecords.fromBytes(present);
      UserRecord merged = UserRecord.merge(theirs, ours);
      if (merged == theirs || users.replace(name, present, UserRecords.toBytes(merged))) {
        return;
      }
    }
  }

  /** How long a restarting peer waits for the other peers to bring back table definitions. */
  static final long CATALOG_WAIT_MILLIS = 60_000;

  /**
   * Merges one row, again on failure: a merge is idempotent, so one whose outcome is unknown
   * (a backup that did not confirm while partitions migrate) is simply repeated.
   */
  private static void merge(IMap<byte[], byte[]> rows, TableSchema schema, byte[] key,
      byte[] row, int attempts, Semaphore window, AtomicReference<Throwable> failure) {
    rows.submitToKey(key, new ApplyProcessor(schema.tableId(), schema.resolution(), row, null))
        .whenComplete((r, e) -> {
          if (e == null) {
            window.release();
          } else if (attempts > 1 && failure.get() == null) {
            LOG.debug("replaying a row failed ({}); again", e.toString());
            merge(rows, schema, key, row, attempts - 1, window, failure);
          } else {
            failure.compareAndSet(null, e);
            window.release();
          }
        });
  }

  /** Waits (up to two minutes) until no partition migrates, so merges meet settled owners. */
  private static void awaitSafe(HazelcastInstance hazelcast) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!hazelcast.getPartitionService().isClusterSafe() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
