package dev.meridian.peer.internal.storage;

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
    IdentifiedDataSerializable {
  private long hlc;
  private int origin;

  /** For deserialization. */
  PurgeProcessor() {}

  public PurgeProcessor(long hlc, int origin) {
    this.hlc = hlc;
    this.origin = origin;
  }

  @Override
  public Boolean process(Map.Entry<byte[], byte[]> entry) {
    byte[] bytes = entry.getValue();
    if (bytes == null) {
      return false;
    }
    StoredRow row = RowFormat.decode(bytes);
    if (row.cellCount() != 0 || row.tombstone() == null || row.tombstone().hlc() != hlc
        || row.tombstone().origin() != origin) {
      return false;
    }
    entry.setValue(null);
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
    out.writeLong(hlc);
    out.writeInt(origin);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    hlc = in.readLong();
    origin = in.readInt();
  }
}
