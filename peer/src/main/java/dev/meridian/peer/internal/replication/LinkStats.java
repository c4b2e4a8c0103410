package dev.meridian.peer.internal.replication;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The figures of one link as its sender sees them: lag (commit at the origin to apply at the
 * target) over the last minute, records shipped, conflicts the target resolved, repairs. Read
 * by the {@code meridian.replication_links} system table, the link's MBean and its meters.
 *
 * <p>Records shipped again long after their commit (a region restarted empty ships on the rows
 * it got back from backfill, with their original commit times) are counted apart as
 * re-shipped and kept out of the lag: their age says nothing about how far the link is behind.
 *
 * <p>Lag is kept in 60 one-second HdrHistograms (1 ms to 1 hour, 2 significant digits); a
 * window's figures combine the slots of the last 60 seconds. Thread-safe: counters are atomic,
 * histograms are guarded by this object's lock.
 */
public final class LinkStats {
  private static final int SLOTS = 60;

  private final LongSupplier nowMillis;
  private final Histogram[] slots = new Histogram[SLOTS];
  private final long[] slotSecond = new long[SLOTS];
  private final LongAdder recordsSent = new LongAdder();
  private final LongAdder reshipped = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder skewEvents = new LongAdder();
  private final LongAdder repairs = new LongAdder();
  private final LongAdder rowsRepaired = new LongAdder();
  private final AtomicLong lastApplyMillis = new AtomicLong();
  private final AtomicLong unacknowledged = new AtomicLong();
  private final AtomicLong repairsPending = new AtomicLong();
  private volatile String state = "connecting";
  private volatile long targetEpoch;
  private volatile LongConsumer lagListener = lag -> {};

  public LinkStats(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = new Histogram(3_600_000L, 2);
      slotSecond[i] = -1;
    }
  }

  /** A snapshot of the figures. */
  public record Snapshot(String state, double lagP50Ms, double lagP99Ms, double lagMaxMs,
      long lagSamples, long unacknowledged, long recordsSent, long lastApplyMillis,
      long conflicts, long skewEvents, long repairs, long rowsRepaired, long repairsPending,
      long targetEpoch, long reshipped) {}

  /** Hands every lag recorded from now on (ms, as recorded) to {@code listener} as well. */
  public void lagListener(LongConsumer listener) {
    lagListener = listener;
  }

  /** Forgets the lag recorded so far (benchmarks measure after a warm-up). */
  public synchronized void resetLag() {
    for (int i = 0; i < SLOTS; i++) {
      slots[i].reset();
      slotSecond[i] = -1;
    }
  }

  /** Records one change's lag in milliseconds (clamped to 0 when clocks disagree). */
  public synchronized void recordLag(long lagMillis) {
    long second = nowMillis.getAsLong() / 1000;
    int i = (int) Math.floorMod(second, (long) SLOTS);
    if (slotSecond[i] != second) {
      slots[i].reset();
      slotSecond[i] = second;
    }
    long lag = Math.max(0, Math.min(lagMillis, 3_600_000L));
    slots[i].recordValue(lag);
    lagListener.accept(lag);
  }

  /** Counts records shipped again after backfill (kept out of the lag). */
  void reshipped(long n) {
    reshipped.add(n);
  }

  void applied(int records, long appliedAtMillis, int conflictCount) {
    recordsSent.add(records);
    conflicts.add(conflictCount);
    lastApplyMillis.accumulateAndGet(appliedAtMillis, Math::max);
  }

  void skew(long n) {
    skewEvents.add(n);
  }

  void repaired(long rows) {
    repairs.increment();
    rowsRepaired.add(rows);
  }

  void unacknowledged(long n) {
    unacknowledged.set(n);
  }

  void repairsPending(long n) {
    repairsPending.set(n);
  }

  void state(String s) {
    state = s;
  }

  void targetEpoch(long epoch) {
    targetEpoch = epoch;
  }

  /** The link's state: connecting, up, down, paused or closed. */
  public String state() {
    return state;
  }

  /** The figures now; lag over the last minute. */
  public synchronized Snapshot snapshot() {
    long second = nowMillis.getAsLong() / 1000;
    Histogram window = new Histogram(3_600_000L, 2);
    for (int i = 0; i < SLOTS; i++) {
      if (slotSecond[i] > second - SLOTS && slotSecond[i] <= second) {
        window.add(slots[i]);
      }
    }
    boolean any = window.getTotalCount() > 0;
    return new Snapshot(state,
        any ? window.getValueAtPercentile(50) : 0,
        any ? window.getValueAtPercentile(99) : 0,
        any ? window.getMaxValue() : 0,
        window.getTotalCount(), unacknowledged.get(), recordsSent.sum(), lastApplyMillis.get(),
        conflicts.sum(), skewEvents.sum(), repairs.sum(), rowsRepaired.sum(), repairsPending.get(),
        targetEpoch, reshipped.sum());
  }
}
