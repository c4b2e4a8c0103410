package dev.meridian.peer.internal.storage;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Raises, per partition, the time through which this region has applied an origin region's
 * changes (an entry of {@code long[partitionCount]} keyed by origin): every partition whose bit
 * is set gets at least {@code throughMillis}. Values only grow, so reports arriving late or
 * twice change nothing. Deterministic, so the backup runs the same processor. Not thread-safe.
 */
public final class AppliedThroughMerge implements EntryProcessor<String, long[], Void>,
    IdentifiedDataSerializable {
  private long throughMillis;
  private int partitionCount;
  private long[] partitionBits;

  /** For deserialization. */
  AppliedThroughMerge() {}

  public AppliedThroughMerge(long throughMillis, int partitionCount, long[] partitionBits) {
    this.throughMillis = throughMillis;
    this.partitionCount = partitionCount;
    this.partitionBits = partitionBits.clone();
  }

  @Override
  public Void process(Map.Entry<String, long[]> entry) {
    long[] current = entry.getValue();
    long[] next = current != null && current.length == partitionCount
        ? current.clone() : new long[partitionCount];
    boolean changed = current == null || current.length != partitionCount;
    for (int p = 0; p < partitionCount; p++) {
      int word = p >>> 6;
      if (word < partitionBits.length && (partitionBits[word] & (1L << (p & 63))) != 0
          && next[p] < throughMillis) {
        next[p] = throughMillis;
        changed = true;
      }
    }
    if (changed) {
      entry.setValue(next);
    }
    return null;
  }

  @Override
  public EntryProcessor<String, long[], Void> getBackupProcessor() {
    return this;
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.APPLIED_THROUGH_MERGE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(throughMillis);
    out.writeInt(partitionCount);
    out.writeLongArray(partitionBits);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    throughMillis = in.readLong();
    partitionCount = in.readInt();
    partitionBits = in.readLongArray();
  }

  @Override
  public String toString() {
    return "AppliedThroughMerge[" + throughMillis + ", " + partitionCount + ", "
        + Arrays.toString(partitionBits) + "]";
  }
}
