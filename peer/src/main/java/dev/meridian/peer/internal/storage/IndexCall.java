package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.protocol.wire.ScanFilters;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Work on the indexes of every member of the region, sent through Hazelcast's executor: this
 * member's part of an index read, or marking an index built. Values travel as Meridian's own
 * encodings inside Java serialization of this small object. Not thread-safe; one per call.
 */
final class IndexCall implements Callable<ArrayList<byte[]>>, HazelcastInstanceAware,
    Serializable {
  private static final long serialVersionUID = 1L;

  private final String index;
  private final long tableId;
  private final boolean markBuilt;
  private final int columnCount;
  private final byte[] filter;
  private final byte[] bounds;
  private final boolean lowInclusive;
  private final boolean highInclusive;
  private final boolean reverse;
  private final int limit;
  /** The encoded primary-key index definition when that is the index read, else null. */
  private final byte[] primaryKey;
  private int ttlColumn = dev.meridian.protocol.types.TableSchema.NO_TTL;
  private long now = Expiry.NEVER;
  private transient RowIndexes indexes;

  private IndexCall(String index, long tableId, boolean markBuilt, int columnCount,
      byte[] filter, byte[] bounds, boolean lowInclusive, boolean highInclusive, boolean reverse,
      int limit, byte[] primaryKey) {
    this.index = index;
    this.tableId = tableId;
    this.markBuilt = markBuilt;
    this.columnCount = columnCount;
    this.filter = filter;
    this.bounds = bounds;
    this.lowInclusive = lowInclusive;
    this.highInclusive = highInclusive;
    this.reverse = reverse;
    this.limit = limit;
    this.primaryKey = primaryKey;
  }

  /** Marks an index built on each member. */
  static IndexCall built(String index) {
    return new IndexCall(index, 0, true, 0, null, null, false, false, false, 0, null);
  }

  /** Each member's part of a read. */
  static IndexCall read(IndexRead read) {
    byte[] f = null;
    ByteBuf buf = Unpooled.buffer();
    try {
      if (read.filter() != null) {
        ScanFilters.write(buf, read.filter());
        f = ByteBufUtil.getBytes(buf);
        buf.clear();
      }
      Values.write(buf, read.low());
      Values.write(buf, read.high());
      byte[] bounds = ByteBufUtil.getBytes(buf);
      byte[] key = read.primaryKey() == null ? null : IndexCatalog.encode(read.primaryKey());
      IndexCall call = new IndexCall(read.index(), read.tableId(), false, read.columnCount(), f,
          bounds, read.lowInclusive(), read.highInclusive(), read.reverse(), read.limit(), key);
      call.ttlColumn = read.ttlColumn();
      call.now = read.now();
      return call;
    } finally {
      buf.release();
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    indexes = (RowIndexes) instance.getUserContext().get(RowIndexes.CONTEXT_KEY);
  }

  @Override
  public ArrayList<byte[]> call() {
    if (markBuilt) {
      indexes.built(index);
      return new ArrayList<>();
    }
    ScanFilter f = filter == null ? null : ScanFilters.read(Unpooled.wrappedBuffer(filter));
    ByteBuf b = Unpooled.wrappedBuffer(bounds);
    Object low = Values.read(b);
    Object high = Values.read(b);
    return new ArrayList<>(indexes.read(new IndexRead(tableId, index, columnCount, f, low,
        lowInclusive, high, highInclusive, reverse, limit,
        primaryKey == null ? null : IndexCatalog.decode(primaryKey), ttlColumn, now)));
  }
}
