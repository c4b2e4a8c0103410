package dev.meridian.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The bytes a row's key is stored under, and the partition those bytes fall in. Driver and peer
 * compute both the same way, so that the driver can send a key's request straight to the peer
 * that owns the key's partition. Stateless and thread-safe.
 *
 * <p>The key bytes are the {@link Values} encoding of the canonical key values in key order,
 * with signed zeros and NaNs folded so that equal keys are equal bytes. The partition is the
 * one the peers' Hazelcast members place a {@code byte[]} key in: MurmurHash3 (x86, 32 bit,
 * seed {@code 0x01000193}) of the key's serialized form (an int length, then the bytes), made
 * non-negative, modulo the partition count. The peer's tests check this against Hazelcast
 * itself, so a Hazelcast upgrade that changed it would fail them.
 */
public final class KeyBytes {
  private static final int SEED = 0x01000193;

  private KeyBytes() {}

  /** Folds {@code -0.0} to {@code 0.0} and every NaN to the canonical NaN; other values as given. */
  public static Object fold(Object canonical) {
    if (canonical instanceof Double d && (d == 0.0 || d.isNaN())) {
      return d.isNaN() ? Double.NaN : 0.0d;
    }
    if (canonical instanceof Float f && (f == 0.0f || f.isNaN())) {
      return f.isNaN() ? Float.NaN : 0.0f;
    }
    return canonical;
  }

  /** The stored key of canonical key values (see {@link dev.meridian.protocol.types.ColumnType#coerce}). */
  public static byte[] encode(Object[] canonicalKey) {
    ByteBuf buf = Unpooled.buffer(16 * canonicalKey.length);
    try {
      for (Object v : canonicalKey) {
        Values.write(buf, fold(v));
      }
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  /** The partition, out of {@code partitionCount}, that holds a key. */
  public static int partition(byte[] key, int partitionCount) {
    // Hazelcast hashes a byte[] key's serialized form: a big-endian int length, then the bytes.
    byte[] serialized = new byte[key.length + 4];
    serialized[0] = (byte) (key.length >>> 24);
    serialized[1] = (byte) (key.length >>> 16);
    serialized[2] = (byte) (key.length >>> 8);
    serialized[3] = (byte) key.length;
    System.arraycopy(key, 0, serialized, 4, key.length);
    int hash = murmur3(serialized, SEED);
    return hash == Integer.MIN_VALUE ? 0 : Math.abs(hash) % partitionCount;
  }

  /** MurmurHash3 x86 32-bit of all of {@code data}, little-endian blocks. */
  @SuppressWarnings("fallthrough") // the tail cases fall through by design, as in the reference
  static int murmur3(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = seed;
    int blocks = data.length & ~3;
    for (int i = 0; i < blocks; i += 4) {
      int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16
          | (data[i + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int k = 0;
    switch (data.length & 3) {
      case 3:
        k = (data[blocks + 2] & 0xff) << 16;
        // fall through
      case 2:
        k |= (data[blocks + 1] & 0xff) << 8;
        // fall through
      case 1:
        k |= data[blocks] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
