package dev.meridian.peer.internal.embedded;

import dev.meridian.peer.api.Peer;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.spi.EmbeddedRegions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer artifact's {@link EmbeddedRegions}: starts the regions of a
 * {@code jdbc:meridian:mem:<name>} URL in this JVM, real peers on loopback (Hazelcast members
 * and Netty servers), once per name; later connections with the same name join them. A JVM
 * shutdown hook stops them all. Thread-safe.
 */
public final class EmbeddedClusters implements EmbeddedRegions {
  /** The embedded option that sets how many peers each region gets. */
  public static final String PEERS_PER_REGION = "peersPerRegion";
  private static final Map<String, Cluster> CLUSTERS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> CLUSTERS.values().forEach(Cluster::close),
        "meridian-embedded-shutdown"));
  }

  /** Used by {@link java.util.ServiceLoader}. */
  public EmbeddedClusters() {}

  @Override
  public Map<String, List<InetSocketAddress>> start(String name, List<String> regions,
      Map<String, String> options) {
    if (regions.size() > 1) {
      throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED,
          "an embedded URL with several regions needs replication between them, which is not "
              + "built yet; give one region (regions=" + regions.get(0) + ")");
    }
    int peers = peersPerRegion(options);
    Cluster cluster = CLUSTERS.computeIfAbsent(name, n -> Cluster.start(regions, peers));
    if (!cluster.regions().equals(regions)) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "embedded cluster '" + name
          + "' already runs regions " + cluster.regions() + "; connect with the same regions or "
          + "another name");
    }
    return cluster.addresses();
  }

  @Override
  public void stop(String name) {
    Cluster cluster = CLUSTERS.remove(name);
    if (cluster != null) {
      cluster.close();
    }
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

  /** The running peers of one embedded name. */
  private record Cluster(List<String> regions, Map<String, List<Peer>> peers) {

    static Cluster start(List<String> regions, int peersPerRegion) {
      Map<String, List<Peer>> peers = new LinkedHashMap<>();
      try {
        for (String region : regions) {
          List<Integer> ports = new ArrayList<>();
          for (int i = 0; i < peersPerRegion; i++) {
            ports.add(freeLoopbackPort());
          }
          List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
          List<Peer> started = new ArrayList<>();
          peers.put(region, started);
          for (int i = 0; i < peersPerRegion; i++) {
            started.add(Peer.start(PeerConfig.builder()
                .region(region)
                .name(region + "-" + (i + 1))
                .hazelcastHost("127.0.0.1")
                .hazelcastPort(ports.get(i))
                .members(members)
                .clientPort(0)
                .build()));
          }
        }
        for (List<Peer> region : peers.values()) {
          // Serve once backups are in place, so no acknowledged write rests on one copy.
          if (!region.isEmpty() && !awaitSafe(region.get(0))) {
            throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
                "the embedded peers' partitions did not settle within 2 minutes");
          }
        }
        return new Cluster(List.copyOf(regions), peers);
      } catch (RuntimeException e) {
        peers.values().forEach(list -> list.forEach(Peer::close));
        throw e;
      }
    }

    private static boolean awaitSafe(Peer peer) {
      try {
        return peer.awaitSafe(java.time.Duration.ofMinutes(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
            "interrupted while the embedded peers started", e);
      }
    }

    Map<String, List<InetSocketAddress>> addresses() {
      Map<String, List<InetSocketAddress>> out = new LinkedHashMap<>();
      peers.forEach((region, list) -> out.put(region, list.stream().map(Peer::clientAddress).toList()));
      return out;
    }

    void close() {
      peers.values().forEach(list -> list.forEach(Peer::close));
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
