package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.protocol.types.IndexDef;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One secondary index on one Hazelcast member: per partition, the entries of the rows stored
 * here, ordered by {@link IndexOrder}, each with the row's stored bytes (so a read through the
 * index needs no second lookup). Entries change only inside the partition operation that
 * changes the row (the write, apply and purge processors and {@link IndexBuild} call
 * {@link #rowChanged}), so on the partition's owner entries and rows never disagree.
 *
 * <p>A partition's entries are trusted only while {@link PartitionIndex#complete} is set: the
 * online build or a rebuild after the partition moved to this member sets it. A partition
 * replaced by {@link #reset} starts empty and untrusted. Thread-safe: partition threads write,
 * query threads read.
 */
final class RowIndex {

  /** The entries of one partition. */
  static final class PartitionIndex {
    final ConcurrentSkipListMap<IndexOrder.Entry, byte[]> entries;
    private final Map<ByteBuffer, IndexOrder.Entry> byKey = new ConcurrentHashMap<>();
    /** Whether the entries are known to hold every row of the partition. */
    volatile boolean complete;
    /** Whether the partition moved since the index was registered here. */
    volatile boolean moved;

    PartitionIndex(IndexOrder order) {
      entries = new ConcurrentSkipListMap<>(order);
    }

    void put(IndexOrder.Entry entry, byte[] row) {
      ByteBuffer k = ByteBuffer.wrap(entry.key());
      IndexOrder.Entry old = byKey.put(k, entry);
      if (old != null) {
        entries.remove(old);
      }
      entries.put(entry, row);
    }

    void remove(byte[] key) {
      IndexOrder.Entry old = byKey.remove(ByteBuffer.wrap(key));
      if (old != null) {
        entries.remove(old);
      }
    }

    int size() {
      return entries.size();
    }
  }

  private final IndexDef def;
  private final IndexOrder order;
  private final int width;
  private final AtomicReferenceArray<PartitionIndex> partitions;

  RowIndex(IndexDef def, int partitionCount) {
    this.def = def;
    this.order = new IndexOrder(def);
    int w = 0;
    for (IndexDef.Key k : def.keys()) {
      w = Math.max(w, k.column() + 1);
    }
    this.width = w;
    this.partitions = new AtomicReferenceArray<>(partitionCount);
    for (int p = 0; p < partitionCount; p++) {
      partitions.set(p, new PartitionIndex(order));
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
    PartitionIndex fresh = new PartitionIndex(order);
    fresh.moved = moved;
    partitions.set(p, fresh);
    return fresh;
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

  /** The entries of a partition between two probes (either may be null: unbounded). */
  static NavigableMap<IndexOrder.Entry, byte[]> range(PartitionIndex pi, IndexOrder.Entry from,
      IndexOrder.Entry to, boolean reverse) {
    NavigableMap<IndexOrder.Entry, byte[]> m = pi.entries;
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
