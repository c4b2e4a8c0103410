package dev.meridian.peer.internal.storage;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.ReplicaMigrationEvent;
import com.hazelcast.query.Predicates;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ScanFilters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secondary indexes kept on one Hazelcast member (one {@link RowIndex} per index), found
 * by the partition operations through the member's user context under {@link #CONTEXT_KEY}.
 *
 * <p>Indexes are registered here by their build ({@link IndexBuild}) and by the catalog's
 * listener, whichever comes first, and forgotten when dropped. A partition that moves to or
 * from this member loses its entries' trust (and all do when a member joins or leaves); the
 * next query through the index rebuilds each owned, untrusted partition on its partition thread
 * first. Thread-safe.
 */
final class RowIndexes {
  /** Key of the member's instance in the Hazelcast user context. */
  static final String CONTEXT_KEY = "meridian.indexes";

  private static final RowIndex[] NONE = new RowIndex[0];

  private final Map<Long, RowIndex[]> byTable = new ConcurrentHashMap<>();
  private final Map<String, RowIndex> byName = new ConcurrentHashMap<>();
  private volatile HazelcastInstance hazelcast;
  private volatile Object[] partitionKeys;

  /** Attaches the member once it runs: partition ids and rebuilds need it. */
  void attach(HazelcastInstance instance) {
    this.hazelcast = instance;
    Moves moves = new Moves();
    instance.getPartitionService().addMigrationListener(moves);
    instance.getCluster().addMembershipListener(moves);
  }

  /** The indexes of one table incarnation on this member (an empty array when none). */
  RowIndex[] of(long tableId) {
    RowIndex[] r = byTable.get(tableId);
    return r == null ? NONE : r;
  }

  /** The index of a name, or null. */
  RowIndex named(String name) {
    return byName.get(name);
  }

  /** Registers an index unless one of that name and table is here already; returns it. */
  synchronized RowIndex ensure(IndexDef def) {
    RowIndex existing = byName.get(def.name());
    if (existing != null && existing.def().tableId() == def.tableId()
        && existing.def().keys().equals(def.keys())) {
      return existing;
    }
    if (existing != null) {
      forget(def.name());
    }
    RowIndex index = new RowIndex(def, partitionCount());
    byName.put(def.name(), index);
    byTable.merge(def.tableId(), new RowIndex[] {index}, (a, b) -> {
      RowIndex[] both = java.util.Arrays.copyOf(a, a.length + 1);
      both[a.length] = index;
      return both;
    });
    return index;
  }

  /** Forgets an index. */
  synchronized void forget(String name) {
    RowIndex gone = byName.remove(name);
    if (gone == null) {
      return;
    }
    long table = gone.def().tableId();
    RowIndex[] left = java.util.Arrays.stream(of(table)).filter(i -> i != gone)
        .toArray(RowIndex[]::new);
    if (left.length == 0) {
      byTable.remove(table);
    } else {
      byTable.put(table, left);
    }
  }

  /** Forgets the primary-key indexes of table incarnations not among these. */
  void forgetKeysNotIn(java.util.Set<Long> tableIds) {
    for (RowIndex index : byName.values()) {
      if (index.def().primaryKey() && !tableIds.contains(index.def().tableId())) {
        forget(index.def().name());
      }
    }
  }

  /**
   * Records a row's new stored bytes (null: removed) in every index of its table. Called on the
   * partition thread by the operation that stored them.
   */
  void rowChanged(long tableId, byte[] key, byte[] stored) {
    RowIndex[] indexes = of(tableId);
    if (indexes.length == 0) {
      return;
    }
    int p = partitionOf(key);
    for (RowIndex index : indexes) {
      index.rowChanged(p, key, stored);
    }
  }

  /**
   * After the online build: marks complete every partition this member owns that did not move
   * since the index was registered here (the build ran on each owner's partition thread).
   */
  void built(String name) {
    RowIndex index = byName.get(name);
    if (index == null) {
      return;
    }
    for (Partition partition : hazelcast.getPartitionService().getPartitions()) {
      RowIndex.PartitionIndex pi = index.partition(partition.getPartitionId());
      if (!pi.moved && partition.getOwner() != null && partition.getOwner().localMember()) {
        pi.complete = true;
      }
    }
  }

  int partitionOf(byte[] key) {
    return hazelcast.getPartitionService().getPartition(key).getPartitionId();
  }

  private int partitionCount() {
    HazelcastInstance h = hazelcast;
    return h == null ? 271 : h.getPartitionService().getPartitions().size();
  }

