package dev.meridian.peer.internal.row;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * The value of a COUNTER cell: one contribution per region that incremented it, each the sum of
 * that region's increments with the stamp of its latest one. The counter reads as the sum of
 * the contributions.
 *
 * <p>A region's increments are made one after another on the row's owner in that region, each
 * stamped above the last, so of two contributions of one region the higher-stamped includes the
 * other. Two counter cells therefore merge by keeping, per region, the higher-stamped
 * contribution, and a row tombstone drops every contribution stamped at or below it: the same
 * per-cell join as every other column, applied per (column, region). That is a PN-counter whose
 * per-region entries are ordered by stamp instead of kept as two growing halves, so the merge
 * stays commutative, associative and idempotent, and increments made concurrently in several
 * regions all count.
 *
 * <p>Encoded in place of a {@link Values} value (storage and links only, never the driver
 * protocol):
 * <pre>
 *   byte 0x7F, int n (&gt;= 1), n x (long hlc, int origin, long contribution), origins ascending
 * </pre>
 * The cell's stamp is the highest contribution stamp. Immutable and thread-safe.
 */
public final class Counter {
  /** The tag that starts an encoded counter; no {@link Values} tag uses it. */
  public static final byte TAG = 0x7F;

  private static final int ENTRY_BYTES = 20;

  private final long[] hlcs;
  private final int[] origins;
  private final long[] values;

  private Counter(long[] hlcs, int[] origins, long[] values) {
    this.hlcs = hlcs;
    this.origins = origins;
    this.values = values;
  }

  /** A counter with a single region's contribution. */
  public static Counter of(Stamp stamp, long contribution) {
    return new Counter(new long[] {stamp.hlc()}, new int[] {stamp.origin()},
        new long[] {contribution});
  }

  /** Whether an encoded cell value is a counter. */
  public static boolean isCounter(byte[] encoded) {
    return encoded.length > 0 && encoded[0] == TAG;
  }

  /** The number of regions that contributed. */
  public int size() {
    return origins.length;
  }

