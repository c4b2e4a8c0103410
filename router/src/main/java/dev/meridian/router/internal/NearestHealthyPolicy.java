package dev.meridian.router.internal;

import dev.meridian.router.api.RoutingContext;
import dev.meridian.router.api.RoutingPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The default {@link RoutingPolicy}: the home region while it is healthy; when it is down, the
 * healthy region with the lowest moving-average round trip; home again only once it has been
 * healthy without interruption for the hysteresis period, so a flapping home does not make the
 * connection flap with it.
 *
 * <p>A plan lists, best first: home if it is settled (up for the hysteresis period); the other
 * healthy regions by average round trip (an exponentially weighted moving average, alpha 0.2 by
 * default), regions without a sample after those with one, ties in configured order; home, if it
 * is up but not settled yet. Down regions are left out; if every other region is down, home is
 * first even while it settles, and if every region is down the plan lists them all, home first,
 * so that the caller tries rather than fails. Down regions are offered for probing through
 * {@link #probes()} after a back-off that starts at 1 s and doubles with each failed probe up to
 * 30 s. The operation does not change the plan yet; data residency will use it.
 *
 * <p>Settings (see {@link NearestHealthySettings}): {@code hysteresisMs}, {@code
 * probeBackoffMs}, {@code probeBackoffMaxMs}, {@code rttAlpha}, {@code rankRefreshMs}.
 *
 * <p>Thread safety: {@link #plan} is lock-free. It reads an immutable snapshot (the plan and the
 * time it stays valid until) from a volatile field and returns the snapshot's shared immutable
 * list, allocating nothing. When the snapshot has expired (home's hysteresis ended, or the round
 * trip ranking is older than {@code rankRefreshMs}) the caller that sees it first rebuilds it
 * under a lock taken with {@code tryLock}; the others keep using the old one meanwhile, so no
 * caller of {@code plan} ever waits. Up and down events change the health state under the lock
 * and publish a new snapshot at once. Round-trip samples are recorded lock-free and reach the
 * ranking at the next rebuild, at most {@code rankRefreshMs} later.
 */
public final class NearestHealthyPolicy implements RoutingPolicy {

  /** A plan, valid until {@code expiresAt} by the policy's clock. */
  private record Snapshot(List<String> order, long expiresAt) {}

  private final ReentrantLock lock = new ReentrantLock();
  private volatile Snapshot snapshot;

  // Set by init, read-only after it (published by the volatile write of the first snapshot).
  private List<String> regions;
  private Map<String, Integer> index;
  private int home;
  private LongSupplier clock;
  private NearestHealthySettings settings;
  private RttAverages rtt;
  private RegionHealth health; // guarded by lock
  private int currentAway = -1; // guarded by lock: the first of the others in the last plan
  static final int SWITCH_MARGIN_PERCENT = 20;
  static final int SWITCH_MARGIN_MILLIS = 1;

  /** Creates a policy to be initialised with {@link #init}. */
  public NearestHealthyPolicy() {}

  @Override
  public void init(RoutingContext context) {
    lock.lock();
    try {
      if (clock != null) {
        throw new IllegalStateException("init was already called");
      }
      settings = NearestHealthySettings.from(context.settings());
      regions = context.regions();
      Map<String, Integer> byName = new HashMap<>();
      for (int i = 0; i < regions.size(); i++) {
        byName.put(regions.get(i), i);
      }
      index = Map.copyOf(byName);
      home = index.get(context.home());
      clock = context.nanoTime();
      rtt = new RttAverages(regions.size(), settings.rttAlpha());
      long now = clock.getAsLong();
      health = new RegionHealth(regions.size(), settings, now);
      snapshot = build(now);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<String> plan(Operation operation) {
    Snapshot s = snapshot;
    if (s == null) {
      throw new IllegalStateException("the routing policy is not initialised, or closed");
    }
    long now = clock.getAsLong();
    if (now - s.expiresAt() < 0 || !lock.tryLock()) {
      return s.order();
    }
    try {
      Snapshot current = snapshot;
      if (current == null) {
        throw new IllegalStateException("the routing policy is closed");
      }
      if (now - current.expiresAt() < 0) {
        return current.order();
      }
      return publish(now).order();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void regionUp(String region) {
    int i = indexOf(region);
    lock.lock();
    try {
      long now = clock.getAsLong();
      health.markUp(i, now);
      publish(now);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void regionDown(String region) {
    int i = indexOf(region);
    lock.lock();
    try {
      long now = clock.getAsLong();
      health.markDown(i, now);
      publish(now);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void recordLatency(String region, long nanos) {
    rtt.record(indexOf(region), nanos);
  }

  @Override
  public List<String> probes() {
    lock.lock();
    try {
      List<Integer> due = health.dueProbes(clock.getAsLong());
      List<String> names = new ArrayList<>(due.size());
      for (int i : due) {
        names.add(regions.get(i));
      }
      return List.copyOf(names);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      snapshot = null;
    } finally {
      lock.unlock();
    }
  }

  /** Builds and publishes a snapshot, keeping the previous list when the order is unchanged. */
  private Snapshot publish(long now) {
    Snapshot next = build(now);
    Snapshot prev = snapshot;
    if (prev != null && prev.order().equals(next.order())) {
      next = new Snapshot(prev.order(), next.expiresAt());
    }
    snapshot = next;
    return next;
  }

  private Snapshot build(long now) {
    List<Integer> others = new ArrayList<>(regions.size());
    for (int i = 0; i < regions.size(); i++) {
      if (i != home && health.isUp(i)) {
        others.add(i);
      }
    }
    others.sort(byRoundTrip());
    keepCurrentAway(others);
    List<String> order = new ArrayList<>(regions.size());
    long expiresAt = now + settings.rankRefreshNanos();
    if (health.isSettled(home, now)) {
      order.add(regions.get(home));
      addNames(order, others);
    } else if (health.isUp(home)) {
      // Settling: others first, home as the last resort, until the hysteresis period ends.
      addNames(order, others);
      order.add(regions.get(home));
      long settlesAt = health.settlesAt(home);
      if (settlesAt - expiresAt < 0) {
        expiresAt = settlesAt;
      }
    } else if (!others.isEmpty()) {
      addNames(order, others);
    } else {
      // Everything down: try them all, home first, rather than fail without trying.
      order.add(regions.get(home));
      List<Integer> rest = new ArrayList<>(regions.size());
      for (int i = 0; i < regions.size(); i++) {
        if (i != home) {
          rest.add(i);
        }
      }
      rest.sort(byRoundTrip());
      addNames(order, rest);
    }
    return new Snapshot(List.copyOf(order), expiresAt);
  }

  /**
   * Keeps the region that serves while home is away first among the others unless another is
   * clearly nearer (by {@value #SWITCH_MARGIN_PERCENT}% and {@value #SWITCH_MARGIN_MILLIS} ms):
   * two regions at about the same distance would otherwise trade places with every sample.
   */
  private void keepCurrentAway(List<Integer> others) {
    if (others.isEmpty()) {
      currentAway = -1;
      return;
    }
    int best = others.get(0);
    int current = currentAway;
    if (current >= 0 && current != best && others.contains(current)) {
      double a = rtt.average(current);
      double b = rtt.average(best);
      boolean clearlyNearer = !Double.isNaN(b) && (Double.isNaN(a)
          || (b * (100 + SWITCH_MARGIN_PERCENT) / 100 < a
              && a - b > SWITCH_MARGIN_MILLIS * 1_000_000.0));
      if (!clearlyNearer) {
        others.remove(Integer.valueOf(current));
        others.add(0, current);
        return;
      }
    }
    currentAway = others.get(0);
  }

  /** Lowest average first, regions without a sample last, ties by configured order. */
  private Comparator<Integer> byRoundTrip() {
    double[] avg = new double[regions.size()];
    for (int i = 0; i < avg.length; i++) {
      double a = rtt.average(i);
      avg[i] = Double.isNaN(a) ? Double.POSITIVE_INFINITY : a;
    }
    return Comparator.<Integer>comparingDouble(i -> avg[i]).thenComparingInt(i -> i);
  }

  private void addNames(List<String> order, List<Integer> indexes) {
    for (int i : indexes) {
      order.add(regions.get(i));
    }
  }

  private int indexOf(String region) {
    Map<String, Integer> byName = index;
    if (byName == null) {
      throw new IllegalStateException("the routing policy is not initialised");
    }
    Integer i = byName.get(region);
    if (i == null) {
      throw new IllegalArgumentException("unknown region " + region + "; known: " + regions);
    }
    return i;
  }
}
