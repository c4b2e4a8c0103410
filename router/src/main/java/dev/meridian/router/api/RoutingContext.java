package dev.meridian.router.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What a {@link RoutingPolicy} is initialised with. Immutable; validated on construction.
 *
 * @param home the connection's home region, one of {@code regions}
 * @param regions every region the connection may use, in configured order (the order breaks ties
 *     between otherwise equal regions); not empty, no duplicates
 * @param settings routing settings by key (each policy documents the keys it reads); not null
 * @param nanoTime the clock, as {@link System#nanoTime()}; tests pass a fake one
 */
public record RoutingContext(
    String home, List<String> regions, Map<String, String> settings, LongSupplier nanoTime) {

  /** Validates and copies. */
  public RoutingContext {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(nanoTime, "nanoTime");
    regions = List.copyOf(regions);
    settings = Map.copyOf(settings);
    if (!regions.contains(home)) {
      throw invalid("home region " + home + " is not one of the regions " + regions
          + "; add it to the regions or pick one of them as home");
    }
    if (new HashSet<>(regions).size() != regions.size()) {
      throw invalid("the regions " + regions + " name a region twice; name each once");
    }
  }

  /** A context with no settings and the system clock. */
  public static RoutingContext of(String home, List<String> regions) {
    return new RoutingContext(home, regions, Map.of(), System::nanoTime);
  }

  private static MeridianException invalid(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, message);
  }
}
