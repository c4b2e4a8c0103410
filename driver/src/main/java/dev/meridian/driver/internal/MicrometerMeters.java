package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link DriverMeters} on a Micrometer registry; every meter carries the connection's home
 * region as {@code home}. Meter names:
 * <ul>
 *   <li>{@code meridian.driver.requests} (timer; tags {@code kind}: {@code point_read},
 *       {@code read}, {@code metadata}, {@code idempotent_write}, {@code write}, {@code ddl};
 *       {@code region}: the region that served it; {@code outcome}: {@code ok} or
 *       {@code error})
 *   <li>{@code meridian.driver.failovers} (counter; tag {@code from}: the region left)
 *   <li>{@code meridian.driver.session.waits} (timer; tag {@code region})
 *   <li>{@code meridian.driver.session.behind} (counter: {@code 57M01}s)
 *   <li>{@code meridian.driver.retries} (counter; tag {@code region})
 * </ul>
 * Meters are registered on first use and cached. Thread-safe.
 */
final class MicrometerMeters implements DriverMeters {
  private final MeterRegistry registry;
  private final String home;
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> waits = new ConcurrentHashMap<>();

  private MicrometerMeters(MeterRegistry registry, String home) {
    this.registry = registry;
    this.home = home;
  }

  static DriverMeters of(Object registry, String home) {
    if (!(registry instanceof MeterRegistry r)) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "the property meterRegistry"
          + " must be an io.micrometer.core.instrument.MeterRegistry, not a "
          + registry.getClass().getName());
    }
    return new MicrometerMeters(r, home);
  }

  @Override
  public void request(String kind, String region, long nanos, boolean ok) {
    String key = kind + '|' + region + '|' + ok;
    requests.computeIfAbsent(key, k -> Timer.builder("meridian.driver.requests")
        .tags("home", home, "kind", kind, "region", region, "outcome", ok ? "ok" : "error")
        .description("statement requests, sent to answered").register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void failover(String from) {
    counter("meridian.driver.failovers", "from", from).increment();
  }

  @Override
  public void sessionWait(String region, long nanos) {
    waits.computeIfAbsent(region, k -> Timer.builder("meridian.driver.session.waits")
        .tags("home", home, "region", region)
        .description("reads that waited for a region to show the session's writes")
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void sessionBehind() {
    counter("meridian.driver.session.behind", null, null).increment();
  }

  @Override
  public void retry(String region) {
    counter("meridian.driver.retries", "region", region).increment();
  }

  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(name + '|' + value, k -> {
      Counter.Builder b = Counter.builder(name).tag("home", home);
      if (tag != null) {
        b.tag(tag, value);
      }
      return b.register(registry);
    });
  }
}
