package dev.meridian.router.internal;

import dev.meridian.router.api.RoutingContext;
import dev.meridian.router.api.RoutingPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Replays round-trip traces and outage schedules against a routing policy on a fake clock, and
 * records the region the policy chose at every step. Deterministic: no threads, no wall clock.
 *
 * <p>Every step, in this order, at {@code t} milliseconds: the clock moves to {@code t}; a region
 * that went down is reported down (a request to it failed); the regions the policy asks to probe
 * are probed, and reported up (with a round trip) or down; every region believed up reports its
 * round trip (a ping); then the policy plans one operation. A region that came back is thus known
 * only through a probe, as the driver would know it.
 *
 * <p>The clock starts a few seconds before {@code long} overflows, so policies must compare
 * times by subtraction as {@link System#nanoTime()} requires.
 */
final class RoutingSimulator {
  /** One step: the time, and the plan made then. */
  record Step(long millis, List<String> plan) {
    String chosen() {
      return plan.get(0);
    }
  }

  private static final long ORIGIN = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(3);

  private final String home;
  private final List<String> regions;
  private final Map<String, String> settings = new HashMap<>();
  private final Map<String, LongUnaryOperator> rttMillis = new HashMap<>();
  private final Map<String, List<long[]>> outages = new HashMap<>();
  private final AtomicLong clock = new AtomicLong(ORIGIN);

  RoutingSimulator(String home, String... regions) {
    this.home = home;
    this.regions = List.of(regions);
    for (String r : regions) {
      rttMillis.put(r, t -> 50);
    }
  }

  RoutingSimulator setting(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** A constant round trip. */
  RoutingSimulator rtt(String region, long millis) {
    return rtt(region, t -> millis);
  }

  /** A round trip trace: milliseconds at time {@code t} (ms). */
  RoutingSimulator rtt(String region, LongUnaryOperator millisAt) {
    rttMillis.put(region, millisAt);
    return this;
  }

  /** Dead during {@code [fromMillis, toMillis)}. */
  RoutingSimulator down(String region, long fromMillis, long toMillis) {
    outages.computeIfAbsent(region, r -> new ArrayList<>()).add(new long[] {fromMillis, toMillis});
    return this;
  }

  /** Down for {@code halfPeriod}, up for {@code halfPeriod}, and so on, from {@code from} to {@code to}. */
  RoutingSimulator flap(String region, long from, long to, long halfPeriod) {
    for (long t = from; t < to; t += 2 * halfPeriod) {
      down(region, t, Math.min(t + halfPeriod, to));
    }
    return this;
  }

  /** Runs a fresh policy from 0 to {@code untilMillis} inclusive in steps of {@code stepMillis}. */
  List<Step> run(RoutingPolicy policy, long untilMillis, long stepMillis) {
    policy.init(new RoutingContext(home, regions, settings, clock::get));
    Set<String> believedUp = new HashSet<>(regions);
    List<Step> steps = new ArrayList<>();
    for (long t = 0; t <= untilMillis; t += stepMillis) {
      clock.set(ORIGIN + TimeUnit.MILLISECONDS.toNanos(t));
      for (String r : regions) {
        if (believedUp.contains(r) && !isUp(r, t)) {
          policy.regionDown(r);
          believedUp.remove(r);
        }
      }
      for (String r : policy.probes()) {
        if (isUp(r, t)) {
          policy.regionUp(r);
          believedUp.add(r);
        } else {
          policy.regionDown(r);
        }
      }
      for (String r : regions) {
        if (believedUp.contains(r)) {
          policy.recordLatency(r, TimeUnit.MILLISECONDS.toNanos(rttMillis.get(r).applyAsLong(t)));
        }
      }
      steps.add(new Step(t, policy.plan(RoutingPolicy.Operation.READ)));
    }
    policy.close();
    return steps;
  }

  boolean isUp(String region, long t) {
    for (long[] o : outages.getOrDefault(region, List.of())) {
      if (t >= o[0] && t < o[1]) {
        return false;
      }
    }
    return true;
  }

  /** The region chosen at {@code millis}. */
  static String chosenAt(List<Step> steps, long millis) {
    for (Step s : steps) {
      if (s.millis() == millis) {
        return s.chosen();
      }
    }
    throw new AssertionError("no step at " + millis + " ms");
  }

  /** How many times the chosen region changed. */
  static int switches(List<Step> steps) {
    int n = 0;
    for (int i = 1; i < steps.size(); i++) {
      if (!steps.get(i).chosen().equals(steps.get(i - 1).chosen())) {
        n++;
      }
    }
    return n;
  }

  /** The first time at or after {@code fromMillis} that {@code region} was chosen, or -1. */
  static long firstChosen(List<Step> steps, String region, long fromMillis) {
    for (Step s : steps) {
      if (s.millis() >= fromMillis && s.chosen().equals(region)) {
        return s.millis();
      }
    }
    return -1;
  }
}
