package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection's session token (DESIGN.md, "Connections"): per origin region, the highest
 * stamp ({@code hlc} value) of the writes this session made there. A read in another region
 * needs that region to have applied them first.
 *
 * <p>Text form, for {@code unwrap(MeridianConnection.class).sessionToken()}: entries
 * {@code <region>:<hlc>} sorted by region and joined by commas, e.g.
 * {@code eu-west-1:111484372295434241,us-east-1:111484372295499776}; the empty string is an
 * empty token. Thread-safe: entries only grow, each by an atomic merge.
 */
final class SessionToken {
  private final Map<Integer, String> regionsById = new HashMap<>();
  private final List<String> regions;
  private final ConcurrentHashMap<String, Long> highest = new ConcurrentHashMap<>();

  SessionToken(List<String> regions) {
    this.regions = List.copyOf(regions);
    for (String r : regions) {
      regionsById.put(Stamp.regionId(r), r);
    }
  }

  /** Notes a write this session made; stamps of regions the connection does not know are ignored. */
  void wrote(Stamp stamp) {
    if (stamp == null) {
      return;
    }
    String origin = regionsById.get(stamp.origin());
    if (origin != null) {
      highest.merge(origin, stamp.hlc(), Math::max);
    }
  }

  /** What a read in {@code region} needs applied there first: every other origin's entry. */
  Map<String, Long> requiredIn(String region) {
    if (highest.isEmpty() || (highest.size() == 1 && highest.containsKey(region))) {
      return Map.of();
    }
    Map<String, Long> out = new HashMap<>();
    highest.forEach((origin, hlc) -> {
      if (!origin.equals(region)) {
        out.put(origin, hlc);
      }
    });
    return out;
  }

  /** The token as text (see the class comment). */
  String encode() {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(highest).forEach((region, hlc) -> {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(region).append(':').append(hlc);
    });
    return b.toString();
  }

  /**
   * Replaces the token with one read from text (another server's, say); an empty or null text
   * empties it.
   *
   * @throws MeridianException {@code 22023} for malformed text or an unknown region
   */
  void replaceWith(String text) {
    Map<String, Long> parsed = new HashMap<>();
    if (text != null && !text.isBlank()) {
      for (String entry : text.split(",", -1)) {
        int colon = entry.lastIndexOf(':');
        String region = colon < 0 ? "" : entry.substring(0, colon).trim();
        if (colon < 0 || region.isEmpty()) {
          throw bad("the session token entry '" + entry + "' is not <region>:<hlc>");
        }
        if (!regions.contains(region)) {
          throw bad("the session token names the region '" + region + "', which is not one of"
              + " this connection's regions " + regions);
        }
        long hlc;
        try {
          hlc = Long.parseLong(entry.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw bad("the session token entry '" + entry + "' has no whole number after ':'");
        }
        if (hlc < 0) {
          throw bad("the session token entry '" + entry + "' has a negative stamp");
        }
        parsed.merge(region, hlc, Math::max);
      }
    }
    highest.clear();
    highest.putAll(parsed);
  }

  private static MeridianException bad(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, message
        + "; pass a token read from sessionToken(), or an empty one");
  }

  @Override
  public String toString() {
    return encode();
  }
}
