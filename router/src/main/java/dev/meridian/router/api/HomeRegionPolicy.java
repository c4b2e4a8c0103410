package dev.meridian.router.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default policy for now: every operation goes to the home region; when the home region is
 * down, the other regions follow in their configured order. Thread-safe.
 *
 * <p>Nearest-by-round-trip ordering, hysteresis and residency arrive with the routing work
 * (issue "Routing"); until then a down home region makes the next region in the list serve.
 */
public final class HomeRegionPolicy implements RoutingPolicy {
  private volatile String home;
  private volatile List<String> regions = List.of();
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  @Override
  public void init(String home, List<String> regions) {
    if (!regions.contains(home)) {
      throw new IllegalArgumentException("home region " + home + " is not one of " + regions);
    }
    this.home = home;
    this.regions = List.copyOf(regions);
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
    return order;
  }

  @Override
  public void onDown(String region) {
    down.add(region);
  }

  @Override
  public void onUp(String region) {
    down.remove(region);
  }

  @Override
  public void close() {
    down.clear();
  }
}
