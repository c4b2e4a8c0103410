package dev.meridian.router.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An exponentially weighted moving average of round trips per region index: {@code avg += alpha
 * * (sample - avg)}, the first sample taken as is. Lock-free: each slot is a double's bits
 * updated by compare-and-set, so concurrent samples are all counted.
 */
final class RttAverages {
  private static final long NONE = Double.doubleToRawLongBits(Double.NaN);

  private final AtomicLongArray bits;
  private final double alpha;

  RttAverages(int regions, double alpha) {
    this.bits = new AtomicLongArray(regions);
    this.alpha = alpha;
    for (int i = 0; i < regions; i++) {
      bits.set(i, NONE);
    }
  }

  void record(int region, long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("a round trip cannot be negative: " + nanos);
    }
    long prev;
    long next;
    do {
      prev = bits.get(region);
      double avg = Double.longBitsToDouble(prev);
      next = Double.doubleToRawLongBits(Double.isNaN(avg) ? nanos : avg + alpha * (nanos - avg));
    } while (!bits.compareAndSet(region, prev, next));
  }

  /** The average in nanoseconds, or NaN before the first sample. */
  double average(int region) {
    return Double.longBitsToDouble(bits.get(region));
  }
}
