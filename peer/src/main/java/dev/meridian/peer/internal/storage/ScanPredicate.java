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
 * passes when it is visible (some cell above its tombstone), not expired at the scan's moment
 * ({@link Expiry}), and the {@link ScanFilter} is true on its visible values. Serialized as the filter's {@link ScanFilters} bytes.
 * Thread-safe after construction (the compiled condition is immutable).
 */
public final class ScanPredicate implements Predicate<byte[], byte[]>, IdentifiedDataSerializable {
  private int columnCount;
  private ScanFilter filter;
  private int ttlColumn = dev.meridian.protocol.types.TableSchema.NO_TTL;
  private long now = Expiry.NEVER;
  private transient ScanFilters.Condition condition;

  /** For deserialization. */
  ScanPredicate() {}

  ScanPredicate(int columnCount, ScanFilter filter, int ttlColumn, long now) {
    this.ttlColumn = ttlColumn;
    this.now = now;
    this.columnCount = columnCount;
    this.filter = filter;
    this.condition = ScanFilters.compile(filter);
  }

  @Override
  public boolean apply(Map.Entry<byte[], byte[]> entry) {
    Object[] row = ScanRows.visible(entry.getValue(), columnCount);
    return row != null && !Expiry.expired(row, ttlColumn, now) && condition.passes(row);
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
    out.writeInt(ttlColumn);
    out.writeLong(now);
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
    ttlColumn = in.readInt();
    now = in.readLong();
    byte[] bytes = in.readByteArray();
    filter = bytes == null ? null : ScanFilters.read(Unpooled.wrappedBuffer(bytes));
    condition = ScanFilters.compile(filter);
  }
}
