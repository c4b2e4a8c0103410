package dev.meridian.peer.internal.storage;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.Predicate;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.protocol.wire.ScanFilters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Map;

/**
 * The row condition of a scan, run by Hazelcast on the member that owns each partition: a row
 * passes when it is visible (some cell above its tombstone) and the {@link ScanFilter} is true
 * on its visible values. Serialized as the filter's {@link ScanFilters} bytes.
 * Thread-safe after construction (the compiled condition is immutable).
 */
public final class ScanPredicate implements Predicate<byte[], byte[]>, IdentifiedDataSerializable {
  private int columnCount;
  private ScanFilter filter;
  private transient ScanFilters.Condition condition;

  /** For deserialization. */
  ScanPredicate() {}

  ScanPredicate(int columnCount, ScanFilter filter) {
    this.columnCount = columnCount;
    this.filter = filter;
    this.condition = ScanFilters.compile(filter);
  }

  @Override
  public boolean apply(Map.Entry<byte[], byte[]> entry) {
    Object[] row = ScanRows.visible(entry.getValue(), columnCount);
    return row != null && condition.passes(row);
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.SCAN_PREDICATE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(columnCount);
    if (filter == null) {
      out.writeByteArray(null);
      return;
    }
    ByteBuf buf = Unpooled.buffer();
    try {
      ScanFilters.write(buf, filter);
      out.writeByteArray(ByteBufUtil.getBytes(buf));
    } finally {
      buf.release();
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    columnCount = in.readInt();
    byte[] bytes = in.readByteArray();
    filter = bytes == null ? null : ScanFilters.read(Unpooled.wrappedBuffer(bytes));
    condition = ScanFilters.compile(filter);
  }
}