  /** The sum of the contributions. */
  public long sum() {
    long total = 0;
    for (long v : values) {
      try {
        total = Math.addExact(total, v);
      } catch (ArithmeticException e) {
        throw new MeridianException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
            "the counter's regions together hold more than a BIGINT", e);
      }
    }
    return total;
  }

  /** A region's contribution, or 0 when it has none. */
  public long contribution(int origin) {
    int i = Arrays.binarySearch(origins, origin);
    return i < 0 ? 0 : values[i];
  }

  /** The highest contribution stamp: the stamp of the cell that holds this counter. */
  public Stamp maxStamp() {
    Stamp max = stamp(0);
    for (int i = 1; i < origins.length; i++) {
      max = Stamp.max(max, stamp(i));
    }
    return max;
  }

  private Stamp stamp(int i) {
    return new Stamp(hlcs[i], origins[i]);
  }

  /** Per region the higher-stamped contribution of the two. */
  public Counter merge(Counter other) {
    int n = origins.length + other.origins.length;
    long[] h = new long[n];
    int[] o = new int[n];
    long[] v = new long[n];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < origins.length || j < other.origins.length) {
      boolean takeMine;
      boolean both = false;
      if (j >= other.origins.length) {
        takeMine = true;
      } else if (i >= origins.length) {
        takeMine = false;
      } else if (origins[i] != other.origins[j]) {
        takeMine = origins[i] < other.origins[j];
      } else {
        both = true;
        int c = stamp(i).compareTo(other.stamp(j));
        // Equal stamps mean the same increment; should values differ (a corrupt peer), the
        // larger value wins so the merge stays a join.
        takeMine = c > 0 || (c == 0 && values[i] >= other.values[j]);
      }
      if (takeMine) {
        h[k] = hlcs[i];
        o[k] = origins[i];
        v[k] = values[i];
      } else {
        h[k] = other.hlcs[j];
        o[k] = other.origins[j];
        v[k] = other.values[j];
      }
      k++;
      if (both) {
        i++;
        j++;
      } else if (takeMine) {
        i++;
      } else {
        j++;
      }
    }
    return new Counter(Arrays.copyOf(h, k), Arrays.copyOf(o, k), Arrays.copyOf(v, k));
  }

  /** The contributions stamped above {@code tombstone}, or null when none is. */
  public Counter after(Stamp tombstone) {
    int n = 0;
    for (int i = 0; i < origins.length; i++) {
      if (stamp(i).after(tombstone)) {
        n++;
      }
    }
    if (n == origins.length) {
      return this;
    }
    if (n == 0) {
      return null;
    }
    return filter(i -> stamp(i).after(tombstone), n);
  }

  /** The contribution of one region alone, or null when it has none. */
  public Counter of(int origin) {
    int i = Arrays.binarySearch(origins, origin);
    if (i < 0) {
      return null;
    }
    return origins.length == 1 ? this
        : new Counter(new long[] {hlcs[i]}, new int[] {origin}, new long[] {values[i]});
  }

  /** Whether every contribution of {@code other} is here with at least its stamp. */
  public boolean covers(Counter other) {
    for (int j = 0; j < other.origins.length; j++) {
      int i = Arrays.binarySearch(origins, other.origins[j]);
      if (i < 0 || stamp(i).compareTo(other.stamp(j)) < 0) {
        return false;
      }
    }
    return true;
  }

  private Counter filter(java.util.function.IntPredicate keep, int n) {
    long[] h = new long[n];
    int[] o = new int[n];
    long[] v = new long[n];
    int k = 0;
    for (int i = 0; i < origins.length; i++) {
      if (keep.test(i)) {
        h[k] = hlcs[i];
        o[k] = origins[i];
        v[k] = values[i];
        k++;
      }
    }
    return new Counter(h, o, v);
  }

  /** The encoded form. */
  public byte[] encode() {
    ByteBuf out = Unpooled.buffer(5 + ENTRY_BYTES * origins.length);
    try {
      out.writeByte(TAG).writeInt(origins.length);
      for (int i = 0; i < origins.length; i++) {
        out.writeLong(hlcs[i]).writeInt(origins[i]).writeLong(values[i]);
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
  }

  /** Decodes a whole encoded counter. */
  public static Counter decode(byte[] encoded) {
    ByteBuf in = Unpooled.wrappedBuffer(encoded);
    try {
      Counter c = read(in);
      if (in.isReadable()) {
        throw Values.corrupt(in.readableBytes() + " bytes after a counter");
      }
      return c;
    } finally {
      in.release();
    }
  }

  /**
   * Reads one encoded counter from a buffer, checking its canonical form (at least one entry,
   * origins strictly ascending).
   *
   * @throws MeridianException {@code 08P01} when it is not one
   */
  static Counter read(ByteBuf in) {
    if (Values.readByte(in) != TAG) {
      throw Values.corrupt("not a counter");
    }
    int n = Values.readCount(in, ENTRY_BYTES);
    if (n == 0) {
      throw Values.corrupt("a counter without contributions");
    }
    long[] h = new long[n];
    int[] o = new int[n];
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      h[i] = in.readLong();
      o[i] = in.readInt();
      v[i] = in.readLong();
      if (i > 0 && o[i] <= o[i - 1]) {
        throw Values.corrupt("counter origins out of order");
      }
    }
    return new Counter(h, o, v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counter c && Arrays.equals(hlcs, c.hlcs)
        && Arrays.equals(origins, c.origins) && Arrays.equals(values, c.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hlcs) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("counter{");
    for (int i = 0; i < origins.length; i++) {
      b.append(i == 0 ? "" : ", ").append(values[i]).append('@').append(stamp(i));
    }
    return b.append('}').toString();
  }
}
