package dev.meridian.peer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testing.Await;
import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real peers: each announces its driver-protocol address, answers {@code GetPartitions}
 * with the owner of every partition, and the partition the driver computes for a key
 * ({@link KeyBytes#partition}) is the one Hazelcast puts it in.
 */
class PeerPartitionsTest {
  static Peer a;
  static Peer b;

  @BeforeAll
  static void start() throws IOException {
    int pa = freePort();
    int pb = freePort();
    List<String> members = List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb);
    a = Peer.start(PeerConfig.builder().region("us-east-1").name("a").hazelcastPort(pa)
        .members(members).clientPort(0).build());
    b = Peer.start(PeerConfig.builder().region("us-east-1").name("b").hazelcastPort(pb)
        .members(members).clientPort(0).build());
    Await.until("a cluster of 2 with its partitions spread", Duration.ofSeconds(60),
        () -> a.node().hazelcast().getCluster().getMembers().size() == 2
            && a.node().hazelcast().getPartitionService().isClusterSafe()
            && b.node().hazelcast().getPartitionService().isClusterSafe());
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void theDriversPartitionOfAKeyIsHazelcasts() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int count = a.node().hazelcast().getPartitionService().getPartitions().size();
    for (int i = 0; i < 5_000; i++) {
      Object[] key = switch (i % 4) {
        case 0 -> new Object[] {random.nextLong()};
        case 1 -> new Object[] {"k" + random.nextInt(), random.nextInt()};
        case 2 -> new Object[] {random.nextDouble()};
        default -> new Object[] {new java.math.BigDecimal(random.nextInt()).movePointLeft(2)};
      };
      byte[] bytes = KeyBytes.encode(key);
      assertEquals(a.node().hazelcast().getPartitionService().getPartition(bytes).getPartitionId(),
          KeyBytes.partition(bytes, count), "seed " + seed + ", key " + java.util.Arrays.toString(key));
    }
  }

  @Test
  void everyPartitionNamesTheDriverAddressOfItsOwner() {
    Set<String> addresses = Set.of(hostPort(a), hostPort(b));
    Await.until("every partition owned by a peer with a driver address", Duration.ofSeconds(30),
        () -> partitions(a).owners().stream().allMatch(addresses::contains));
    Response.Partitions p = partitions(a);
    assertEquals(a.node().hazelcast().getPartitionService().getPartitions().size(), p.owners().size());
    assertEquals(addresses, new HashSet<>(p.owners()), "both peers own partitions");
    for (var partition : a.node().hazelcast().getPartitionService().getPartitions()) {
      String expected = partition.getOwner().localMember() ? hostPort(a) : hostPort(b);
      assertEquals(expected, p.owners().get(partition.getPartitionId()),
          "owner of partition " + partition.getPartitionId());
    }
    assertEquals(p.owners(), partitions(b).owners(), "both peers see the same owners");
  }

  private static Response.Partitions partitions(Peer peer) {
    return (Response.Partitions) peer.handle(new Request.GetPartitions()).toCompletableFuture().join();
  }

  private static String hostPort(Peer p) {
    return p.clientAddress().getHostString() + ":" + p.clientAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
