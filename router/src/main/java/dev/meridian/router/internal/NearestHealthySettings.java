package dev.meridian.router.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The settings {@link NearestHealthyPolicy} reads, parsed and validated once. Immutable.
 *
 * @param hysteresisNanos how long home must stay healthy, without interruption, before it is
 *     first again ({@value #HYSTERESIS_MS}, default 5000 ms)
 * @param probeBackoffNanos how long after a region goes down it is first probed; the wait
 *     doubles with each failed probe ({@value #PROBE_BACKOFF_MS}, default 1000 ms)
 * @param probeBackoffMaxNanos the longest wait between probes ({@value #PROBE_BACKOFF_MAX_MS},
 *     default 30000 ms)
 * @param rttAlpha the weight of a new round-trip sample in the moving average, in (0, 1] ({@value
 *     #RTT_ALPHA}, default 0.2: a sample's weight halves after about three newer ones)
 * @param rankRefreshNanos how stale the ranking by round trip may get before {@code plan}
 *     re-ranks ({@value #RANK_REFRESH_MS}, default 100 ms)
 */
record NearestHealthySettings(
    long hysteresisNanos,
    long probeBackoffNanos,
    long probeBackoffMaxNanos,
    double rttAlpha,
    long rankRefreshNanos) {

  static final String HYSTERESIS_MS = "hysteresisMs";
  static final String PROBE_BACKOFF_MS = "probeBackoffMs";
  static final String PROBE_BACKOFF_MAX_MS = "probeBackoffMaxMs";
  static final String RTT_ALPHA = "rttAlpha";
  static final String RANK_REFRESH_MS = "rankRefreshMs";

  static NearestHealthySettings from(Map<String, String> settings) {
    long hysteresis = millis(settings, HYSTERESIS_MS, 5_000);
    long backoff = millis(settings, PROBE_BACKOFF_MS, 1_000);
    long backoffMax = millis(settings, PROBE_BACKOFF_MAX_MS, 30_000);
    if (backoff == 0) {
      throw invalid(PROBE_BACKOFF_MS + " is 0; set it to 1 or more milliseconds");
    }
    if (backoffMax < backoff) {
      throw invalid(PROBE_BACKOFF_MAX_MS + " (" + TimeUnit.NANOSECONDS.toMillis(backoffMax)
          + ") is less than " + PROBE_BACKOFF_MS + " (" + TimeUnit.NANOSECONDS.toMillis(backoff)
          + "); raise it or lower " + PROBE_BACKOFF_MS);
    }
    double alpha = 0.2;
    String a = settings.get(RTT_ALPHA);
    if (a != null) {
      try {
        alpha = Double.parseDouble(a.strip());
      } catch (NumberFormatException e) {
        throw invalid(RTT_ALPHA + " is '" + a + "', not a number; use one in (0, 1] such as 0.2");
      }
      if (!(alpha > 0 && alpha <= 1)) {
        throw invalid(RTT_ALPHA + " is " + a + "; use a number in (0, 1] such as 0.2");
      }
    }
    long refresh = millis(settings, RANK_REFRESH_MS, 100);
    return new NearestHealthySettings(hysteresis, backoff, backoffMax, alpha, refresh);
  }

  private static long millis(Map<String, String> settings, String key, long defaultMillis) {
    String v = settings.get(key);
    if (v == null) {
      return TimeUnit.MILLISECONDS.toNanos(defaultMillis);
    }
    long ms;
    try {
      ms = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw invalid(key + " is '" + v + "', not a whole number of milliseconds");
    }
    // A day bounds every wait and keeps nanosecond arithmetic far from overflow.
    if (ms < 0 || ms > TimeUnit.DAYS.toMillis(1)) {
      throw invalid(key + " is " + ms + "; use 0 to 86400000 milliseconds");
    }
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  private static MeridianException invalid(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "routing: " + message);
  }
}
