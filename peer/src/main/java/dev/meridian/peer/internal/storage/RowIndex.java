package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.protocol.types.IndexDef;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One secondary index on one Hazelcast member: the entries of the rows stored here, ordered by
 * {@link IndexOrder}, each with the row's stored bytes (so a read through the index needs no
 * second lookup), in one sorted map for the whole member, so an ordered read seeks once rather
 * than once per partition. Each entry names the {@link PartitionIndex} that recorded it; a
 * partition's set knows its entries by row key. Entries change only inside the partition
 * operation that changes the row (the write, apply and purge processors and {@link IndexBuild}
 * call {@link #rowChanged}), so on the partition's owner entries and rows never disagree.
 *
 * <p>A partition's entries are trusted only while {@link PartitionIndex#complete} is set: the
 * online build or a rebuild after the partition moved to this member sets it. A partition
 * replaced by {@link #reset} starts empty and untrusted, and the old set's entries leave the
 * map; one a write of the old set added while the reset ran names a set that is no longer the
 * partition's, so reads skip it ({@link #current}) and remove it. Thread-safe: partition
 * threads write, query threads read.
 */
final class RowIndex {

  /** Where an entry came from and the row it stands for. */
  record Slot(PartitionIndex owner, byte[] row) {}

  private record Placed(IndexOrder.Entry entry, Slot slot) {}

  /** The entries of one partition (kept in the member's map). */
  static final class PartitionIndex {
    final int id;
    private final ConcurrentSkipListMap<IndexOrder.Entry, Slot> shared;
    private final Comparator<? super IndexOrder.Entry> order;
    private final Map<ByteBuffer, Placed> byKey = new ConcurrentHashMap<>();
    /** Whether the entries are known to hold every row of the partition. */
    volatile boolean complete;
    /** Whether the partition moved since the index was registered here. */
    volatile boolean moved;

    PartitionIndex(int id, ConcurrentSkipListMap<IndexOrder.Entry, Slot> shared) {
      this.id = id;
      this.shared = shared;
      this.order = shared.comparator();
    }

    void put(IndexOrder.Entry entry, byte[] row) {
      Slot slot = new Slot(this, row);
      Placed old = byKey.put(ByteBuffer.wrap(entry.key()), new Placed(entry, slot));
      // Put first: a row whose indexed values did not change is never absent from the map.
      shared.put(entry, slot);
      if (old != null && order.compare(old.entry(), entry) != 0) {
        shared.remove(old.entry(), old.slot());
      }
    }

    void remove(byte[] key) {
      Placed old = byKey.remove(ByteBuffer.wrap(key));
      if (old != null) {
        shared.remove(old.entry(), old.slot());
      }
    }

    /** Takes every entry of this set out of the member's map. */
    private void clear() {
      for (Placed p : byKey.values()) {
        shared.remove(p.entry(), p.slot());
      }
      byKey.clear();
    }

    int size() {
      return byKey.size();
    }
  }

  private final IndexDef def;
  private final IndexOrder order;
  private final int width;
  private final ConcurrentSkipListMap<IndexOrder.Entry, Slot> entries;
  private final AtomicReferenceArray<PartitionIndex> partitions;

  RowIndex(IndexDef def, int partitionCount) {
    this.def = def;
    this.order = new IndexOrder(def);
    int w = 0;
    for (IndexDef.Key k : def.keys()) {
      w = Math.max(w, k.column() + 1);
    }
    this.width = w;
    this.entries = new ConcurrentSkipListMap<>(order);
    this.partitions = new AtomicReferenceArray<>(partitionCount);
    for (int p = 0; p < partitionCount; p++) {
      partitions.set(p, new PartitionIndex(p, entries));
    }
  }

  IndexDef def() {
    return def;
  }

  IndexOrder order() {
    return order;
  }

  int partitionCount() {
    return partitions.length();
  }

  PartitionIndex partition(int p) {
    return partitions.get(p);
  }

  /**
   * Replaces a partition's entries by an empty, untrusted set (it moved, or is about to be
   * rebuilt); returns the new one.
   */
  PartitionIndex reset(int p, boolean moved) {
    PartitionIndex fresh = new PartitionIndex(p, entries);
    fresh.moved = moved;
    partitions.getAndSet(p, fresh).clear();
    return fresh;
  }

  /** Whether an entry's set is still its partition's (else the entry is left over). */
  boolean current(Slot slot) {
    return partitions.get(slot.owner().id) == slot.owner();
  }

  /** Removes an entry left over by a replaced set. */
  void removeLeftover(IndexOrder.Entry entry, Slot slot) {
    entries.remove(entry, slot);
  }

  /**
   * Records what a row now is: its stored bytes, or null when it was removed. Called on the
   * partition thread, inside the operation that stored the bytes.
   */
  void rowChanged(int partition, byte[] key, byte[] stored) {
    PartitionIndex pi = partitions.get(partition);
    Object[] row = stored == null ? null : RowFormat.decode(stored).visibleValues(width);
    if (row == null) {
      pi.remove(key);
    } else {
      pi.put(order.entry(row, key), stored);
    }
  }

  /** The member's entries between two probes (either may be null: unbounded). */
  NavigableMap<IndexOrder.Entry, Slot> range(IndexOrder.Entry from, IndexOrder.Entry to,
      boolean reverse) {
    NavigableMap<IndexOrder.Entry, Slot> m = entries;
    if (from != null && to != null) {
      m = m.subMap(from, true, to, true);
    } else if (from != null) {
      m = m.tailMap(from, true);
    } else if (to != null) {
      m = m.headMap(to, true);
    }
    return reverse ? m.descendingMap() : m;
  }
}
