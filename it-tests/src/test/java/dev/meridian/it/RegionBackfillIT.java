package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.testing.AckLedger;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A new region joins a table of {@value #ROWS} rows: two regions of two peer processes each are
 * loaded (half the rows through each, by JDBC batches), then the third region, listed in their
 * configurations from the start, is started while clients keep updating rows in the first two.
 * Every row must arrive there; the time it takes is printed as rows per second. Ends with the
 * three regions returning the same rows, each the last write acknowledged to its key.
 *
 * <p>Seed and logs as in {@link ReplicationIT}.
 */
class RegionBackfillIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final String AP = "ap-southeast-1";
  static final int ROWS = 100_000;
  static final int BATCH = 1_000;
  static final Duration BACKFILL = Duration.ofMinutes(5);

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  @Test
  void aNewRegionIsBackfilledWhileWritesGoOn() throws Exception {
    long seed = Long.getLong("meridian.seed", new Random().nextLong());
    Path dir = Path.of("target", "it-runs", "RegionBackfillIT-" + System.currentTimeMillis());
    System.out.printf("RegionBackfillIT: seed %d (-Dmeridian.seed=%d), logs in %s%n", seed, seed,
        dir.toAbsolutePath());
    long start = System.nanoTime();
    try (Regions regions = Regions.builder(dir).regions(US, EU, AP).peersPerRegion(2).build()) {
      regions.start(US, EU);
      System.out.printf("backfill: %s and %s ready in %.1f s (%s not started)%n", US, EU,
          seconds(start), AP);
      String table = "kv_backfill";
      Replicas.createTable(regions, List.of(US, EU), US, table, Duration.ofSeconds(60));

      long load = System.nanoTime();
      AckLedger ledger = new AckLedger();
      List<AckLedger.Pending> loading = new ArrayList<>();
      for (long id = 0; id < ROWS; id++) {
        loading.add(ledger.begin(id, id));
      }
      CompletableFuture<Void> us = load(regions.jdbcUrl(US), table, US, 0, ROWS / 2);
      CompletableFuture<Void> eu = load(regions.jdbcUrl(EU), table, EU, ROWS / 2, ROWS);
      CompletableFuture.allOf(us, eu).join();
      for (int id = 0; id < ROWS; id++) {
        loading.get(id).acknowledged(id < ROWS / 2 ? US : EU);
      }
      double loadSeconds = seconds(load);
      Map<Long, Long> loaded = new HashMap<>();
      for (long id = 0; id < ROWS; id++) {
        loaded.put(id, id);
      }
      Replicas.awaitHolding(regions, List.of(US, EU), table, loaded, Duration.ofSeconds(120));
      System.out.printf("backfill: loaded %d rows in %.1f s (%.0f rows/s, half through each"
          + " region), both regions hold all of them %.1f s after the load began%n", ROWS,
          loadSeconds, ROWS / loadSeconds, seconds(load));

      // Clients update rows of the table in both regions while the new region is filled.
      try (KeyWriters w = new KeyWriters(table, seed, 0, 0.0, 0.0, ledger)) {
        w.add(US, regions.jdbcUrl(US), 0, 2_000);
        w.add(EU, regions.jdbcUrl(EU), ROWS / 2, 2_000);
        w.start();
        w.awaitAcknowledged(200, Duration.ofSeconds(60));

        // The region's first peer; the second joins while the backfill runs.
        long begin = System.nanoTime();
        regions.startPeer(AP, 0);
        long ready = System.nanoTime();
        CompletableFuture<Void> second = new CompletableFuture<>();
        new Thread(() -> {
          try {
            regions.startPeer(AP, 1);
            second.complete(null);
          } catch (Throwable t) {
            second.completeExceptionally(t);
          }
        }, "start-" + AP + "-peer-2").start();

        // Progress from the links' figures (cheap to poll), then every row by point reads.
        long[] lastReport = {0};
        Deadline.await("the links to " + AP + " to finish repairing it", BACKFILL, () -> {
          Replicas.Link fromUs = Replicas.sender(regions, US, AP);
          Replicas.Link fromEu = Replicas.sender(regions, EU, AP);
          if (System.nanoTime() - lastReport[0] > 3_000_000_000L) {
            lastReport[0] = System.nanoTime();
            System.out.printf("backfill: %.1f s after %s was ready: %s; %s%n", seconds(ready), AP,
                fromUs, fromEu);
          }
          return done(fromUs) && done(fromEu);
        });
        double repaired = seconds(ready);
        Set<Long> missing = new LinkedHashSet<>(loaded.keySet());
        Deadline.await("all " + ROWS + " rows in " + AP, BACKFILL, () -> {
          try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(AP))) {
            missing.removeAll(Replicas.read(c, table, new ArrayList<>(missing)).keySet());
          } catch (SQLException e) {
            throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
          }
          return missing.isEmpty();
        });
        double confirmed = seconds(ready);
        second.join();
        long writesDuring = w.acknowledged();
        w.awaitAcknowledged(writesDuring + 200, Duration.ofSeconds(60));
        w.stop();
        System.out.printf("backfill: %s's first peer started in %.1f s; its links reported the"
            + " repair done %.1f s later: %.0f rows/s; point reads found all %d rows %.1f s"
            + " after it was ready (an upper bound: %.0f rows/s); %d client writes went on"
            + " meanwhile in %s and %s%n", AP, (ready - begin) / 1e9, repaired,
            ROWS / repaired, ROWS, confirmed, ROWS / confirmed, w.acknowledged(), US, EU);

        Replicas.Converged c = Replicas.awaitConverged(regions, table, ledger,
            Duration.ofSeconds(120));
        assertEquals(ROWS, c.present());
        System.out.printf("backfill: the three regions agree on %d rows (%.1f s to check);"
            + " links to %s: %s, %s; case took %.1f s%n", c.present(),
            c.took().toMillis() / 1e3, AP, Replicas.sender(regions, US, AP),
            Replicas.sender(regions, EU, AP), seconds(start));
      }
    }
  }

  /** Whether a sender's figures say it is up with every stream repaired. */
  static boolean done(Replicas.Link sender) {
    return sender != null && sender.state().equals("up") && sender.repairs() > 0
        && sender.streamsToRepair() == 0;
  }

  /** Upserts rows {@code [from, to)} with {@code val = id}, {@value #BATCH} per executeBatch. */
  static CompletableFuture<Void> load(String url, String table, String origin, long from,
      long to) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (Connection c = DriverManager.getConnection(url);
          PreparedStatement p = c.prepareStatement(
              "UPSERT INTO " + table + " (id, origin, val) VALUES (?, ?, ?)")) {
        for (long id = from; id < to; id++) {
          p.setLong(1, id);
          p.setString(2, origin);
          p.setLong(3, id);
          p.addBatch();
          if ((id - from + 1) % BATCH == 0 || id == to - 1) {
            for (int n : p.executeBatch()) {
              assertEquals(1, n);
            }
          }
        }
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "load-" + origin);
    t.start();
    return done;
  }
}
