package dev.meridian.peer.internal.clock;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al.) producing the {@code hlc} half of {@link Stamp}s.
 *
 * <p>Its value never goes backwards and every {@link #now()} and {@link #stampAfter(Stamp)}
 * returns a value strictly above every value returned or observed before. Because {@code hlc}
 * packs {@code millis << 16 | logical}, "the next value" is simply {@code last + 1}, which carries
 * a logical counter overflow into the milliseconds.
 *
 * <p>The clock cannot be dragged: a remote value more than {@code maxOffsetMs} ahead of local
 * physical time is counted in {@link #skewEvents()} but does not move the clock (the row it
 * came with still holds it, so replicas converge). A write to such a row is stamped just above
 * the row's stamp by {@link #stampAfter}, again without moving the clock: one region whose clock
 * is wrong by a day, or one hostile stamp, cannot make every later local write beat genuine
 * writes of other regions, and no received value can exhaust the clock.
 *
 * <p>Thread-safe and lock-free: one {@link AtomicLong} advanced by a CAS loop.
 */
public final class HybridClock {

  /** The default maximum tolerated clock offset. */
  public static final long DEFAULT_MAX_OFFSET_MS = 500;

  private final int regionId;
  private final long maxOffsetMs;
  private final LongSupplier physicalMillis;
  private final AtomicLong last = new AtomicLong();
  private final LongAdder skewEvents = new LongAdder();

  /** A clock on the system's wall-clock time for the given region id. */
  public HybridClock(int regionId, long maxOffsetMs) {
    this(regionId, maxOffsetMs, System::currentTimeMillis);
  }

  /**
   * A clock with an injected physical time source (tests drive time by hand).
   *
   * @param regionId origin id put into every stamp ({@link Stamp#regionId(String)})
   * @param maxOffsetMs how far ahead a remote value may be before it counts as skew; positive
   * @param physicalMillis milliseconds since the epoch; may go backwards, the clock will not
   */
  public HybridClock(int regionId, long maxOffsetMs, LongSupplier physicalMillis) {
    if (maxOffsetMs <= 0) {
      throw new IllegalArgumentException("maxOffsetMs must be positive, not " + maxOffsetMs);
    }
    this.regionId = regionId;
    this.maxOffsetMs = maxOffsetMs;
    this.physicalMillis = physicalMillis;
  }

  /** The origin id this clock stamps with. */
  public int regionId() {
    return regionId;
  }

  /** The tolerated offset in milliseconds. */
  public long maxOffsetMs() {
    return maxOffsetMs;
  }

  /** Ticks for a local event: a value above every value this clock returned or observed. */
  public long now() {
    return advancePast(Long.MIN_VALUE);
  }

  /** The clock's reading without ticking: {@code max(last value, physical time)}. */
  public long current() {
    return Math.max(last.get(), physicalHlc());
  }

  /**
   * A stamp for a write that must order after {@code floor} (the highest stamp the row already
   * holds) and after everything this clock has seen. The clock advances past the floor when it
   * is within the maximum offset of physical time; a floor further ahead is exceeded for this
   * row only (the stamp is {@code floor + 1} if that is above the clock) and leaves the clock
   * where it is.
   *
   * @param floor the row's highest stamp, or {@link Stamp#ZERO} for a new row; not null
   * @throws MeridianException {@code XX000} if the floor is the largest representable hlc (only
   *     that row cannot be written)
   */
  public Stamp stampAfter(Stamp floor) {
    long hlc = floor.hlc();
    if (!isAhead(hlc)) {
      return new Stamp(advancePast(hlc), regionId);
    }
    if (hlc == Long.MAX_VALUE) {
      throw exhausted();
    }
    return new Stamp(Math.max(now(), hlc + 1), regionId);
  }

  /**
   * Advances the clock to at least {@code remoteHlc} (a stamp received from another region),
   * so later local stamps order after it, unless the value is more than the maximum offset ahead
   * of local physical time: then it counts a skew event and leaves the clock alone.
   *
   * @return whether the value counted as clock skew
   */
  public boolean observe(long remoteHlc) {
    if (isAhead(remoteHlc)) {
      skewEvents.increment();
      return true;
    }
    last.accumulateAndGet(remoteHlc, Math::max);
    return false;
  }

  /** Whether an hlc value is more than the maximum offset ahead of local physical time. */
  private boolean isAhead(long hlc) {
    return (hlc >> Stamp.LOGICAL_BITS) - physicalMillis.getAsLong() > maxOffsetMs;
  }

  /** How many observed values were more than the maximum offset ahead of physical time. */
  public long skewEvents() {
    return skewEvents.sum();
  }

  private long advancePast(long floor) {
    long physical = physicalHlc();
    for (;;) {
      long prev = last.get();
      long base = Math.max(prev, floor);
      if (base == Long.MAX_VALUE) {
        // Only a corrupt stored stamp gets here; refusing beats wrapping to negative.
        throw exhausted();
      }
      long next = Math.max(base + 1, physical);
      if (last.compareAndSet(prev, next)) {
        return next;
      }
    }
  }

  private static MeridianException exhausted() {
    return new MeridianException(SqlState.INTERNAL_ERROR,
        "hybrid clock exhausted: a stamp holds the largest possible value");
  }

  private long physicalHlc() {
    long millis = physicalMillis.getAsLong();
    return millis <= 0 ? 0 : Stamp.hlc(millis, 0);
  }
}
