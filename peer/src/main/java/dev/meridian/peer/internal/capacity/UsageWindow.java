package dev.meridian.peer.internal.capacity;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts per second over the last minute: one slot per second of the clock, a slot reused 60
 * seconds later is cleared first. {@link #lastMinute} sums the slots of the 60 seconds up to
 * now. Thread-safe and lock-free; a count racing a slot's reuse may land in the new second or
 * be lost with the old one, which a figure over a minute tolerates.
 */
final class UsageWindow {
  private static final int SLOTS = 60;

  private final AtomicLongArray counts = new AtomicLongArray(SLOTS);
  private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);

  /** Adds {@code n} to the second {@code nowMillis} falls in. */
  void add(long nowMillis, long n) {
    long second = nowMillis / 1000;
    int slot = Math.floorMod(second, SLOTS);
    long held = seconds.get(slot);
    if (held != second && seconds.compareAndSet(slot, held, second)) {
      counts.set(slot, 0);
    }
    counts.addAndGet(slot, n);
  }

  /** The sum over the 60 seconds ending with the one {@code nowMillis} falls in. */
  long lastMinute(long nowMillis) {
    long second = nowMillis / 1000;
    long sum = 0;
    for (int i = 0; i < SLOTS; i++) {
      long s = seconds.get(i);
      if (s > second - SLOTS && s <= second) {
        sum += counts.get(i);
      }
    }
    return sum;
  }
}
