package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a peer reconciles with the surviving regions, over a clock and link states of the test's. */
class SurvivorReconcileTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final Map<String, String> states = new LinkedHashMap<>();
  /** Targets repaired; written from the reconcile's threads, one per target. */
  final List<String> repaired = java.util.Collections.synchronizedList(new ArrayList<>());
  final AtomicBoolean serving = new AtomicBoolean(true);
  final SurvivorReconcile reconcile = new SurvivorReconcile("p1", serving::get, () -> states,
      target -> {
        repaired.add(target);
        return new AntiEntropy.Result(0, 0);
      }, now::get);

  void tick(long millis) {
    now.addAndGet(millis);
    reconcile.check(Runnable::run);
  }

  @Test
  void aRegionDownForASecondStartsOneRoundTowardsEveryReachableRegion() {
    states.put("eu-west-1", "up");
    states.put("ap-southeast-1", "up");
    states.put("sa-east-1", "up");
    tick(0);
    states.put("sa-east-1", "down");
    tick(0);
    tick(SurvivorReconcile.DOWN_MILLIS - 1);
    assertEquals(List.of(), repaired, "not before the link was down a second");
    tick(1);
    // Every reachable region at once, each on its own thread: in no particular order.
    assertEquals(java.util.Set.of("eu-west-1", "ap-southeast-1"),
        java.util.Set.copyOf(repaired));
    assertEquals(2, repaired.size());
    tick(10_000);
    assertEquals(2, repaired.size(), "one round per outage");
    assertEquals(Map.of("sa-east-1", 1L), reconcile.rounds());
    // It comes back, then dies again: a second round.
    states.put("sa-east-1", "up");
    tick(CHECK);
    states.put("sa-east-1", "down");
    tick(CHECK);
    tick(SurvivorReconcile.DOWN_MILLIS);
    assertEquals(4, repaired.size());
  }

  @Test
  void aLinkThatFlapsOrARegionNotServingOrNobodyToTellStartsNothing() {
    states.put("eu-west-1", "up");
    states.put("sa-east-1", "down");
    tick(0);
    states.put("sa-east-1", "up");
    tick(SurvivorReconcile.DOWN_MILLIS / 2);
    states.put("sa-east-1", "down");
    tick(SurvivorReconcile.DOWN_MILLIS / 2);
    assertEquals(List.of(), repaired, "the second outage is half a second old");
    serving.set(false);
    tick(SurvivorReconcile.DOWN_MILLIS);
    assertEquals(List.of(), repaired, "a backfilling region has nothing to offer");
    states.put("eu-west-1", "down");
    serving.set(true);
    tick(SurvivorReconcile.DOWN_MILLIS);
    assertEquals(List.of(), repaired, "no region reachable");
  }

  static final long CHECK = SurvivorReconcile.CHECK_MILLIS;
}
