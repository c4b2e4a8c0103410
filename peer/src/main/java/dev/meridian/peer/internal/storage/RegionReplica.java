package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import dev.meridian.peer.internal.replication.AntiEntropy;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What replication needs of the region's storage: applying fragments from other regions,
 * scanning a partition for anti-entropy, exchanging the catalog, and the region's storage
 * epoch. Thread-safe; methods documented as blocking must not run on Netty or partition threads.
 */
public final class RegionReplica {
  /** The map holding region-wide facts (the storage epoch). */
  static final String REGION_MAP_NAME = "meridian.region";

  private final HazelcastInstance hazelcast;
  private final Catalog catalog;
  private final TableStore store;
  private final dev.meridian.peer.internal.auth.UserStore users;
  private final long epoch;
  private final boolean createdEpoch;
  private final long epochStartedMillis;

  RegionReplica(HazelcastInstance hazelcast, Catalog catalog, TableStore store,
      dev.meridian.peer.internal.auth.UserStore users) {
    this.hazelcast = hazelcast;
    this.catalog = catalog;
    this.store = store;
    this.users = users;
    long[] e = loadEpoch(hazelcast);
    this.epoch = e[0];
    this.createdEpoch = e[1] == 1;
    this.epochStartedMillis = e[2];
  }

  /**
   * The region's storage epoch: a random id drawn by the first peer of a region whose storage
   * is new (the map lives as long as one peer of the region does), so a region restarted empty
   * shows other regions a new epoch and they repair it from scratch.
   */
  private static long[] loadEpoch(HazelcastInstance hazelcast) {
    IMap<String, Long> region = hazelcast.getMap(REGION_MAP_NAME);
    // The start time goes in before the epoch, so whoever sees an epoch sees its start too.
    Long startedIfNew = System.currentTimeMillis();
    Long started = region.putIfAbsent("epochStarted", startedIfNew);
    long startedMillis = started == null ? startedIfNew : started;
    long fresh;
    do {
      fresh = new SecureRandom().nextLong();
    } while (fresh == 0);
    Long existing = region.putIfAbsent("epoch", fresh);
    return existing == null ? new long[] {fresh, 1, startedMillis}
        : new long[] {existing, 0, startedMillis};
  }

  /**
   * When the region's storage epoch began (ms since the epoch, from the clock of the peer that
   * drew it): every write made in this storage is stamped later, so a row of this region's own
   * stamped earlier came back from another region (backfill or repair).
   */
  public long epochStartedMillis() {
    return epochStartedMillis;
  }

  /** Whether this peer drew the epoch: the region's storage is new (first start or empty). */
  public boolean createdEpoch() {
    return createdEpoch;
  }

  /** The region map of facts shared by the region's peers (epoch, backfill state). */
  public IMap<String, Long> regionFacts() {
    return hazelcast.getMap(REGION_MAP_NAME);
  }

  /** This region's residency rules (which rows it may hold). */
  public Residency residency() {
    Residency r = (Residency) hazelcast.getUserContext().get(Residency.CONTEXT_KEY);
    return r != null ? r : new Residency("", "", dev.meridian.router.api.ResidencyRules.none());
  }

  /** The region's storage epoch. */
  public long epoch() {
    return epoch;
  }

  /** The definition of a table incarnation, or null when unknown here. */
  public CompletionStage<TableSchema> table(long tableId) {
    return catalog.byId(tableId);
  }

  /** Whether a table incarnation was dropped (its records are then ignored). */
  public boolean isDropped(long tableId) {
    return catalog.isDropped(tableId);
  }

  /**
   * Merges a fragment into a row on its owner; completes with {@link ApplyProcessor}'s bits.
   *
   * @param pin the table's residency pin (the owner refuses a result this region may not
   *     hold), or null when its rows may live anywhere
   */
  public CompletionStage<Integer> apply(long tableId, ConflictResolution resolution, byte[] key,
      byte[] fragment, Residency.Pin pin) {
    return store.map(tableId).submitToKey(key,
        new ApplyProcessor(tableId, resolution, fragment, pin));
  }

  /**
   * Whether a read of the row here shows a session's write or a newer state (see
   * {@link StoredRow#shows}); false for a table unknown here or a key that does not fit it.
   */
  public CompletionStage<Boolean> shows(Request.WrittenRow write) {
    return catalog.byId(write.tableId()).thenCompose(schema -> {
      Object[] key = schema == null || write.key() == null ? null
          : TableKey.coerceOrNull(schema, write.key());
      if (key == null) {
        return CompletableFuture.completedFuture(false);
      }
      return store.readStored(schema.tableId(), TableKey.encode(key))
          .thenApply(row -> row.shows(write.stamp(), write.columns(), write.delete()));
    });
  }

  /** Removes a deleted row if its tombstone is still the given one; completes with whether. */
  public CompletionStage<Boolean> purge(long tableId, byte[] key, long hlc, int origin) {
    return store.map(tableId).submitToKey(key, new PurgeProcessor(tableId, hlc, origin));
  }

  /** Every row of one partition of a table (blocking; fetched from the owner in pages). */
  public List<AntiEntropy.Row> scan(long tableId, int partition) {
    IMap<byte[], byte[]> map = store.map(tableId);
    List<AntiEntropy.Row> rows = new ArrayList<>();
    Iterator<Map.Entry<byte[], byte[]>> it =
        ((MapProxyImpl<byte[], byte[]>) map).iterator(1000, partition, true);
    while (it.hasNext()) {
      Map.Entry<byte[], byte[]> e = it.next();
      rows.add(new AntiEntropy.Row(e.getKey(), e.getValue()));
    }
    return rows;
  }

  /** The number of partitions of the region's maps. */
  public int partitionCount() {
    return hazelcast.getPartitionService().getPartitions().size();
  }

  /** The tables (blocking). */
  public List<TableSchema> tables() {
    return catalog.state().tables();
  }

  /** The tables and dropped incarnations (blocking). */
  public List<TableSchema> tablesAndDropped(List<Long> droppedOut) {
    Catalog.State s = catalog.state();
    droppedOut.addAll(s.dropped());
    return s.tables();
  }

  /** Adopts another region's catalog (blocking; see {@code Catalog.adopt}). */
  public void adoptCatalog(List<TableSchema> tables, List<Long> dropped) {
    catalog.adopt(tables, dropped);
  }

  /**
   * Runs a hook after each table created or dropped, and each user changed, through this peer.
   */
  public void onCatalogChange(Runnable hook) {
    catalog.onChange(hook);
    users.onChange(hook);
  }

  /** Every user record, dropped users included (blocking). */
  public List<dev.meridian.protocol.auth.UserRecord> users() {
    return users.records();
  }

  /** Adopts other regions' user records, keeping the newer of each (blocking). */
  public void adoptUsers(List<dev.meridian.protocol.auth.UserRecord> records) {
    users.adopt(records);
  }
}
