package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.meridian.testing.AckLedger;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three regions of two peer processes each, replicating over links that run through
 * {@link dev.meridian.testing.TcpProxy proxies}: clients write in every region at once, while
 * a region is partitioned from the others and healed, and while a peer is killed with
 * {@code kill -9}. Every case ends with every region returning the same rows, each being the
 * last write acknowledged to its key.
 *
 * <p>The cases share the regions (one table each) and run in order; the peer-crash case comes
 * last because it changes the regions. The seed printed at the start fixes the writers' choices
 * ({@code -Dmeridian.seed=...}); the interleaving of real processes is not reproducible.
 * Configurations and peer logs stay under {@code target/it-runs/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final String AP = "ap-southeast-1";
  static final Duration CONVERGE = Duration.ofSeconds(90);

  static Regions regions;
  static long seed;

  @BeforeAll
  static void startRegions() {
    seed = Long.getLong("meridian.seed", new Random().nextLong());
    Path dir = Path.of("target", "it-runs", "ReplicationIT-" + System.currentTimeMillis());
    System.out.printf("ReplicationIT: seed %d (-Dmeridian.seed=%d), logs in %s%n", seed, seed,
        dir.toAbsolutePath());
    long start = System.nanoTime();
    regions = Regions.builder(dir).regions(US, EU, AP).peersPerRegion(2).proxiedLinks(true)
        .build();
    regions.startAll();
    System.out.printf("ReplicationIT: 3 regions x 2 peers ready in %.1f s%n", seconds(start));
  }

  @AfterAll
  static void stopRegions() {
    if (regions != null) {
      regions.close();
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static KeyWriters writers(String table, long caseSeed) {
    return KeyWriters.inEachRegion(regions, regions.regions(), table, caseSeed);
  }

  @Test
  @Order(1)
  void concurrentWritesInEveryRegionConverge() throws Exception {
    long start = System.nanoTime();
    String table = "kv_concurrent";
    Replicas.createTable(regions, US, table, CONVERGE);
    try (KeyWriters w = writers(table, seed)) {
      w.start();
      w.awaitAcknowledged(3_000, Duration.ofSeconds(120));
      w.stop();
      Replicas.Converged c = Replicas.awaitConverged(regions, table, w.ledger(), CONVERGE);
      System.out.printf("concurrent writes: %d acknowledged (%d retried), %d keys, %d rows;"
          + " converged %.1f s after the writers stopped; case took %.1f s%n",
          w.acknowledged(), w.retried(), c.keys(), c.present(), c.took().toMillis() / 1e3,
          seconds(start));
    }
  }

  @Test
  @Order(2)
  void aPartitionedRegionCatchesUpWhenHealed() throws Exception {
    long start = System.nanoTime();
    String table = "kv_partition";
    Replicas.createTable(regions, US, table, CONVERGE);
    try (KeyWriters w = writers(table, seed + 1)) {
      w.start();
      w.awaitAcknowledged(1_000, Duration.ofSeconds(120));

      long cutAt;
      long healedAt;
      long healNanos;
      long marker = 999;
      regions.cut(AP);
      try {
        cutAt = w.acknowledged();
        Deadline.await("the links between " + AP + " and the others to be down",
            Duration.ofSeconds(30), () -> "down".equals(Replicas.sender(regions, US, AP).state())
                && "down".equals(Replicas.sender(regions, EU, AP).state())
                && "down".equals(Replicas.sender(regions, AP, US).state()));
        AckLedger.Pending markerWrite = w.ledger().begin(marker, 42);
        upsert(regions.jdbcUrl(US), table, marker, 42);
        markerWrite.acknowledged(US);
        w.awaitAcknowledged(cutAt + 1_500, Duration.ofSeconds(120));
        try (Connection ap = DriverManager.getConnection(regions.localJdbcUrl(AP))) {
          assertFalse(Replicas.read(ap, table, List.of(marker)).containsKey(marker),
              "a write in " + US + " reached " + AP + " through a cut link");
        }
      } finally {
        regions.heal(AP);
      }
      healedAt = w.acknowledged();
      healNanos = System.nanoTime();
      w.awaitAcknowledged(healedAt + 500, Duration.ofSeconds(120));
      w.stop();
      Replicas.Converged c = Replicas.awaitConverged(regions, table, w.ledger(), CONVERGE);
      System.out.printf("partition: %d writes while %s was cut off, %d in all (%d retried);"
          + " converged %.1f s after healing (%.1f s after the writers stopped);"
          + " links from %s: %s; case took %.1f s%n", healedAt - cutAt, AP, w.acknowledged(),
          w.retried(), seconds(healNanos), c.took().toMillis() / 1e3, US,
          Replicas.links(regions, US), seconds(start));
    }
  }

  @Test
  @Order(3)
  void aKilledPeerLosesNoAcknowledgedWrite() throws Exception {
    long start = System.nanoTime();
    String table = "kv_crash";
    Replicas.createTable(regions, US, table, CONVERGE);
    try (KeyWriters w = writers(table, seed + 2)) {
      w.start();
      w.awaitAcknowledged(1_000, Duration.ofSeconds(120));

      // Writer 0 of each region talks to its first peer: the victim is one of them.
      regions.killPeer(EU, 0);
      assertFalse(regions.peer(EU, 0).isAlive());
      long killedAt = w.acknowledged();
      long euAtKill = w.acknowledged(EU);
      long killNanos = System.nanoTime();
      w.awaitAcknowledged(EU, euAtKill + 500, Duration.ofSeconds(120));
      w.awaitAcknowledged(killedAt + 1_500, Duration.ofSeconds(120));
      w.stop();
      Replicas.Converged c = Replicas.awaitConverged(regions, table, w.ledger(), CONVERGE);
      System.out.printf("peer crash: %d writes after the kill (%d from %s, taking %.1f s),"
          + " %d in all, %d calls retried; converged %.1f s after the writers stopped%n",
          w.acknowledged() - killedAt, w.acknowledged(EU) - euAtKill, EU, seconds(killNanos),
          w.acknowledged(), w.retried(), c.took().toMillis() / 1e3);

      // The peer comes back into its region (not empty: its partner kept the data).
      long restart = System.nanoTime();
      regions.startPeer(EU, 0);
      Replicas.Converged again = Replicas.awaitConverged(regions, table, w.ledger(), CONVERGE);
      assertEquals(c.present(), again.present());
      System.out.printf("peer crash: the restarted peer rejoined and the regions still agree"
          + " (%.1f s); case took %.1f s%n", seconds(restart), seconds(start));
    }
  }

  static void upsert(String url, String table, long key, long value) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement p = c.prepareStatement(
            "UPSERT INTO " + table + " (id, origin, val) VALUES (?, 'marker', ?)")) {
      p.setLong(1, key);
      p.setLong(2, value);
      assertEquals(1, p.executeUpdate());
    }
  }
}
