package dev.meridian.protocol.types;

/**
 * The version of a write (DESIGN.md, "stamp"): a hybrid logical clock value plus the id of the
 * region where the write originated. Stamps are totally ordered by {@code hlc}, then by
 * {@code origin}; no two writes share one.
 *
 * <p>{@code hlc} packs physical milliseconds since the epoch in its upper 48 bits and a logical
 * counter in its lower 16 bits, so comparing two {@code hlc} values compares (millis, counter).
 * Immutable and thread-safe.
 *
 * @param hlc hybrid logical clock value, {@code millis << 16 | logical}
 * @param origin the origin region's id (see {@link #regionId(String)})
 */
public record Stamp(long hlc, int origin) implements Comparable<Stamp> {

  /** Bits of the logical counter. */
  public static final int LOGICAL_BITS = 16;
  /** Mask of the logical counter. */
  public static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;
  /** Lower than every real stamp. */
  public static final Stamp ZERO = new Stamp(0, 0);

  /** Builds an hlc value from physical milliseconds and a logical counter. */
  public static long hlc(long millis, int logical) {
    return (millis << LOGICAL_BITS) | (logical & LOGICAL_MASK);
  }

  /** Physical milliseconds of this stamp. */
  public long millis() {
    return hlc >>> LOGICAL_BITS;
  }

  /** Logical counter of this stamp. */
  public int logical() {
    return (int) (hlc & LOGICAL_MASK);
  }

  @Override
  public int compareTo(Stamp o) {
    int c = Long.compare(hlc, o.hlc);
    return c != 0 ? c : Integer.compare(origin, o.origin);
  }

  /** Whether this stamp orders after another. */
  public boolean after(Stamp o) {
    return compareTo(o) > 0;
  }

  /** The larger of two stamps. */
  public static Stamp max(Stamp a, Stamp b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * The stable id of a region name: a 32-bit FNV-1a hash of its UTF-8 bytes. Every process
   * computes the same id for the same name; configuration rejects two regions whose ids
   * collide.
   */
  public static int regionId(String region) {
    int h = 0x811c9dc5;
    for (byte b : region.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  @Override
  public String toString() {
    return millis() + "." + logical() + "@" + Integer.toHexString(origin);
  }
}
