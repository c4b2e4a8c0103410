package dev.meridian.peer.internal.storage;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.projection.Projection;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Map;

/**
 * The columns a scan ships, cut out on the member that owns the partition: the visible values
 * of the asked columns, in the asked order, as consecutive {@link Values} (plain bytes cross
 * Hazelcast's serialization without a class of their own). {@link #decode} reads them back.
 * Thread-safe.
 */
public final class ScanProjection
    implements Projection<Map.Entry<byte[], byte[]>, byte[]>, IdentifiedDataSerializable {
  private int columnCount;
  private int[] columns;

  /** For deserialization. */
  ScanProjection() {}

  ScanProjection(int columnCount, int[] columns) {
    this.columnCount = columnCount;
    this.columns = columns.clone();
  }

  @Override
  public byte[] transform(Map.Entry<byte[], byte[]> entry) {
    Object[] row = ScanRows.visible(entry.getValue(), columnCount);
    ByteBuf out = Unpooled.buffer(16 * Math.max(1, columns.length));
    try {
      for (int c : columns) {
        Values.write(out, row == null || c >= row.length ? null : row[c]);
      }
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** The values {@link #transform} wrote for {@code n} columns. */
  static Object[] decode(byte[] bytes, int n) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    Object[] row = new Object[n];
    for (int i = 0; i < n; i++) {
      row[i] = Values.read(in);
    }
    return row;
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.SCAN_PROJECTION;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(columnCount);
    out.writeIntArray(columns);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    columnCount = in.readInt();
    columns = in.readIntArray();
  }
}
