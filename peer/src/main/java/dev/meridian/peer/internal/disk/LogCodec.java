package dev.meridian.peer.internal.disk;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Bytes of a {@link LogRecord} in a log segment, and back. Pure: no files, so it can be
 * round-trip tested and fuzzed.
 *
 * <p>A frame is {@code [int32 length][int32 crc32c][payload]}, big-endian, where the CRC-32C
 * covers the payload and {@code length} counts the payload only. The payload is
 * {@code [u16 map-name length][map name, UTF-8][key][flag][value]} where {@code flag} is 1 for a
 * put followed by the value and 0 for a delete, and each key or value is a type byte
 * ({@code B} bytes, {@code S} UTF-8 string, {@code L} long) then {@code [int32 length][bytes]}
 * or, for a long, its 8 bytes. For example a delete of key {@code 7L} in map {@code m} is
 * {@code 00 00 00 0c | crc | 00 01 6d 4c 00 00 00 00 00 00 00 07 00}.
 *
 * <p>Decoding tells a torn frame (the input ends inside it: a write the crash cut short) from a
 * corrupt one (a bad length, checksum or payload). Stateless and thread-safe.
 */
public final class LogCodec {
  /** Bytes before the payload. */
  public static final int HEADER = 8;
  /** The largest payload accepted; a longer length is corruption. */
  public static final int MAX_PAYLOAD = 64 << 20;

  private static final byte BYTES = 'B';
  private static final byte STRING = 'S';
  private static final byte LONG = 'L';

  private LogCodec() {}

  /** What decoding one frame found. */
  public sealed interface Decoded {}

  /** A whole, valid frame of {@code length} bytes (header included). */
  public record Frame(LogRecord record, int length) implements Decoded {}

  /** The input ends inside a frame (a torn write). */
  public record Torn(String why) implements Decoded {}

  /** The frame's length, checksum or payload is wrong. */
  public record Corrupt(String why) implements Decoded {}

  /** The frame of one record. */
  public static byte[] encode(LogRecord record) {
    byte[] map = record.map().getBytes(StandardCharsets.UTF_8);
    if (map.length > 0xffff) {
      throw new IllegalArgumentException("map name too long");
    }
    int size = 2 + map.length + sizeOf(record.key()) + 1
        + (record.value() == null ? 0 : sizeOf(record.value()));
    ByteBuffer b = ByteBuffer.allocate(HEADER + size);
    b.putInt(size).putInt(0);
    b.putShort((short) map.length).put(map);
    put(b, record.key());
    if (record.value() == null) {
      b.put((byte) 0);
    } else {
      b.put((byte) 1);
      put(b, record.value());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), HEADER, size);
    b.putInt(4, (int) crc.getValue());
    return b.array();
  }

  /**
   * Decodes the frame starting at {@code in}'s position, leaving the position unchanged. Never
   * throws for bad input.
   */
  public static Decoded decode(ByteBuffer in) {
    ByteBuffer b = in.duplicate();
    if (b.remaining() < HEADER) {
      return new Torn(b.remaining() + " bytes left, less than a frame header");
    }
    int length = b.getInt();
    int expected = b.getInt();
    if (length < 4 || length > MAX_PAYLOAD) {
      return new Corrupt("frame length " + length + " is out of range");
    }
    if (b.remaining() < length) {
      return new Torn("frame of " + length + " bytes but only " + b.remaining() + " left");
    }
    ByteBuffer payload = b.slice(b.position(), length);
    CRC32C crc = new CRC32C();
    crc.update(payload.duplicate());
    if ((int) crc.getValue() != expected) {
      return new Corrupt("checksum mismatch");
    }
    try {
      int mapLength = Short.toUnsignedInt(payload.getShort());
      byte[] map = new byte[mapLength];
      payload.get(map);
      String mapName = utf8(map);
      Object key = get(payload);
      byte flag = payload.get();
      Object value;
      if (flag == 0) {
        value = null;
      } else if (flag == 1) {
        value = get(payload);
      } else {
        return new Corrupt("bad put/delete flag " + flag);
      }
      if (payload.hasRemaining()) {
        return new Corrupt(payload.remaining() + " stray bytes after the record");
      }
      return new Frame(new LogRecord(mapName, key, value),
          HEADER + length);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return new Corrupt("bad payload: " + e);
    }
  }

  private static int sizeOf(Object o) {
    if (o instanceof Long) {
      return 1 + 8;
    }
    byte[] bytes = o instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) o;
    return 1 + 4 + bytes.length;
  }

  private static void put(ByteBuffer b, Object o) {
    if (o instanceof Long l) {
      b.put(LONG).putLong(l);
      return;
    }
    boolean string = o instanceof String;
    byte[] bytes = string ? ((String) o).getBytes(StandardCharsets.UTF_8) : (byte[]) o;
    b.put(string ? STRING : BYTES).putInt(bytes.length).put(bytes);
  }

  private static Object get(ByteBuffer b) {
    byte type = b.get();
    if (type == LONG) {
      return b.getLong();
    }
    if (type != BYTES && type != STRING) {
      throw new IllegalArgumentException("unknown value type " + type);
    }
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("value length " + n + " out of range");
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return type == STRING ? utf8(bytes) : bytes;
  }

  /** Strict UTF-8: malformed text is corruption, not a string that would encode otherwise. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("malformed UTF-8 text", e);
    }
  }
}
