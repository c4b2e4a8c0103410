package dev.meridian.peer.internal.capacity;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Enforces the capacity limits of every table on this peer, for requests of its region's
 * applications only (the driver's reads and writes; the caller never passes records applied
 * from other regions, repair, backfill or moves).
 *
 * <p>Each peer holds {@code limit / peers} of its region's limit, with {@code peers} the size of
 * the region's peer group (re-read at most once a second): the driver sends each row to the
 * peer that owns its partition, so a region's rows spread over its peers as its partitions do,
 * and no peer asks another before admitting a row. The bucket holds {@value #BURST_SECONDS}
 * seconds of this peer's share (at least one unit), so a steady load above the limit is
 * admitted at the limit, and a minute-long window overshoots by at most that burst.
 *
 * <p>A unit is one row: written (any write kind, whatever its size), read by key (present or
 * not) or returned by a scan. A write of N rows admits the first rows there are units for and
 * refuses the others ({@link #admitWrites}); a point read of N keys takes N units or fails
 * whole; a scan opens while this peer's bucket has a unit and counts every row it returns, so a
 * large scan leaves the bucket in debt and what follows waits. A limit changed by
 * {@code ALTER TABLE} applies from the first request that sees the new definition.
 *
 * <p>A table without limits costs one field read per request. Thread-safe.
 */
public final class CapacityLimits {
  /** How many seconds of its share a peer's bucket holds. */
  static final double BURST_SECONDS = 0.2;

  private static final long MEMBERS_REFRESH_NANOS = 1_000_000_000L;

  private final String region;
  private final String peer;
  private final IntSupplier regionPeers;
  private final LongSupplier nanoClock;
  private final LongSupplier millisClock;
  private final MeterRegistry meters;
  private final Map<Long, TableLimits> tables = new ConcurrentHashMap<>();
  private volatile int peers;
  private volatile long peersReadAt;

  /**
   * @param region the region this peer serves
   * @param peer this peer's name (for the system table)
   * @param regionPeers the number of peers in the region now (at least 1)
   * @param meters where consumption and throttles are counted
   */
  public CapacityLimits(String region, String peer, IntSupplier regionPeers,
      MeterRegistry meters) {
    this(region, peer, regionPeers, meters, System::nanoTime, System::currentTimeMillis);
  }

  CapacityLimits(String region, String peer, IntSupplier regionPeers, MeterRegistry meters,
      LongSupplier nanoClock, LongSupplier millisClock) {
    this.region = region;
    this.peer = peer;
    this.regionPeers = regionPeers;
    this.meters = meters;
    this.nanoClock = nanoClock;
    this.millisClock = millisClock;
    this.peers = Math.max(1, regionPeers.getAsInt());
    this.peersReadAt = nanoClock.getAsLong();
  }

  /**
   * Admits writes of {@code rows} rows of a table.
   *
   * @return how many of the first rows may be written; the others are refused with
   *     {@link #throttled}
   */
  public int admitWrites(TableSchema table, int rows) {
    if (table.capacity().isNone()) {
      return rows;
    }
    Direction d = direction(table, true);
    return d == null ? rows : (int) d.takeUpTo(rows);
  }

  /** Admits point reads of {@code keys} keys, or throws {@code 53M01} having taken nothing. */
  public void admitReads(TableSchema table, int keys) {
    if (table.capacity().isNone()) {
      return;
    }
    Direction d = direction(table, false);
    if (d != null && !d.tryTake(keys)) {
      throw d.exceeded(table, keys);
    }
  }

  /** Admits the opening of a scan, or throws {@code 53M01}; count its rows with {@link #scanned}. */
  public void admitScan(TableSchema table) {
    if (table.capacity().isNone()) {
      return;
    }
    Direction d = direction(table, false);
    if (d != null && !d.hasToken()) {
      throw d.exceeded(table, 1);
    }
  }

  /** Counts rows a scan of a table returned (after the fact, possibly into debt). */
  public void scanned(TableSchema table, int rows) {
    if (table.capacity().isNone() || rows == 0) {
      return;
    }
    Direction d = direction(table, false);
    if (d != null) {
      d.debit(rows);
    }
  }

  /** The error for a write row refused by {@link #admitWrites}. */
  public MeridianException throttled(TableSchema table) {
    Direction d = direction(table, true);
    return d == null
        ? new MeridianException(SqlState.CAPACITY_EXCEEDED, "table " + table.name()
            + " is over its write capacity in region " + region + "; retry after 1 ms")
        : d.exceeded(table, 1);
  }

  /**
   * Rows of {@code MERIDIAN.CAPACITY}: one per table with a limit in this region, as this peer
   * enforces it.
   */
  public List<Object[]> rows(List<TableSchema> current) {
    long now = millisClock.getAsLong();
    List<Object[]> rows = new ArrayList<>();
    for (TableSchema t : current) {
      long w = t.capacity().writeLimit(region);
      long r = t.capacity().readLimit(region);
      if (w == TableCapacity.ON_DEMAND && r == TableCapacity.ON_DEMAND) {
        continue;
      }
      TableLimits l = tables.get(t.tableId());
      Direction dw = l == null ? null : l.write;
      Direction dr = l == null ? null : l.read;
      rows.add(new Object[] {peer, t.name(), region, w == 0 ? null : w, r == 0 ? null : r,
          1.0 / currentPeers(), count(dw, now, true), count(dr, now, true),
          count(dw, now, false), count(dr, now, false),
          dw == null ? 0L : dw.throttledTotal.sum(), dr == null ? 0L : dr.throttledTotal.sum()});
    }
    return rows;
  }

  private static long count(Direction d, long now, boolean accepted) {
    return d == null ? 0 : (accepted ? d.accepted : d.throttled).lastMinute(now);
  }

  /** Forgets tables that are gone (their buckets and counts). */
  public void retain(java.util.Set<Long> tableIds) {
    tables.keySet().retainAll(tableIds);
  }

  private int currentPeers() {
    long now = nanoClock.getAsLong();
    if (now - peersReadAt >= MEMBERS_REFRESH_NANOS) {
      peersReadAt = now;
      peers = Math.max(1, regionPeers.getAsInt());
    }
    return peers;
  }

  private Direction direction(TableSchema table, boolean write) {
    long limit = write ? table.capacity().writeLimit(region) : table.capacity().readLimit(region);
    if (limit == TableCapacity.ON_DEMAND) {
      return null;
    }
    TableLimits l = tables.computeIfAbsent(table.tableId(), id -> new TableLimits(table.name()));
    Direction d = write ? l.write : l.read;
    d.configure(limit, currentPeers());
    return d;
  }

  private final class TableLimits {
    final Direction write;
    final Direction read;

    TableLimits(String name) {
      write = new Direction(name, "write");
      read = new Direction(name, "read");
    }
  }

  /** One table's limit in one direction on this peer. */
  private final class Direction {
    final String kind;
    final UsageWindow accepted = new UsageWindow();
    final UsageWindow throttled = new UsageWindow();
    final LongAdder throttledTotal = new LongAdder();
    final Counter acceptedMeter;
    final Counter throttledMeter;
    private volatile long limit = -1;
    private volatile int peers = -1;
    private volatile TokenBucket bucket;

    Direction(String table, String kind) {
      this.kind = kind;
      this.acceptedMeter = Counter.builder("meridian.capacity.units").tag("table", table)
          .tag("region", region).tag("kind", kind).tag("outcome", "accepted")
          .description("rows written or read by this region's applications").register(meters);
      this.throttledMeter = Counter.builder("meridian.capacity.units").tag("table", table)
          .tag("region", region).tag("kind", kind).tag("outcome", "throttled")
          .description("rows refused with 53M01").register(meters);
    }

    void configure(long newLimit, int newPeers) {
      if (newLimit == limit && newPeers == peers) {
        return;
      }
      synchronized (this) {
        if (newLimit == limit && newPeers == peers) {
          return;
        }
        double share = (double) newLimit / newPeers;
        double burst = Math.max(1, share * BURST_SECONDS);
        if (bucket == null) {
          bucket = new TokenBucket(share, burst, nanoClock);
        } else {
          bucket.reset(share, burst);
        }
        limit = newLimit;
        peers = newPeers;
      }
    }

    long takeUpTo(long n) {
      long taken = bucket.takeUpTo(n);
      counted(taken, n - taken);
      return taken;
    }

    boolean tryTake(long n) {
      boolean ok = bucket.tryTake(n);
      counted(ok ? n : 0, ok ? 0 : n);
      return ok;
    }

    boolean hasToken() {
      boolean ok = bucket.hasToken();
      if (!ok) {
        counted(0, 1);
      }
      return ok;
    }

    void debit(long n) {
      bucket.debit(n);
      counted(n, 0);
    }

    private void counted(long in, long out) {
      long now = millisClock.getAsLong();
      if (in > 0) {
        accepted.add(now, in);
        acceptedMeter.increment(in);
      }
      if (out > 0) {
        throttled.add(now, out);
        throttledTotal.add(out);
        throttledMeter.increment(out);
      }
    }

    MeridianException exceeded(TableSchema table, long units) {
      long wait = Math.max(1, bucket.millisUntil(units));
      return new MeridianException(SqlState.CAPACITY_EXCEEDED, "table " + table.name()
          + " is over its " + kind + " capacity in region " + region + ": limit " + limit
          + " rows/s (peer " + peer + "'s share " + shareText() + " of " + peers + " peers); "
          + (kind.equals("write") ? "the row was not written" : "nothing was read")
          + "; retry after " + wait + " ms");
    }

    private String shareText() {
      double share = (double) limit / peers;
      return share == Math.rint(share) ? (long) share + "/s" : String.format("%.2f/s", share);
    }
  }
}
