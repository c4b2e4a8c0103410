package dev.meridian.protocol.types;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's capacity limits: how many units per second the applications of a region may write
 * and read. A unit is one row written, or one row read (a point read of an absent key counts,
 * a scan counts the rows it returns). Records applied from other regions, repair, backfill and
 * residency moves are never counted.
 *
 * <p>Each map goes from a region name, or {@link #ALL_REGIONS} for every region not named, to a
 * limit in units per second; a limit of {@link #ON_DEMAND} (0) named for one region lifts the
 * limit given for all regions there. A region with neither entry is on demand. Immutable and
 * thread-safe; the maps iterate in name order, so equal limits encode to equal bytes.
 *
 * @param writes write limits by region
 * @param reads read limits by region
 */
public record TableCapacity(Map<String, Long> writes, Map<String, Long> reads) {

  /** The key that stands for every region not named. */
  public static final String ALL_REGIONS = "*";

  /** The limit that means "no limit". */
  public static final long ON_DEMAND = 0;

  /** The largest limit, in units per second. */
  public static final long MAX_LIMIT = 1_000_000_000L;

  /** No limits anywhere: the default. */
  public static final TableCapacity NONE = new TableCapacity(Map.of(), Map.of());

  public TableCapacity {
    writes = frozen(writes);
    reads = frozen(reads);
  }

  private static Map<String, Long> frozen(Map<String, Long> limits) {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : limits.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty()) {
        throw new IllegalArgumentException("a capacity limit without a region");
      }
      long limit = e.getValue();
      if (limit < 0 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("capacity " + limit + "/s for " + e.getKey()
            + " is outside 0.." + MAX_LIMIT);
      }
      copy.put(e.getKey(), limit);
    }
    return Collections.unmodifiableMap(copy);
  }

  /** Whether no limit is set for any region. */
  public boolean isNone() {
    return writes.isEmpty() && reads.isEmpty();
  }

  /** The write limit of a region in units per second, or {@link #ON_DEMAND}. */
  public long writeLimit(String region) {
    return limit(writes, region);
  }

  /** The read limit of a region in units per second, or {@link #ON_DEMAND}. */
  public long readLimit(String region) {
    return limit(reads, region);
  }

  private static long limit(Map<String, Long> limits, String region) {
    Long own = limits.get(region);
    if (own != null) {
      return own;
    }
    Long all = limits.get(ALL_REGIONS);
    return all == null ? ON_DEMAND : all;
  }

  /**
   * These limits with one changed.
   *
   * @param write the write limits, else the read limits
   * @param region a region or {@link #ALL_REGIONS}
   * @param limit units per second, {@link #ON_DEMAND}, or null to remove the entry
   */
  public TableCapacity with(boolean write, String region, Long limit) {
    TreeMap<String, Long> changed = new TreeMap<>(write ? writes : reads);
    if (limit == null || (limit == ON_DEMAND && ALL_REGIONS.equals(region))) {
      changed.remove(region);
    } else {
      changed.put(region, limit);
    }
    return write ? new TableCapacity(changed, reads) : new TableCapacity(writes, changed);
  }

  /** Human-readable limits, e.g. {@code write *=1000/s eu-west-1=200/s}, or "on demand". */
  @Override
  public String toString() {
    if (isNone()) {
      return "on demand";
    }
    StringBuilder s = new StringBuilder();
    describe(s, "write", writes);
    describe(s, "read", reads);
    return s.toString();
  }

  private static void describe(StringBuilder s, String what, Map<String, Long> limits) {
    if (limits.isEmpty()) {
      return;
    }
    if (!s.isEmpty()) {
      s.append("; ");
    }
    s.append(what);
    limits.forEach((region, limit) -> s.append(' ').append(region).append('=')
        .append(limit == ON_DEMAND ? "on_demand" : limit + "/s"));
  }
}
