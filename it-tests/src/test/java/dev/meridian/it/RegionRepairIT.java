package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Repair when the history a link needs is gone: three regions of two peer processes whose change
 * journals hold only {@value #JOURNAL} entries per table, so a region out of reach while the
 * others write more than that can only be caught up by anti-entropy. Once cut off by a network
 * partition (its links then find their positions gone from the journal), once stopped
 * altogether ({@code kill -9} of all its peers) and restarted empty on the same ports. Each ends
 * with every region returning the same rows, each the last write acknowledged to its key.
 *
 * <p>Seed and logs as in {@link ReplicationIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionRepairIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final String AP = "ap-southeast-1";
  static final int JOURNAL = 1_000;
  static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final Pattern HISTORY_GONE =
      Pattern.compile("link to " + AP + ": history of stream .* is gone; repairing");

  static Regions regions;
  static long seed;

  @BeforeAll
  static void startRegions() {
    seed = Long.getLong("meridian.seed", new Random().nextLong());
    Path dir = Path.of("target", "it-runs", "RegionRepairIT-" + System.currentTimeMillis());
    System.out.printf("RegionRepairIT: seed %d (-Dmeridian.seed=%d), logs in %s%n", seed, seed,
        dir.toAbsolutePath());
    long start = System.nanoTime();
    regions = Regions.builder(dir).regions(US, EU, AP).peersPerRegion(2).proxiedLinks(true)
        .journalCapacity(JOURNAL).build();
    regions.startAll();
    System.out.printf("RegionRepairIT: 3 regions x 2 peers ready in %.1f s%n", seconds(start));
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

  /** Lines of {@code region}'s peers' logs saying a link to {@link #AP} lost its history. */
  static int historyGone(String region) {
    int n = 0;
    for (int i = 0; i < regions.peersPerRegion(); i++) {
      Matcher m = HISTORY_GONE.matcher(regions.logText(region, i));
      while (m.find()) {
        n++;
      }
    }
    return n;
  }

  @Test
  @Order(1)
  void aRegionCutOffLongerThanTheJournalHoldsIsRepaired() throws Exception {
    long start = System.nanoTime();
    String table = "kv_cut_long";
    Replicas.createTable(regions, US, table, CONVERGE);
    try (KeyWriters w = KeyWriters.inEachRegion(regions, regions.regions(), table, seed)) {
      w.start();
      w.awaitAcknowledged(500, Duration.ofSeconds(120));
      int goneBefore = historyGone(US) + historyGone(EU);
      long cutAt;
      long healNanos;
      regions.cut(AP);
      try {
        cutAt = w.acknowledged(US) + w.acknowledged(EU);
        // More than the journal holds, from the regions still linked: their records to AP fall
        // out of the journal before the link is back.
        Deadline.await("3 x " + JOURNAL + " writes in " + US + " and " + EU + " while " + AP
            + " is cut off", Duration.ofSeconds(180),
            () -> w.acknowledged(US) + w.acknowledged(EU) >= cutAt + 3L * JOURNAL);
      } finally {
        regions.heal(AP);
      }
      healNanos = System.nanoTime();
      long healedAt = w.acknowledged();
      w.awaitAcknowledged(healedAt + 300, Duration.ofSeconds(120));
      w.stop();
      Replicas.Converged c = Replicas.awaitConverged(regions, table, w.ledger(),
          CONVERGE);
      int gone = historyGone(US) + historyGone(EU) - goneBefore;
      System.out.printf("cut off beyond the journal: %d writes in %s and %s while %s was cut"
          + " off, %d in all; %d streams to %s found their history gone; converged %.1f s after"
          + " healing (%.1f s after the writers stopped); links to %s: %s, %s;"
          + " case took %.1f s%n", healedAt - cutAt, US, EU, AP, w.acknowledged(), gone, AP,
          seconds(healNanos), c.took().toMillis() / 1e3, AP, Replicas.sender(regions, US, AP),
          Replicas.sender(regions, EU, AP), seconds(start));
      assertTrue(gone > 0, "no link to " + AP + " lost its history: the case did not test repair");
    }
  }

  @Test
  @Order(2)
  void aRegionRestartedEmptyIsRefilled() throws Exception {
    long start = System.nanoTime();
    String table = "kv_refill";
    Replicas.createTable(regions, US, table, CONVERGE);
    try (KeyWriters w = KeyWriters.inEachRegion(regions, regions.regions(), table, seed + 1)) {
      w.start();
      w.awaitAcknowledged(1_000, Duration.ofSeconds(120));
      // What AP acknowledged must be elsewhere before AP dies: a region that loses all its
      // peers loses what it had not shipped yet, and the contract allows that.
      w.stop(AP);
      Map<Long, Long> fromAp = w.expected(AP);
      Replicas.awaitHolding(regions, List.of(US, EU), table, fromAp, CONVERGE);

      long repairedBefore = Replicas.sender(regions, US, AP).rowsRepaired()
          + Replicas.sender(regions, EU, AP).rowsRepaired();
      long killNanos = System.nanoTime();
      regions.kill(AP);
      long killedAt = w.acknowledged();
      w.awaitAcknowledged(killedAt + 2L * JOURNAL, Duration.ofSeconds(180));
      long restartNanos = System.nanoTime();
      long whileDown = w.acknowledged() - killedAt;
      regions.start(AP);
      double restartSeconds = seconds(restartNanos);
      long restartedAt = w.acknowledged();
      w.awaitAcknowledged(restartedAt + 300, Duration.ofSeconds(120));
      w.stop();
      Replicas.Converged c = Replicas.awaitConverged(regions, table, w.ledger(),
          CONVERGE);
      Replicas.Link us = Replicas.sender(regions, US, AP);
      Replicas.Link eu = Replicas.sender(regions, EU, AP);
      System.out.printf("restarted empty: %s down for %.1f s while %d writes were acknowledged"
          + " elsewhere (%d more while its peers took %.1f s to start); it converged %.1f s"
          + " after the restart began (%.1f s after the writers stopped) with %d rows; links"
          + " to %s: %s, %s; case took %.1f s%n", AP, (restartNanos - killNanos) / 1e9,
          whileDown, restartedAt - killedAt - whileDown, restartSeconds, seconds(restartNanos),
          c.took().toMillis() / 1e3, c.present(), AP, us, eu, seconds(start));
      assertTrue(us.rowsRepaired() + eu.rowsRepaired() > repairedBefore,
          "nothing was repaired into the emptied region: " + us + ", " + eu);
    }
  }
}
