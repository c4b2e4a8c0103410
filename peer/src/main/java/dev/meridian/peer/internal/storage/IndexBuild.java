package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.wire.IndexDefs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Map;

/**
 * Adds existing rows to an index, run by Hazelcast over a table's entries on each partition's
 * owner, on the partition thread: between the row writes of that partition, never beside them,
 * so a write before it is read here and a write after it maintains the index itself (the
 * index is registered on the member before the first row is read). Changes no row.
 * Not thread-safe; Hazelcast runs one instance per partition operation.
 */
final class IndexBuild implements EntryProcessor<byte[], byte[], Object>,
    HazelcastInstanceAware, IdentifiedDataSerializable {
  private IndexDef def;
  private int partition;
  private transient RowIndexes indexes;
  private transient RowIndex index;

  /** For deserialization. */
  IndexBuild() {}

  /** A build of every partition ({@code partition} -1) or of one. */
  IndexBuild(IndexDef def, int partition) {
    this.def = def;
    this.partition = partition;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    indexes = (RowIndexes) instance.getUserContext().get(RowIndexes.CONTEXT_KEY);
  }

  @Override
  public Object process(Map.Entry<byte[], byte[]> entry) {
    if (index == null) {
      index = indexes.ensure(def);
    }
    byte[] key = entry.getKey();
    int p = partition >= 0 ? partition : indexes.partitionOf(key);
    index.rowChanged(p, key, entry.getValue());
    return null;
  }

  @Override
  public EntryProcessor<byte[], byte[], Object> getBackupProcessor() {
    return null;
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.INDEX_BUILD;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      IndexDefs.write(buf, def);
      out.writeByteArray(ByteBufUtil.getBytes(buf));
    } finally {
      buf.release();
    }
    out.writeInt(partition);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    byte[] bytes = in.readByteArray();
    def = IndexDefs.read(Unpooled.wrappedBuffer(bytes));
    partition = in.readInt();
  }
}
