package dev.meridian.protocol.auth;

import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Schemas;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary layout of a {@link UserRecord}, the same in a region's user map and between regions
 * (in {@code SyncCatalog}). Pure and thread-safe; malformed input fails with {@code 08P01}.
 *
 * <pre>
 * byte version (1), string name, stamp (long hlc, int origin), byte flags (bit 0 dropped,
 * bit 1 admin), when not dropped: bytes salt, int iterations, bytes storedKey, bytes serverKey,
 * int g, g x (string table, byte privilegeBits)
 * </pre>
 * (string and bytes = int length + content.) Example: the drop of user "A" stamped
 * {@code (hlc 5, origin 7)} is {@code 01 | 00 00 00 01 41 | 00..05 | 00 00 00 07 | 01}.
 */
public final class UserRecords {
  private static final byte VERSION = 1;

  private UserRecords() {}

  /** Writes one record. */
  public static void write(ByteBuf out, UserRecord r) {
    out.writeByte(VERSION);
    Values.writeString(out, r.name());
    Schemas.writeStamp(out, r.stamp());
    out.writeByte((r.dropped() ? 1 : 0) | (r.admin() ? 2 : 0));
    if (!r.dropped()) {
      ScramVerifier v = r.verifier();
      writeBytes(out, v.salt());
      out.writeInt(v.iterations());
      writeBytes(out, v.storedKey());
      writeBytes(out, v.serverKey());
      out.writeInt(r.grants().size());
      r.grants().forEach((table, bits) -> {
        Values.writeString(out, table);
        out.writeByte(bits);
      });
    }
  }

  /** Reads one record. */
  public static UserRecord read(ByteBuf in) {
    byte version = Values.readByte(in);
    if (version != VERSION) {
      throw Values.corrupt("unknown user record version " + version);
    }
    String name = Values.readString(in);
    Stamp stamp = Schemas.readStamp(in);
    byte flags = Values.readByte(in);
    if ((flags & ~3) != 0) {
      throw Values.corrupt("user record flags " + flags);
    }
    boolean dropped = (flags & 1) != 0;
    try {
      if (dropped) {
        if ((flags & 2) != 0) {
          throw Values.corrupt("a dropped user that is an admin");
        }
        return UserRecord.tombstone(name, stamp);
      }
      byte[] salt = Values.readBytes(in);
      int iterations = Values.need(in, 4).readInt();
      byte[] storedKey = Values.readBytes(in);
      byte[] serverKey = Values.readBytes(in);
      ScramVerifier verifier = new ScramVerifier(salt, iterations, storedKey, serverKey);
      int g = Values.readCount(in, 5);
      Map<String, Integer> grants = new LinkedHashMap<>();
      for (int i = 0; i < g; i++) {
        String table = Values.readString(in);
        int bits = Values.readByte(in);
        if (bits <= 0 || bits > Privilege.ALL_BITS || grants.put(table, bits) != null) {
          throw Values.corrupt("grant on " + table);
        }
      }
      return new UserRecord(name, verifier, (flags & 2) != 0, grants, stamp, false);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw Values.corrupt("user record: " + e.getMessage());
    }
  }

  /** One record as bytes (the user map's value). */
  public static byte[] toBytes(UserRecord r) {
    ByteBuf buf = Unpooled.buffer(128);
    try {
      write(buf, r);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  /** One record from bytes, which must hold exactly one. */
  public static UserRecord fromBytes(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      UserRecord r = read(buf);
      if (buf.isReadable()) {
        throw Values.corrupt("bytes after the user record");
      }
      return r;
    } finally {
      buf.release();
    }
  }

  private static void writeBytes(ByteBuf out, byte[] b) {
    out.writeInt(b.length).writeBytes(b);
  }
}
