package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Self-describing binary encoding of canonical column values, used on the wire and in storage.
 *
 * <p>Each value is one tag byte followed by its payload (big-endian):
 * <pre>
 *   0 NULL       (no payload)
 *   1 Long       8 bytes
 *   2 Integer    4 bytes
 *   3 Short      2 bytes
 *   4 String     int length n, n bytes of UTF-8
 *   5 Boolean    1 byte (0 or 1)
 *   6 Double     8 bytes IEEE 754
 *   7 Float      4 bytes IEEE 754
 *   8 BigDecimal int scale, int length n, n bytes two's-complement unscaled value
 *   9 LocalDate  8 bytes epoch day
 *  10 LocalTime  8 bytes nano of day
 *  11 LocalDateTime 8 bytes epoch second (as UTC) + 4 bytes nano
 *  12 byte[]     int length n, n bytes
 * </pre>
 * Example: the Integer 7 is {@code 02 00 00 00 07}; the String "hi" is
 * {@code 04 00 00 00 02 68 69}.
 *
 * <p>Decoding checks every length against the bytes that remain, so a hostile frame fails with
 * a {@code 08P01} {@link MeridianException} instead of allocating or reading out of bounds.
 * Stateless and thread-safe.
 */
public final class Values {
  private static final byte NULL = 0;
  private static final byte LONG = 1;
  private static final byte INT = 2;
  private static final byte SHORT = 3;
  private static final byte STRING = 4;
  private static final byte BOOLEAN = 5;
  private static final byte DOUBLE = 6;
  private static final byte FLOAT = 7;
  private static final byte DECIMAL = 8;
  private static final byte DATE = 9;
  private static final byte TIME = 10;
  private static final byte TIMESTAMP = 11;
  private static final byte BYTES = 12;

  private Values() {}

  /** Writes one canonical value (see {@link dev.meridian.protocol.types.TypeKind#javaClass()}). */
  public static void write(ByteBuf out, Object value) {
    if (value == null) {
      out.writeByte(NULL);
    } else if (value instanceof Long v) {
      out.writeByte(LONG).writeLong(v);
    } else if (value instanceof Integer v) {
      out.writeByte(INT).writeInt(v);
    } else if (value instanceof Short v) {
      out.writeByte(SHORT).writeShort(v);
    } else if (value instanceof String v) {
      out.writeByte(STRING);
      writeString(out, v);
    } else if (value instanceof Boolean v) {
      out.writeByte(BOOLEAN).writeByte(v ? 1 : 0);
    } else if (value instanceof Double v) {
      out.writeByte(DOUBLE).writeDouble(v);
    } else if (value instanceof Float v) {
      out.writeByte(FLOAT).writeFloat(v);
    } else if (value instanceof BigDecimal v) {
      byte[] unscaled = v.unscaledValue().toByteArray();
      out.writeByte(DECIMAL).writeInt(v.scale()).writeInt(unscaled.length).writeBytes(unscaled);
    } else if (value instanceof LocalDate v) {
      out.writeByte(DATE).writeLong(v.toEpochDay());
    } else if (value instanceof LocalTime v) {
      out.writeByte(TIME).writeLong(v.toNanoOfDay());
    } else if (value instanceof LocalDateTime v) {
      out.writeByte(TIMESTAMP).writeLong(v.toEpochSecond(ZoneOffset.UTC)).writeInt(v.getNano());
    } else if (value instanceof byte[] v) {
      out.writeByte(BYTES).writeInt(v.length).writeBytes(v);
    } else {
      throw new IllegalArgumentException("not a canonical value: " + value.getClass().getName());
    }
  }

