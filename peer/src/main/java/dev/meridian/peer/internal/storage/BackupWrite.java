package dev.meridian.peer.internal.storage;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * The backup half of a {@link WriteProcessor}: sets exactly the bytes the primary stored.
 *
 * <p>Why not re-run the write on the backup: the backup member's clock would pick another
 * stamp and the replicas would diverge. Hazelcast sends this processor to each backup replica
 * in the same synchronous backup operation as for any map write. Not thread-safe; one instance
 * serves one backup operation.
 */
final class BackupWrite<R> implements EntryProcessor<byte[], byte[], R>,
    IdentifiedDataSerializable {

  private byte[] stored;

  /** For deserialization. */
  BackupWrite() {}

  BackupWrite(byte[] stored) {
    this.stored = stored;
  }

  @Override
  public R process(Map.Entry<byte[], byte[]> entry) {
    entry.setValue(stored);
    return null;
  }

  @Override
  public EntryProcessor<byte[], byte[], R> getBackupProcessor() {
    return null;
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.BACKUP_WRITE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(stored);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    stored = in.readByteArray();
  }
}
