package dev.meridian.peer.internal.embedded;

import dev.meridian.peer.testkit.EmbeddedCluster;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.spi.EmbeddedRegions;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The peer artifact's {@link EmbeddedRegions}: starts the regions of a
 * {@code jdbc:meridian:mem:<name>} URL in this JVM as an {@link EmbeddedCluster} (real peers
 * and replication links on loopback), once per name; later connections with the same name
 * join it. Thread-safe.
 */
public final class EmbeddedClusters implements EmbeddedRegions {
  /** The embedded option that sets how many peers each region gets. */
  public static final String PEERS_PER_REGION = "peersPerRegion";
  /** The embedded option that sets injected one-way latency: {@code 80} or {@code a:b=80,..}. */
  public static final String WAN_LATENCY_MS = "wanLatencyMs";
  /** The embedded option naming the routing config file every embedded peer reads. */
  public static final String ROUTING = "routing";

  /** Used by {@link java.util.ServiceLoader}. */
  public EmbeddedClusters() {}

  @Override
  public Map<String, List<InetSocketAddress>> start(String name, List<String> regions,
      Map<String, String> options) {
    EmbeddedCluster.Options o = EmbeddedCluster.Options.defaults()
        .peersPerRegion(peersPerRegion(options))
        .wanLatency(options.get(WAN_LATENCY_MS))
        .routing(routing(options));
    return EmbeddedCluster.startOrJoin(name, regions, o).addresses();
  }

  @Override
  public void stop(String name) {
    EmbeddedCluster cluster = EmbeddedCluster.running(name);
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The routing file, or null; "local" and other non-file values are the driver's business. */
  private static String routing(Map<String, String> options) {
    String value = options.get(ROUTING);
    if (value == null || value.isBlank() || value.strip().equals("local")) {
      return null;
    }
    return value.strip();
  }

  private static int peersPerRegion(Map<String, String> options) {
    String value = options.getOrDefault(PEERS_PER_REGION, "1");
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1 && n <= 16) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE,
        PEERS_PER_REGION + " must be a whole number from 1 to 16, not '" + value + "'");
  }
}
