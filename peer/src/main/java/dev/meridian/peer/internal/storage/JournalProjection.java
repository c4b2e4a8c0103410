package dev.meridian.peer.internal.storage;

import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Turns a journal entry that {@link JournalFilter} kept into the change record a link ships:
 * the part of the row this region's writes made, as bytes
 * {@code long commitMillis, int keyLength, key, row fragment} ({@link #decode} reads them), or
 * an empty array ({@link #isSkipped}) when the entry left that part as it was: entries made by
 * applying other regions' records (or by repair) are skipped, so records do not echo back.
 * Plain bytes cross Hazelcast's serialization without a class of their own. Thread-safe.
 */
public final class JournalProjection
    implements Function<EventJournalMapEvent<byte[], byte[]>, byte[]>, IdentifiedDataSerializable {
  private int regionId;

  /** A decoded projection. */
  public record Projected(long commitMillis, byte[] key, byte[] row) {}

  /** For deserialization. */
  JournalProjection() {}

  public JournalProjection(int regionId) {
    this.regionId = regionId;
  }

  @Override
  public byte[] apply(EventJournalMapEvent<byte[], byte[]> event) {
    StoredRow local = RowFormat.decode(event.getNewValue()).originatedIn(regionId);
    byte[] old = event.getOldValue();
    if (local.isEmpty()
        || (old != null && local.equals(RowFormat.decode(old).originatedIn(regionId)))) {
      return SKIPPED;
    }
    byte[] row = RowFormat.encode(local);
    byte[] key = event.getKey();
    return ByteBuffer.allocate(12 + key.length + row.length)
        .putLong(local.maxStamp().millis()).putInt(key.length).put(key).put(row).array();
  }

  private static final byte[] SKIPPED = new byte[0];

  /** Whether {@link #apply} produced "nothing to ship" for an entry. */
  public static boolean isSkipped(byte[] projected) {
    return projected.length == 0;
  }

  /** Reads what {@link #apply} produced (not skipped). */
  public static Projected decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long millis = b.getLong();
    byte[] key = new byte[b.getInt()];
    b.get(key);
    byte[] row = new byte[b.remaining()];
    b.get(row);
    return new Projected(millis, key, row);
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.JOURNAL_PROJECTION;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(regionId);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    regionId = in.readInt();
  }
}
