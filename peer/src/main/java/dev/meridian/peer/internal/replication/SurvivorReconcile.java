package dev.meridian.peer.internal.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Survivors of a region's death reconcile at once instead of at the next background
 * anti-entropy round. Links ship only a region's own writes, so writes of a region that died
 * after reaching only some regions are missing in the others; when this peer's link to a
 * region has been down for {@value #DOWN_MILLIS} ms, it runs anti-entropy of its own
 * partitions towards every region its links reach, shipping the rows that differ (the
 * targets merge them). Every peer of every surviving region does the same, so each survivor
 * ends with every write that reached any of them.
 *
 * <p>A link that is merely cut, with its region alive, costs one such round: digests first,
 * rows only where they differ. One round per outage of a region: the link must come up again
 * before its next outage triggers another. Thread-safe; {@link #check} is called periodically.
 */
final class SurvivorReconcile {
  private static final Logger LOG = LoggerFactory.getLogger(SurvivorReconcile.class);
  /** How long a link stays down before its region counts as dead here. */
  static final long DOWN_MILLIS = 1_000;
  /** How often links are looked at. */
  static final long CHECK_MILLIS = 250;

  private final String peer;
  private final BooleanSupplier active;
  private final Supplier<Map<String, String>> linkStates;
  private final Function<String, AntiEntropy.Result> repairTowards;
  private final LongSupplier nowMillis;
  private final Map<String, Long> downSince = new ConcurrentHashMap<>();
  private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Map<String, Long> rounds = new ConcurrentHashMap<>();

  /**
   * @param active whether this peer's region serves (a region still backfilling has nothing
   *     to offer the others)
   * @param linkStates per target region, its link's state ("up", "down", …)
   * @param repairTowards runs anti-entropy of this peer's partitions towards a region (blocking)
   */
  SurvivorReconcile(String peer, BooleanSupplier active, Supplier<Map<String, String>> linkStates,
      Function<String, AntiEntropy.Result> repairTowards, LongSupplier nowMillis) {
    this.peer = peer;
    this.active = active;
    this.linkStates = linkStates;
    this.repairTowards = repairTowards;
    this.nowMillis = nowMillis;
  }

  /** Looks at the links; starts a reconcile round on {@code executor} when a region died. */
  void check(Executor executor) {
    if (!active.getAsBoolean()) {
      return;
    }
    long now = nowMillis.getAsLong();
    Map<String, String> states = linkStates.get();
    List<String> dead = new ArrayList<>();
    List<String> reachable = new ArrayList<>();
    for (Map.Entry<String, String> e : states.entrySet()) {
      String region = e.getKey();
      if ("up".equals(e.getValue())) {
        downSince.remove(region);
        reconciled.remove(region);
        reachable.add(region);
      } else if ("down".equals(e.getValue())) {
        long since = downSince.computeIfAbsent(region, r -> now);
        if (now - since >= DOWN_MILLIS && !reconciled.contains(region)) {
          dead.add(region);
        }
      }
    }
    if (dead.isEmpty() || reachable.isEmpty() || !running.compareAndSet(false, true)) {
      return;
    }
    reconciled.addAll(dead);
    try {
      executor.execute(() -> reconcile(dead, reachable));
    } catch (RuntimeException e) {
      running.set(false);
      reconciled.removeAll(dead);
      throw e;
    }
  }

  private void reconcile(List<String> dead, List<String> reachable) {
    try {
      long start = nowMillis.getAsLong();
      Map<String, AntiEntropy.Result> results = new ConcurrentHashMap<>();
      // Every survivor at once, each on a thread of its own: a repair blocks its thread on
      // round trips, and a shared pool's threads also run the repairs' partition scans.
      List<Thread> threads = new ArrayList<>();
      for (String target : reachable) {
        Thread t = new Thread(() -> {
          try {
            results.put(target, repairTowards.apply(target));
          } catch (RuntimeException e) {
            LOG.info("{}: reconciling with {} after {} went down failed: {}", peer, target,
                dead, e.toString());
          }
        }, peer + "-reconcile-" + target);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      dead.forEach(d -> rounds.merge(d, 1L, Long::sum));
      LOG.info("{}: {} unreachable for {} ms: reconciled this peer's partitions with {} in {} ms"
          + " ({})", peer, dead, DOWN_MILLIS, reachable, nowMillis.getAsLong() - start, results);
    } finally {
      running.set(false);
    }
  }

  /** Per dead region, how many reconcile rounds its deaths started here. */
  Map<String, Long> rounds() {
    return Map.copyOf(rounds);
  }
}
