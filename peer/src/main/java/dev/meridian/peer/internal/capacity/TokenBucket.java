package dev.meridian.peer.internal.capacity;

import java.util.function.LongSupplier;

/**
 * A token bucket: refills at {@code rate} tokens per second up to {@code burst}, starts full.
 * Takes are all-or-nothing ({@link #tryTake}), as many as there are ({@link #takeUpTo}), or a
 * debit after the fact that may leave the bucket in debt ({@link #debit}), which later takes
 * wait out. The rate and burst may change at any time; tokens already there are kept, capped at
 * the new burst. Thread-safe: every operation holds the bucket's lock for a few arithmetic
 * steps.
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final LongSupplier nanoClock;
  private double rate;
  private double burst;
  private double tokens;
  private long refilledAt;

  /**
   * @param rate tokens per second, above 0
   * @param burst the most tokens the bucket holds, at least 1
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  TokenBucket(double rate, double burst, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.refilledAt = nanoClock.getAsLong();
    reset(rate, burst);
    this.tokens = this.burst;
  }

  /** Changes the rate and burst from now on. */
  synchronized void reset(double newRate, double newBurst) {
    if (!(newRate > 0) || !(newBurst >= 1)) {
      throw new IllegalArgumentException("rate " + newRate + ", burst " + newBurst);
    }
    refill();
    rate = newRate;
    burst = newBurst;
    tokens = Math.min(tokens, burst);
  }

  /** Takes {@code n} tokens if there are that many; else takes none. */
  synchronized boolean tryTake(long n) {
    refill();
    if (tokens >= n) {
      tokens -= n;
      return true;
    }
    return false;
  }

  /** Takes as many whole tokens as there are, at most {@code n}; returns how many. */
  synchronized long takeUpTo(long n) {
    refill();
    long taken = (long) Math.min(n, Math.max(0, Math.floor(tokens)));
    tokens -= taken;
    return taken;
  }

  /** Whether at least one whole token is there. */
  synchronized boolean hasToken() {
    refill();
    return tokens >= 1;
  }

  /** Takes {@code n} tokens whatever is there, going into debt if need be. */
  synchronized void debit(long n) {
    refill();
    tokens -= n;
  }

  /** Milliseconds until {@code n} tokens will be there (0 when they are), at least 1 otherwise. */
  synchronized long millisUntil(long n) {
    refill();
    double missing = Math.min(n, burst) - tokens;
    return missing <= 0 ? 0 : Math.max(1, (long) Math.ceil(missing / rate * 1000));
  }

  /** The tokens there now (negative in debt). */
  synchronized double tokens() {
    refill();
    return tokens;
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * rate / NANOS_PER_SECOND);
      refilledAt = now;
    }
  }
}