  /**
   * This member's part of an index read: from the partitions it owns, at most {@code limit}
   * rows passing {@code condition}, in index order (or reversed), as alternating key and
   * stored-row byte arrays. Untrusted partitions are rebuilt first (blocking).
   */
  List<byte[]> read(IndexRead read) {
    RowIndex index = byName.get(read.index());
    if (index == null && read.primaryKey() != null) {
      // Registered on first use: every partition starts untrusted and is built below, on its
      // thread, and writes keep it from then on.
      index = ensure(read.primaryKey());
    }
    if (index == null || index.def().tableId() != read.tableId()) {
      throw new MeridianException(SqlState.UNDEFINED_OBJECT, "index " + read.index()
          + " is not on this member");
    }
    IndexOrder order = index.order();
    IndexOrder.Entry from = null;
    IndexOrder.Entry to = null;
    boolean desc = order.leadsDescending();
    // Bounds are values of the first column; in a descending column the high bound comes first.
    Object first = desc ? read.high() : read.low();
    boolean firstInclusive = desc ? read.highInclusive() : read.lowInclusive();
    Object last = desc ? read.low() : read.high();
    boolean lastInclusive = desc ? read.lowInclusive() : read.highInclusive();
    if (first != null) {
      from = IndexOrder.Entry.probe(first, firstInclusive ? -1 : 1);
    }
    if (last != null) {
      to = IndexOrder.Entry.probe(last, lastInclusive ? 1 : -1);
    }
    if (from != null && to != null && order.compare(from, to) > 0) {
      return List.of();
    }
    boolean[] owned = new boolean[index.partitionCount()];
    for (Partition partition : hazelcast.getPartitionService().getPartitions()) {
      if (partition.getOwner() == null || !partition.getOwner().localMember()) {
        continue;
      }
      int p = partition.getPartitionId();
      owned[p] = true;
      if (!index.partition(p).complete) {
        rebuild(index, p);
      }
    }
    ScanFilters.Condition condition = ScanFilters.compile(read.filter());
    // Only the columns the filter names are decoded; the serving peer decodes what it returns.
    // An entry exists only for a visible row, and holds the indexed values of its row: when the
    // filter names only indexed columns, the entry answers it without decoding the row.
    // An expiring table's rows are also judged by their ttl column, which is decoded too.
    int ttl = read.now() == Expiry.NEVER ? TableSchema.NO_TTL : read.ttlColumn();
    int width = Math.min(read.columnCount(),
        Math.max(ScanFilters.width(read.filter()), ttl == TableSchema.NO_TTL ? 0 : ttl + 1));
    int[] indexed = order.columns();
    boolean[] inIndex = new boolean[width];
    for (int c : indexed) {
      if (c < width) {
        inIndex[c] = true;
      }
    }
    boolean fromEntries = true;
    for (int c = 0; c < width; c++) {
      fromEntries &= inIndex[c] || (c != ttl && !ScanFilters.names(read.filter(), c));
    }
    List<byte[]> out = new ArrayList<>();
    for (Map.Entry<IndexOrder.Entry, RowIndex.Slot> e
        : index.range(from, to, read.reverse()).entrySet()) {
      if (out.size() / 2 >= read.limit()) {
        break;
      }
      RowIndex.Slot slot = e.getValue();
      if (!index.current(slot)) {
        index.removeLeftover(e.getKey(), slot);
        continue;
      }
      if (!owned[slot.owner().id] || !slot.owner().complete) {
        continue;
      }
      Object[] row;
      if (fromEntries) {
        row = new Object[width];
        Object[] values = e.getKey().values();
        for (int i = 0; i < indexed.length; i++) {
          if (indexed[i] < width) {
            row[indexed[i]] = values[i];
          }
        }
      } else {
        row = RowFormat.decode(slot.row()).visibleValues(width);
      }
      if (row != null && !Expiry.expired(row, ttl, read.now()) && condition.passes(row)) {
        out.add(e.getKey().key());
        out.add(slot.row());
      }
    }
    return out;
  }

  /**
   * Rebuilds one partition of an index from its rows, on the partition's thread (blocking),
   * unless another read rebuilt it meanwhile: two concurrent rebuilds would each reset the
   * partition, and the first would return a set the second's build no longer fills.
   */
  RowIndex.PartitionIndex rebuild(RowIndex index, int partition) {
    synchronized (index) {
      RowIndex.PartitionIndex current = index.partition(partition);
      if (current.complete) {
        return current;
      }
      return rebuildNow(index, partition);
    }
  }

  private RowIndex.PartitionIndex rebuildNow(RowIndex index, int partition) {
    RowIndex.PartitionIndex fresh = index.reset(partition, false);
    hazelcast.<byte[], byte[]>getMap(TableStore.mapName(index.def().tableId()))
        .executeOnEntries(new IndexBuild(index.def(), partition),
            Predicates.partitionPredicate(partitionKey(partition), Predicates.alwaysTrue()));
    fresh.complete = true;
    return fresh;
  }

  /** Some key that Hazelcast places in the partition (to address one partition). */
  private Object partitionKey(int partition) {
    Object[] keys = partitionKeys;
    if (keys == null) {
      int n = partitionCount();
      keys = new Object[n];
      int found = 0;
      for (int i = 0; found < n; i++) {
        int p = hazelcast.getPartitionService().getPartition(i).getPartitionId();
        if (keys[p] == null) {
          keys[p] = i;
          found++;
        }
      }
      partitionKeys = keys;
    }
    return keys[partition];
  }

  /**
   * Distrusts every partition a migration touched, and every partition when a member joins or
   * leaves: partitions change owners only then, and a member that lost a partition and got it
   * back must not trust entries the other owner's writes never reached. Membership events reach
   * every member; migration events are a finer signal where Hazelcast delivers them.
   */
  private final class Moves implements MigrationListener, MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      distrustAll();
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      distrustAll();
    }

    private void distrustAll() {
      for (RowIndex index : byName.values()) {
        for (int p = 0; p < index.partitionCount(); p++) {
          index.reset(p, true);
        }
      }
    }

    @Override
    public void migrationStarted(MigrationState state) {}

    @Override
    public void migrationFinished(MigrationState state) {}

    @Override
    public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
      moved(event.getPartitionId());
    }

    @Override
    public void replicaMigrationFailed(ReplicaMigrationEvent event) {
      moved(event.getPartitionId());
    }

    private void moved(int partition) {
      for (RowIndex index : byName.values()) {
        if (partition >= 0 && partition < index.partitionCount()) {
          index.reset(partition, true);
        }
      }
    }
  }
}
