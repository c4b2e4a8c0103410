package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.types.Stamp;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One cell that a merge threw away in favour of another, as the conflict log keeps it: the
 * row, the column, the losing value with its stamp (whose origin is the region that wrote it),
 * the stamp it lost to, and when this region saw it. Immutable.
 *
 * <p>Entries travel between the peers of a region as bytes ({@link #encode}/{@link #decode}):
 * <pre>
 *   byte   version (1)
 *   int    entry count
 *   per entry:
 *     long   table id
 *     int    key length, then the key bytes (the table's canonical key encoding)
 *     int    column
 *     int    value length, then the losing cell's encoded value
 *     long   losing stamp's HLC     int losing stamp's origin
 *     long   winning stamp's HLC    int winning stamp's origin
 *     byte   1 when a row tombstone won, else 0
 *     long   observed at, epoch milliseconds
 * </pre>
 * For example one entry of table 7, key {@code 01 02}, column 1, value {@code 03}: {@code 01
 * 00000001 0000000000000007 00000002 0102 00000001 00000001 03 …}. Big-endian throughout.
 *
 * @param tableId the table's incarnation id
 * @param key the row's key bytes
 * @param column the losing cell's column
 * @param losingValue the losing cell's encoded value
 * @param losing the losing cell's stamp
 * @param winning the stamp that won (a cell of the same column, or the row tombstone)
 * @param byTombstone whether the row tombstone won
 * @param observedAtMillis when this region's merge threw the cell away
 */
public record ConflictEntry(long tableId, byte[] key, int column, byte[] losingValue,
    Stamp losing, Stamp winning, boolean byTombstone, long observedAtMillis) {

  private static final byte VERSION = 1;
  private static final int FIXED_BYTES = 8 + 4 + 4 + 4 + 12 + 12 + 1 + 8;

  public ConflictEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(losingValue, "losingValue");
    Objects.requireNonNull(losing, "losing");
    Objects.requireNonNull(winning, "winning");
  }

  /**
   * Whether two entries record the same lost cell (same row, column and losing stamp), which a
   * redelivered record or a retried apply can log twice.
   */
  public boolean sameLoss(ConflictEntry o) {
    return tableId == o.tableId && column == o.column && losing.equals(o.losing)
        && Arrays.equals(key, o.key);
  }

  /** Encodes entries in the layout above. */
  public static byte[] encode(List<ConflictEntry> entries) {
    int size = 1 + 4;
    for (ConflictEntry e : entries) {
      size += FIXED_BYTES + e.key.length + e.losingValue.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION).putInt(entries.size());
    for (ConflictEntry e : entries) {
      out.putLong(e.tableId).putInt(e.key.length).put(e.key).putInt(e.column)
          .putInt(e.losingValue.length).put(e.losingValue)
          .putLong(e.losing.hlc()).putInt(e.losing.origin())
          .putLong(e.winning.hlc()).putInt(e.winning.origin())
          .put((byte) (e.byTombstone ? 1 : 0)).putLong(e.observedAtMillis);
    }
    return out.array();
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not exactly such a list (truncated,
   *     trailing bytes, another version, a negative length or column)
   */
  public static List<ConflictEntry> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte version = in.get();
      if (version != VERSION) {
        throw new IllegalArgumentException("conflict entries of version " + version);
      }
      int count = in.getInt();
      if (count < 0 || (long) count * FIXED_BYTES > in.remaining()) {
        throw new IllegalArgumentException("bad conflict entry count " + count);
      }
      List<ConflictEntry> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long table = in.getLong();
        byte[] key = bytes(in);
        int column = in.getInt();
        if (column < 0) {
          throw new IllegalArgumentException("negative column " + column);
        }
        byte[] value = bytes(in);
        Stamp losing = new Stamp(in.getLong(), in.getInt());
        Stamp winning = new Stamp(in.getLong(), in.getInt());
        byte flag = in.get();
        if (flag != 0 && flag != 1) {
          throw new IllegalArgumentException("bad tombstone flag " + flag);
        }
        out.add(new ConflictEntry(table, key, column, value, losing, winning, flag == 1,
            in.getLong()));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the conflict entries");
      }
      return out;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated conflict entries", e);
    }
  }

  private static byte[] bytes(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("bad length " + n + " with " + in.remaining() + " left");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConflictEntry e && sameLoss(e) && Arrays.equals(losingValue, e.losingValue)
        && winning.equals(e.winning) && byTombstone == e.byTombstone
        && observedAtMillis == e.observedAtMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(tableId, Arrays.hashCode(key), column, losing, winning, observedAtMillis);
  }

  @Override
  public String toString() {
    return "ConflictEntry{table=" + Long.toHexString(tableId) + ", column=" + column
        + ", losing=" + losing + ", winning=" + winning + ", byTombstone=" + byTombstone + "}";
  }
}