  /** Reads one value written by {@link #write}. */
  public static Object read(ByteBuf in) {
    byte tag = readByte(in);
    return switch (tag) {
      case NULL -> null;
      case LONG -> need(in, 8).readLong();
      case INT -> need(in, 4).readInt();
      case SHORT -> need(in, 2).readShort();
      case STRING -> readString(in);
      case BOOLEAN -> readBoolean(in);
      case DOUBLE -> need(in, 8).readDouble();
      case FLOAT -> need(in, 4).readFloat();
      case DECIMAL -> {
        int scale = need(in, 4).readInt();
        byte[] unscaled = readBytes(in);
        if (unscaled.length == 0) {
          throw corrupt("empty DECIMAL");
        }
        yield new BigDecimal(new BigInteger(unscaled), scale);
      }
      case DATE -> {
        long day = need(in, 8).readLong();
        if (day < LocalDate.MIN.toEpochDay() || day > LocalDate.MAX.toEpochDay()) {
          throw corrupt("DATE out of range");
        }
        yield LocalDate.ofEpochDay(day);
      }
      case TIME -> {
        long nanos = need(in, 8).readLong();
        if (nanos < 0 || nanos > LocalTime.MAX.toNanoOfDay()) {
          throw corrupt("TIME out of range");
        }
        yield LocalTime.ofNanoOfDay(nanos);
      }
      case TIMESTAMP -> {
        long seconds = need(in, 12).readLong();
        int nano = in.readInt();
        try {
          yield LocalDateTime.ofEpochSecond(seconds, nano, ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
          throw corrupt("TIMESTAMP out of range");
        }
      }
      case BYTES -> readBytes(in);
      default -> throw corrupt("unknown value tag " + tag);
    };
  }

  /**
   * Passes over one value written by {@link #write}, checking it as {@link #read} does (a value
   * {@code read} refuses, {@code skip} refuses) but without building strings or byte arrays.
   */
  public static void skip(ByteBuf in) {
    byte tag = need(in, 1).getByte(in.readerIndex());
    if (tag == STRING || tag == BYTES) {
      in.skipBytes(1);
      int n = need(in, 4).readInt();
      if (n < 0 || n > in.readableBytes()) {
        throw corrupt((tag == STRING ? "string" : "byte array") + " length " + n
            + " exceeds the frame");
      }
      in.skipBytes(n);
    } else {
      read(in);
    }
  }

  /** Writes a non-null string as an int length and UTF-8 bytes. */
  public static void writeString(ByteBuf out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length).writeBytes(b);
  }

  /** Reads a string written by {@link #writeString}. */
  public static String readString(ByteBuf in) {
    int n = need(in, 4).readInt();
    if (n < 0 || n > in.readableBytes()) {
      throw corrupt("string length " + n + " exceeds the frame");
    }
    String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
    in.skipBytes(n);
    return s;
  }

  /** Reads an int-length-prefixed byte array. */
  public static byte[] readBytes(ByteBuf in) {
    int n = need(in, 4).readInt();
    if (n < 0 || n > in.readableBytes()) {
      throw corrupt("byte array length " + n + " exceeds the frame");
    }
    byte[] b = new byte[n];
    in.readBytes(b);
    return b;
  }

  /** Reads a count and checks it is plausible: at least {@code minBytesEach} bytes per item remain. */
  public static int readCount(ByteBuf in, int minBytesEach) {
    int n = need(in, 4).readInt();
    if (n < 0 || (long) n * Math.max(1, minBytesEach) > in.readableBytes()) {
      throw corrupt("count " + n + " exceeds the frame");
    }
    return n;
  }

  /** Reads one byte, failing cleanly at the end of the frame. */
  public static byte readByte(ByteBuf in) {
    return need(in, 1).readByte();
  }

  private static Boolean readBoolean(ByteBuf in) {
    byte b = readByte(in);
    if (b != 0 && b != 1) {
      throw corrupt("boolean byte " + b);
    }
    return b == 1;
  }

  /** Checks that {@code n} bytes remain; returns {@code in} for chaining. */
  public static ByteBuf need(ByteBuf in, int n) {
    if (in.readableBytes() < n) {
      throw corrupt("frame ends early: need " + n + " bytes, have " + in.readableBytes());
    }
    return in;
  }

  /** The exception for malformed input. */
  public static MeridianException corrupt(String what) {
    return new MeridianException(SqlState.PROTOCOL_VIOLATION, "malformed frame: " + what);
  }
}
