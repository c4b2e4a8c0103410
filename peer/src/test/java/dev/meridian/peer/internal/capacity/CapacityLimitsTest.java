package dev.meridian.peer.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One peer's enforcement on a clock the test moves: its share of the region's limit, per region
 * overrides, a limit changed by a new definition, the region's peer count changing, the
 * message of {@code 53M01}, and what the system table and the meters count.
 */
class CapacityLimitsTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong nanos = new AtomicLong(5 * SECOND);
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final AtomicInteger peers = new AtomicInteger(2);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final CapacityLimits limits = new CapacityLimits("eu-west-1", "p1", peers::get,
      meters, nanos::get, millis::get);

  private static TableSchema table(TableCapacity capacity) {
    return new TableSchema(7, "ORDERS", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false)), List.of(0),
        ConflictResolution.CELL, 2, capacity);
  }

  private void advance(long n) {
    nanos.addAndGet(n);
    millis.addAndGet(n / 1_000_000);
  }

  @Test
  void anUnlimitedTableAdmitsEverything() {
    TableSchema t = table(TableCapacity.NONE);
    assertEquals(1_000_000, limits.admitWrites(t, 1_000_000));
    limits.admitReads(t, 1_000_000);
    assertTrue(limits.rows(List.of(t)).isEmpty());
    assertTrue(meters.getMeters().isEmpty());
  }

  @Test
  void eachPeerHoldsItsShareOfTheRegionsLimit() {
    TableSchema t = table(TableCapacity.NONE.with(true, "*", 1000L));
    // 2 peers: 500/s here, a burst of 0.2 s of it.
    assertEquals(100, limits.admitWrites(t, 1000));
    long admitted = 0;
    for (int i = 0; i < 100; i++) {
      advance(SECOND / 10);
      admitted += limits.admitWrites(t, 1000);
    }
    assertEquals(5000, admitted); // 10 s at 500/s
    Object[] row = limits.rows(List.of(t)).get(0);
    assertEquals(List.of("p1", "ORDERS", "eu-west-1", 1000L), java.util.Arrays.asList(row).subList(0, 4));
    assertEquals(0.5, (double) row[5]);
    assertEquals(5100L, row[6]); // the last 60 s: the burst and 10 s at 500/s
  }

  @Test
  void aRegionsOwnLimitOverridesTheOneForAll() {
    TableSchema t = table(TableCapacity.NONE.with(true, "*", 10L).with(true, "eu-west-1", 0L)
        .with(false, "eu-west-1", 20L));
    assertEquals(5000, limits.admitWrites(t, 5000));
    limits.admitReads(t, 2);
    MeridianException e = assertThrows(MeridianException.class, () -> limits.admitReads(t, 1));
    assertEquals(SqlState.CAPACITY_EXCEEDED, e.state());
    assertTrue(e.getMessage().contains("ORDERS") && e.getMessage().contains("read capacity")
        && e.getMessage().contains("limit 20 rows/s") && e.getMessage().contains("retry after 100 ms"),
        e.getMessage());
  }

  @Test
  void aChangedLimitAppliesAtTheNextRequest() {
    TableSchema t = table(TableCapacity.NONE.with(true, "*", 100L));
    assertEquals(10, limits.admitWrites(t, 100)); // 50/s here, burst 10
    TableSchema raised = t.withCapacity(t.capacity().with(true, "*", 10_000L));
    assertEquals(0, limits.admitWrites(raised, 0));
    advance(SECOND / 100);
    assertEquals(50, limits.admitWrites(raised, 100)); // 5000/s: 10 ms refills 50
    TableSchema lifted = raised.withCapacity(TableCapacity.NONE);
    assertEquals(100_000, limits.admitWrites(lifted, 100_000));
  }

  @Test
  void aPeerJoiningShrinksEachShareWithinASecond() {
    TableSchema t = table(TableCapacity.NONE.with(true, "*", 1000L));
    limits.admitWrites(t, 1000);
    peers.set(4);
    advance(SECOND);
    limits.admitWrites(t, 1000); // re-reads the peer count: 250/s from now
    advance(SECOND);
    assertEquals(50, limits.admitWrites(t, 1000));
  }

  @Test
  void throttledRowsAreCountedInTheTableAndTheMeters() {
    TableSchema t = table(TableCapacity.NONE.with(true, "*", 100L).with(false, "*", 100L));
    assertEquals(10, limits.admitWrites(t, 25));
    assertThrows(MeridianException.class, () -> limits.admitReads(t, 11));
    limits.admitScan(t);
    limits.scanned(t, 30); // into debt
    assertThrows(MeridianException.class, () -> limits.admitScan(t));
    Object[] row = limits.rows(List.of(t)).get(0);
    assertEquals(List.of(10L, 30L, 15L, 12L, 15L, 12L), java.util.Arrays.asList(row).subList(6, 12));
    assertEquals(10, meters.get("meridian.capacity.units").tag("kind", "write")
        .tag("outcome", "accepted").counter().count());
    assertEquals(15, meters.get("meridian.capacity.units").tag("kind", "write")
        .tag("outcome", "throttled").counter().count());
    MeridianException e = limits.throttled(t);
    assertEquals(SqlState.CAPACITY_EXCEEDED, e.state());
    assertTrue(e.getMessage().contains("write capacity in region eu-west-1: limit 100 rows/s"
        + " (peer p1's share 50/s of 2 peers); the row was not written; retry after"),
        e.getMessage());
  }

  @Test
  void concurrentWritersAreAdmittedExactlyTheBucket() throws Exception {
    TableSchema t = table(TableCapacity.NONE.with(true, "*", 20_000L)); // burst 2,000 here
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          long n = 0;
          for (int j = 0; j < 1000; j++) {
            n += limits.admitWrites(t, 1 + j % 3);
          }
          return n;
        }));
      }
      start.countDown();
      long total = 0;
      for (Future<Long> f : futures) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertEquals(2000, total);
      Object[] row = limits.rows(List.of(t)).get(0);
      assertEquals(2000L, row[6]);
      assertEquals(8L * 1999 - 2000, row[10]); // each thread asked for 1,999 rows
    } finally {
      pool.shutdownNow();
    }
  }
}
