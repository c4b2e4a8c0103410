package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import java.io.IOException;
import java.util.Map;

/**
 * Removes a deleted row (a tombstone and no cells) whose tombstone is still the one the purge
 * chose, on the partition owner; a row written since is left alone. Deterministic, so the
 * backup runs the same processor. Result: whether the row was removed. Not thread-safe.
 */
public final class PurgeProcessor implements EntryProcessor<byte[], byte[], Boolean>,
    HazelcastInstanceAware, IdentifiedDataSerializable {
  private long tableId;
  private long hlc;
  private int origin;
  private transient RowIndexes indexes;

  /** For deserialization. */
  PurgeProcessor() {}

  public PurgeProcessor(long tableId, long hlc, int origin) {
    this.tableId = tableId;
    this.hlc = hlc;
    this.origin = origin;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    indexes = (RowIndexes) instance.getUserContext().get(RowIndexes.CONTEXT_KEY);
  }

  @Override
  public Boolean process(Map.Entry<byte[], byte[]> entry) {
    byte[] bytes = entry.getValue();
    if (bytes == null) {
      return false;
    }
    StoredRow row = RowFormat.decode(bytes);
    if (!TombstonePurge.stillChosen(row, hlc, origin)) {
      return false;
    }
    entry.setValue(null);
    if (indexes != null) {
      indexes.rowChanged(tableId, entry.getKey(), null);
    }
    return true;
  }

  @Override
  public EntryProcessor<byte[], byte[], Boolean> getBackupProcessor() {
    return this;
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.PURGE_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(tableId);
    out.writeLong(hlc);
    out.writeInt(origin);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    tableId = in.readLong();
    hlc = in.readLong();
    origin = in.readInt();
  }
}
