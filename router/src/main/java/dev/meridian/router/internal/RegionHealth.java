package dev.meridian.router.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Up or down per region index, since when, and when a down region is next probed (exponential
 * back-off). Not thread-safe: {@link NearestHealthyPolicy} guards it with its lock.
 */
final class RegionHealth {
  private final boolean[] up;
  private final long[] upSince;
  private final long[] nextProbe;
  private final int[] failedProbes;
  private final NearestHealthySettings settings;

  /** Every region up since long enough ago that none is in its hysteresis period. */
  RegionHealth(int regions, NearestHealthySettings settings, long now) {
    this.settings = settings;
    up = new boolean[regions];
    upSince = new long[regions];
    nextProbe = new long[regions];
    failedProbes = new int[regions];
    for (int i = 0; i < regions; i++) {
      up[i] = true;
      upSince[i] = now - settings.hysteresisNanos();
    }
  }

  boolean isUp(int region) {
    return up[region];
  }

  /** Up, and without interruption for at least the hysteresis period. */
  boolean isSettled(int region, long now) {
    return up[region] && now - upSince[region] >= settings.hysteresisNanos();
  }

  /** When a region that is up now becomes settled. */
  long settlesAt(int region) {
    return upSince[region] + settings.hysteresisNanos();
  }

  /** Up again; an up region stays as it is, so repeated reports do not restart hysteresis. */
  void markUp(int region, long now) {
    if (!up[region]) {
      up[region] = true;
      upSince[region] = now;
      failedProbes[region] = 0;
    }
  }

  /** Down; reported again while down (a failed probe), the wait to the next probe doubles. */
  void markDown(int region, long now) {
    if (up[region]) {
      up[region] = false;
      failedProbes[region] = 0;
    } else if (failedProbes[region] < 62) {
      failedProbes[region]++;
    }
    nextProbe[region] = now + backoff(region);
  }

  /** The down regions whose wait is over, by index; each waits one back-off before its next. */
  List<Integer> dueProbes(long now) {
    List<Integer> due = new ArrayList<>(2);
    for (int i = 0; i < up.length; i++) {
      if (!up[i] && now - nextProbe[i] >= 0) {
        due.add(i);
        nextProbe[i] = now + backoff(i);
      }
    }
    return due;
  }

  private long backoff(int region) {
    long base = settings.probeBackoffNanos();
    long max = settings.probeBackoffMaxNanos();
    int shift = failedProbes[region];
    // Compare before shifting so that the doubling cannot overflow.
    return shift >= Long.numberOfLeadingZeros(base) - 1 || base << shift > max
        ? max
        : base << shift;
  }
}
