package dev.meridian.router.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed-order policy: every operation goes to the home region; when the home region is down,
 * the other healthy regions follow in their configured order. It ignores round trips and has no
 * hysteresis: home is first again the moment it is reported up. Not the default (that is {@link
 * RoutingPolicies#DEFAULT}); useful where the order must be fixed.
 *
 * <p>Thread-safe: the down set is concurrent and {@code plan} builds a fresh immutable list per
 * call.
 */
public final class HomeRegionPolicy implements RoutingPolicy {
  private volatile String home;
  private volatile List<String> regions = List.of();
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  @Override
  public void init(RoutingContext context) {
    this.home = context.home();
    this.regions = context.regions();
  }

  @Override
  public List<String> plan(Operation operation) {
    List<String> order = new ArrayList<>(regions.size());
    if (!down.contains(home)) {
      order.add(home);
    }
    for (String r : regions) {
      if (!r.equals(home) && !down.contains(r)) {
        order.add(r);
      }
    }
    // Everything down: still try them all, home first, rather than fail without trying.
    if (order.isEmpty()) {
      order.add(home);
      for (String r : regions) {
        if (!r.equals(home)) {
          order.add(r);
        }
      }
    }
    return List.copyOf(order);
  }

  @Override
  public void regionDown(String region) {
    requireKnown(region);
    down.add(region);
  }

  @Override
  public void regionUp(String region) {
    requireKnown(region);
    down.remove(region);
  }

  private void requireKnown(String region) {
    if (!regions.contains(region)) {
      throw new IllegalArgumentException("unknown region " + region + "; known: " + regions);
    }
  }

  @Override
  public void close() {
    down.clear();
  }
}
