package dev.meridian.peer.testing;

import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.api.PeerNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A region of real peers on loopback in this JVM, for storage tests: free ports, TCP-IP join,
 * and a wait until every member sees the others.
 */
public final class TestRegion implements AutoCloseable {
  private final List<PeerNode> peers;

  private TestRegion(List<PeerNode> peers) {
    this.peers = peers;
  }

  /** Starts {@code size} peers of {@code region} and waits until they form one cluster. */
  public static TestRegion start(String region, int size) {
    return start(region, size, b -> b);
  }

  /** As {@link #start(String, int)}, each peer's configuration adjusted by {@code options}. */
  public static TestRegion start(String region, int size,
      java.util.function.UnaryOperator<PeerConfig.Builder> options) {
    return start(region, size, (i, b) -> options.apply(b));
  }

  /** As {@link #start(String, int)}, the i-th peer's configuration adjusted by {@code options}. */
  public static TestRegion start(String region, int size,
      java.util.function.BiFunction<Integer, PeerConfig.Builder, PeerConfig.Builder> options) {
    List<String> members = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int port = freePort();
      ports.add(port);
      members.add("127.0.0.1:" + port);
    }
    List<PeerNode> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      PeerConfig config = options.apply(i, PeerConfig.builder().region(region)
          .name(region + "-peer-" + i).hazelcastPort(ports.get(i)).members(members)
          .clientPort(0)).build();
      peers.add(PeerNode.start(config));
    }
    TestRegion r = new TestRegion(peers);
    Await.until("a cluster of " + size, Duration.ofSeconds(60), () -> peers.stream()
        .allMatch(p -> p.hazelcast().getCluster().getMembers().size() == size));
    // As a launched peer does before it says "ready": serve once backups are in place. A write
    // made while partitions still migrate may fail as indeterminate (its backup did not confirm).
    r.awaitSafe();
    return r;
  }

  /** The i-th peer. */
  public PeerNode peer(int i) {
    return peers.get(i);
  }

  /** Waits until every partition has its backups in place (no migration running). */
  public void awaitSafe() {
    Await.until("a safe cluster", Duration.ofSeconds(60), () -> peers.stream()
        .filter(p -> p.hazelcast().getLifecycleService().isRunning())
        .allMatch(p -> p.hazelcast().getPartitionService().isClusterSafe()));
  }

  @Override
  public void close() {
    for (PeerNode p : peers) {
      p.close();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
