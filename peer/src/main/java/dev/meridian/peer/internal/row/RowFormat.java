package dev.meridian.peer.internal.row;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Schemas;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The binary format of a {@link StoredRow}, as held in the table maps and shipped in change
 * records. Big-endian:
 * <pre>
 *   byte   version             1
 *   byte   flags               bit 0: a tombstone follows; other bits 0
 *   [long hlc, int origin]     the tombstone stamp, when flagged
 *   int    cellCount
 *   cellCount times, columns strictly increasing:
 *     int    column            &gt;= 0
 *     long   hlc, int origin   the cell's stamp
 *     value                    one {@link Values} value (tag byte + payload), or for a
 *                              COUNTER column a {@link Counter} (tag 0x7F), stamped with
 *                              its latest contribution
 * </pre>
 * Example: a row deleted at stamp {@code (hlc 5, origin 1)} with no cells is
 * {@code 01 01 00 00 00 00 00 00 00 05 00 00 00 01 00 00 00 00}.
 *
 * <p>Every valid byte string decodes to exactly one row and that row encodes back to the same
 * bytes, so equal rows are equal bytes (replicas compare digests of them). Decoding rejects
 * anything else (unknown version, bad flags, unsorted columns, short or trailing bytes) with a
 * {@link MeridianException}, never another exception. Stateless and thread-safe.
 */
public final class RowFormat {

  /** The format version written first. */
  public static final byte VERSION = 1;

  private static final int FLAG_TOMBSTONE = 1;
  private static final int STAMP_BYTES = 12;
  private static final int MIN_CELL_BYTES = 4 + STAMP_BYTES + 1;

  private RowFormat() {}

  /** Encodes a row. */
  public static byte[] encode(StoredRow row) {
    int size = 2 + STAMP_BYTES + 4;
    for (int i = 0; i < row.cellCount(); i++) {
      size += 4 + STAMP_BYTES + row.cellAt(i).encodedValue().length;
    }
    ByteBuf out = Unpooled.buffer(size, size);
    try {
      out.writeByte(VERSION);
      Stamp tombstone = row.tombstone();
      out.writeByte(tombstone == null ? 0 : FLAG_TOMBSTONE);
      if (tombstone != null) {
        Schemas.writeStamp(out, tombstone);
      }
      out.writeInt(row.cellCount());
      for (int i = 0; i < row.cellCount(); i++) {
        Cell c = row.cellAt(i);
        out.writeInt(c.column());
        Schemas.writeStamp(out, c.stamp());
        out.writeBytes(c.encodedValue());
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws MeridianException {@code XX000} when the bytes are not a stored row
   */
  public static StoredRow decode(byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    try {
      return read(in);
    } catch (MeridianException e) {
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "stored row is corrupt: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Values and Schemas promise MeridianException only; this is a second line of defence
      // so that hostile bytes can never surface as, say, an IndexOutOfBoundsException.
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "stored row is corrupt: " + e, e);
    } finally {
      in.release();
    }
  }

  private static StoredRow read(ByteBuf in) {
    byte version = Values.readByte(in);
    if (version != VERSION) {
      throw Values.corrupt("unknown row format version " + version);
    }
    byte flags = Values.readByte(in);
    if ((flags & ~FLAG_TOMBSTONE) != 0) {
      throw Values.corrupt("unknown row flags " + flags);
    }
    Stamp tombstone = (flags & FLAG_TOMBSTONE) != 0 ? Schemas.readStamp(in) : null;
    int n = Values.readCount(in, MIN_CELL_BYTES);
    Cell[] cells = new Cell[n];
    int previous = -1;
    for (int i = 0; i < n; i++) {
      int column = Values.need(in, 4).readInt();
      if (column <= previous) {
        throw Values.corrupt("cell column " + column + " after column " + previous);
      }
      previous = column;
      Stamp stamp = Schemas.readStamp(in);
      int start = in.readerIndex();
      boolean counter = in.isReadable() && in.getByte(start) == Counter.TAG;
      Stamp counterStamp = counter ? Counter.read(in).maxStamp() : null;
      if (!counter) {
        Values.skip(in);
      }
      if (counter && !counterStamp.equals(stamp)) {
        throw Values.corrupt("counter cell stamped " + stamp + " holds contributions up to "
            + counterStamp);
      }
      byte[] value = new byte[in.readerIndex() - start];
      in.getBytes(start, value);
      cells[i] = new Cell(column, stamp, value);
    }
    if (in.isReadable()) {
      throw Values.corrupt(in.readableBytes() + " bytes after the last cell");
    }
    return new StoredRow(tombstone, cells);
  }
}
