package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;

/**
 * What a connection reports to the application's meters: statement latency by kind and region,
 * failovers, session waits and {@code 57M01}s, retries. {@link #NONE} unless the application
 * handed the driver a Micrometer {@code MeterRegistry} (the {@code meterRegistry} property).
 *
 * <p>Micrometer is an optional dependency: only {@link MicrometerMeters} names its types, and
 * it is loaded only when a registry is given, so without Micrometer on the class path the driver
 * loads and runs with no meters and no error. Implementations are thread-safe.
 */
interface DriverMeters {
  /** No meters. */
  DriverMeters NONE = new DriverMeters() {};

  /** A statement's request answered (or failed) in {@code region} after {@code nanos}. */
  default void request(String kind, String region, long nanos, boolean ok) {}

  /** A request left {@code from} for another region after a failure there. */
  default void failover(String from) {}

  /** A read waited up to the session wait for {@code region} to show the session's writes. */
  default void sessionWait(String region, long nanos) {}

  /** A read failed with {@code 57M01}: no region could show the session's writes. */
  default void sessionBehind() {}

  /** A read was sent again on a new connection to {@code region} after its connection broke. */
  default void retry(String region) {}

  /**
   * The meters for a registry given as the {@code meterRegistry} property (null: none).
   *
   * @throws MeridianException {@code 22023} when the object is not a Micrometer
   *     {@code MeterRegistry}, or Micrometer is not visible to the driver
   */
  static DriverMeters of(Object registry, String homeRegion) {
    if (registry == null) {
      return NONE;
    }
    try {
      return MicrometerMeters.of(registry, homeRegion);
    } catch (LinkageError e) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "the property meterRegistry"
          + " is a " + registry.getClass().getName() + " but Micrometer"
          + " (io.micrometer:micrometer-core) is not on the driver's class path: " + e, e);
    }
  }
}
