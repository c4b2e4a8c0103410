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
 * {@code long commitMillis, int keyLength, key, byte flags, [int length, old value],
 * [int length, new value], row fragment} ({@link #decode} reads them), or
 * an empty array ({@link #isSkipped}) when the entry left that part as it was: entries made by
 * applying other regions' records (or by repair) are skipped, so records do not echo back.
 * Plain bytes cross Hazelcast's serialization without a class of their own.
 *
 * <p>For a table pinned by a column's value (constructed with its deciding column), the flags
 * say whether the row was visible before ({@code 1}) and after ({@code 2}) the entry, each
 * followed by that state's deciding cell value (length -1: NULL or unset), so that the link can
 * tell where the row lived and where it may live now without reading the row again. Unpinned
 * tables get flags 0. Thread-safe.
 */
public final class JournalProjection
    implements Function<EventJournalMapEvent<byte[], byte[]>, byte[]>, IdentifiedDataSerializable {
  /** The deciding column of a table that is not pinned by a column. */
  public static final int NOT_PINNED = Integer.MIN_VALUE;
  /** Flag: the row was visible before the entry; {@link Projected#oldValue} is its value. */
  public static final int WAS_VISIBLE = 1;
  /** Flag: the row is visible after the entry; {@link Projected#newValue} is its value. */
  public static final int IS_VISIBLE = 2;

  private int regionId;
  private int decidingColumn = NOT_PINNED;

  /**
   * A decoded projection.
   *
   * @param flags {@link #WAS_VISIBLE} and {@link #IS_VISIBLE} (0 for unpinned tables)
   * @param oldValue the deciding cell's encoded value before, or null (NULL, or not visible)
   * @param newValue the same after
   */
  public record Projected(long commitMillis, byte[] key, byte[] row, int flags, byte[] oldValue,
      byte[] newValue) {}

  /** For deserialization. */
  JournalProjection() {}

  public JournalProjection(int regionId) {
    this.regionId = regionId;
  }

  /**
   * A projection for a table pinned by a column's value.
   *
   * @param decidingColumn the column's index, or -1 when the table has no such column (every
   *     row's value is then NULL)
   */
  public JournalProjection(int regionId, int decidingColumn) {
    this.regionId = regionId;
    this.decidingColumn = decidingColumn;
  }

  @Override
  public byte[] apply(EventJournalMapEvent<byte[], byte[]> event) {
    StoredRow now = RowFormat.decode(event.getNewValue());
    byte[] old = event.getOldValue();
    StoredRow before = old == null ? null : RowFormat.decode(old);
    StoredRow local = shipped(before, now, regionId);
    if (local == null) {
      return SKIPPED;
    }
    byte[] row = RowFormat.encode(local);
    byte[] key = event.getKey();
    int flags = 0;
    byte[] oldValue = null;
    byte[] newValue = null;
    if (decidingColumn != NOT_PINNED) {
      if (before != null && before.isVisible()) {
        flags |= WAS_VISIBLE;
        oldValue = deciding(before);
      }
      if (now.isVisible()) {
        flags |= IS_VISIBLE;
        newValue = deciding(now);
      }
    }
    ByteBuffer b = ByteBuffer.allocate(13 + key.length + length(flags, WAS_VISIBLE, oldValue)
        + length(flags, IS_VISIBLE, newValue) + row.length);
    b.putLong(local.maxStamp().millis()).putInt(key.length).put(key).put((byte) flags);
    put(b, flags, WAS_VISIBLE, oldValue);
    put(b, flags, IS_VISIBLE, newValue);
    return b.put(row).array();
  }

  /**
   * The part of a journal entry's row that a link of region {@code regionId} ships: what this
   * region's writes made of the row, or null when the entry left that part as it was (an apply
   * of other regions' records, or repair), so records do not echo back. The replication
   * simulation ships by the same rule.
   *
   * @param before the row before the entry, or null when there was none
   */
  public static StoredRow shipped(StoredRow before, StoredRow now, int regionId) {
    StoredRow local = now.originatedIn(regionId);
    if (local.isEmpty() || (before != null && local.equals(before.originatedIn(regionId)))) {
      return null;
    }
    return local;
  }

  private byte[] deciding(StoredRow row) {
    if (decidingColumn < 0) {
      return null;
    }
    dev.meridian.peer.internal.row.Cell c = row.cell(decidingColumn);
    return c == null || !row.isVisible(c) ? null : c.encodedValue();
  }

  private static int length(int flags, int flag, byte[] value) {
    return (flags & flag) == 0 ? 0 : 4 + (value == null ? 0 : value.length);
  }

  private static void put(ByteBuffer b, int flags, int flag, byte[] value) {
    if ((flags & flag) != 0) {
      b.putInt(value == null ? -1 : value.length);
      if (value != null) {
        b.put(value);
      }
    }
  }

  private static byte[] get(ByteBuffer b, int flags, int flag) {
    if ((flags & flag) == 0) {
      return null;
    }
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    byte[] v = new byte[n];
    b.get(v);
    return v;
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
    int flags = b.get();
    byte[] oldValue = get(b, flags, WAS_VISIBLE);
    byte[] newValue = get(b, flags, IS_VISIBLE);
    byte[] row = new byte[b.remaining()];
    b.get(row);
    return new Projected(millis, key, row, flags, oldValue, newValue);
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
    out.writeInt(decidingColumn);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    regionId = in.readInt();
    decidingColumn = in.readInt();
  }
}
