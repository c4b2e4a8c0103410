package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Capacity limits on real peer processes: two regions of two peers each, {@code eu-west-1}
 * limited to N writes/s on one table. Under a load of 3N from eu-west-1's applications (through
 * the default routing policy, so a failover on {@code 53M01} would show as writes accepted in
 * us-east-1), about N/s are accepted, the rest fail with {@code 53M01} as
 * {@link SQLTransientException}, every acknowledged row is there and every throttled one absent in
 * both regions; meanwhile us-east-1 writes the same table at full rate and every one of its
 * writes arrives in eu-west-1 (its lag printed). A batch says which of its rows were written,
 * and a limit changed at run time is enforced by both of eu-west-1's peers within a second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CapacityIT {
  private static final String LIMITED = "eu-west-1";
  private static final String OTHER = "us-east-1";
  private static final int LIMIT = 100;
  private static final Pattern PEER = Pattern.compile("limit (\\d+) rows/s \\(peer (\\S+)'s share");
  private static Regions regions;
  private static Connection limited;
  private static Connection other;

  @BeforeAll
  static void start() throws SQLException {
    Path dir = Path.of("target", "it-runs", "CapacityIT-" + System.currentTimeMillis());
    regions = Regions.builder(dir).regions(OTHER, LIMITED).peersPerRegion(2).build();
    regions.startAll();
    limited = DriverManager.getConnection(regions.localJdbcUrl(LIMITED));
    other = DriverManager.getConnection(regions.localJdbcUrl(OTHER));
    execute(limited, "CREATE TABLE cap (id BIGINT PRIMARY KEY, v BIGINT)");
    Deadline.await("table cap in " + OTHER, Duration.ofSeconds(60), () -> {
      try {
        execute(other, "UPSERT INTO cap (id, v) VALUES (-1, 0)");
        return true;
      } catch (SQLException e) {
        return null;
      }
    });
    execute(limited, "ALTER TABLE cap SET (write_capacity['" + LIMITED + "'] = '" + LIMIT
        + "/s')");
  }

  @AfterAll
  static void stop() throws SQLException {
    for (Connection c : new Connection[] {limited, other}) {
      if (c != null) {
        c.close();
      }
    }
    if (regions != null) {
      regions.close();
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Set<Long> ids(Connection c, long from, long to) throws SQLException {
    Set<Long> out = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM cap WHERE id >= " + from + " AND id < "
            + to)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private static boolean throttled(SQLException e) {
    return "53M01".equals(e.getSQLState());
  }

  @Test
  @Order(1)
  void aRegionUnderThreeTimesItsLimitAcceptsTheLimitAndReplicationIntoItKeepsUp()
      throws Exception {
    int threads = 6;
    long seconds = 10;
    long perThreadGapNanos = 1_000_000_000L * threads / (3L * LIMIT);
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    Set<Long> refused = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong nextId = new AtomicLong(1_000_000);
    // The other region's writer: full rate, its own key range, commit times kept for lag.
    Map<Long, Long> otherWrites = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    Thread otherWriter = new Thread(() -> {
      try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(OTHER));
          PreparedStatement p = c.prepareStatement("UPSERT INTO cap (id, v) VALUES (?, ?)")) {
        for (long id = 5_000_000; System.nanoTime() < end; id++) {
          p.setLong(1, id);
          p.setLong(2, id);
          p.executeUpdate();
          otherWrites.put(id, System.currentTimeMillis());
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    });
    List<Thread> loaders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long offset = perThreadGapNanos * t / threads;
      loaders.add(new Thread(() -> {
        // The default routing policy: a failover on 53M01 would land the row in us-east-1.
        try (Connection c = DriverManager.getConnection(regions.jdbcUrl(LIMITED));
            PreparedStatement p = c.prepareStatement("UPSERT INTO cap (id, v) VALUES (?, ?)")) {
          long due = start + offset;
          while (due < end) {
            LockSupport.parkNanos(due - System.nanoTime());
            long id = nextId.getAndIncrement();
            p.setLong(1, id);
            p.setLong(2, id);
            try {
              p.executeUpdate();
              acknowledged.add(id);
            } catch (SQLException e) {
              if (!throttled(e)) {
                throw e;
              }
              assertInstanceOf(SQLTransientException.class, e);
              assertTrue(e.getMessage().contains("CAP") && e.getMessage().contains("retry after")
                  && e.getMessage().contains("limit " + LIMIT + " rows/s"), e.getMessage());
              refused.add(id);
            }
            due += perThreadGapNanos;
          }
        } catch (Throwable t2) {
          failure.compareAndSet(null, t2);
        }
      }));
    }
    otherWriter.start();
    loaders.forEach(Thread::start);
    for (Thread t : loaders) {
      t.join(Duration.ofSeconds(seconds + 60).toMillis());
    }
    otherWriter.join(Duration.ofSeconds(seconds + 60).toMillis());
    if (failure.get() != null) {
      throw new AssertionError("a writer failed", failure.get());
    }
    long attempted = acknowledged.size() + refused.size();
    double ratio = acknowledged.size() / (double) (LIMIT * seconds);
    System.out.printf("CapacityIT: limit %d/s over %d s in %s: %d attempted (%.0f/s), %d"
        + " accepted (%.1f/s, %.3f of the limit), %d throttled; %s wrote %d rows meanwhile%n",
        LIMIT, seconds, LIMITED, attempted, attempted / (double) seconds, acknowledged.size(),
        acknowledged.size() / (double) seconds, ratio, refused.size(), OTHER,
        otherWrites.size());
    assertTrue(attempted >= 2.5 * LIMIT * seconds, "the load was not 3N: " + attempted);
    // A generous band: the exact figure comes from bin/bench capacity on a quiet machine.
    assertTrue(ratio >= 0.7 && ratio <= 1.3, "accepted/limit = " + ratio);

    // What the limited region's peers counted is exactly what they accepted from its clients:
    // none of the rows replicated into it meanwhile (more than the limit allowed in the same
    // time) was counted against the limit.
    assertTrue(otherWrites.size() > 2 * LIMIT * seconds,
        "the other region wrote too little to tell: " + otherWrites.size());
    Map<String, Long> counted = new java.util.TreeMap<>();
    for (int peer = 0; peer < regions.peersPerRegion(); peer++) {
      try (Connection c = DriverManager.getConnection(regions.jdbcUrl(LIMITED, peer)
              + "&routing=local");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT peer, writes_last_minute FROM meridian.capacity"
              + " WHERE table_name = 'CAP'")) {
        while (rs.next()) {
          counted.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    System.out.printf("CapacityIT: writes counted per peer of %s: %s%n", LIMITED, counted);
    assertEquals(regions.peersPerRegion(), counted.size(), "every peer's count: " + counted);
    assertEquals((long) acknowledged.size(),
        counted.values().stream().mapToLong(Long::longValue).sum(),
        "writes counted against the limit, besides the accepted ones: " + counted);

    // Every row of us-east-1 arrives in eu-west-1, and the lag it took is printed.
    Set<Long> expected = new HashSet<>(otherWrites.keySet());
    long replicatedBy = Deadline.await("us-east-1's rows in eu-west-1", Duration.ofSeconds(60),
        () -> {
          try {
            return ids(limited, 5_000_000, 6_000_000).containsAll(expected)
                ? System.currentTimeMillis() : null;
          } catch (SQLException e) {
            return null;
          }
        });
    System.out.printf("CapacityIT: all %d rows of %s present in %s %d ms after the last was"
        + " written; link %s->%s: %s%n", expected.size(), OTHER, LIMITED,
        replicatedBy - otherWrites.values().stream().mapToLong(Long::longValue).max().orElse(0),
        OTHER, LIMITED, linkLag());

    // Nothing half-applied, and no throttled row landed anywhere (no failover).
    for (Connection c : new Connection[] {limited, other}) {
      Set<Long> held = Deadline.await("eu-west-1's accepted rows everywhere",
          Duration.ofSeconds(60), () -> {
            try {
              Set<Long> ids = ids(c, 1_000_000, 2_000_000);
              return ids.containsAll(acknowledged) ? ids : null;
            } catch (SQLException e) {
              return null;
            }
          });
      Set<Long> stray = new HashSet<>(held);
      stray.retainAll(refused);
      assertEquals(Set.of(), stray, "throttled rows that were written");
      assertEquals(acknowledged.size(), held.size());
    }
  }

  private static String linkLag() {
    try (Statement s = limited.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT measured_at, lag_p50_ms, lag_p99_ms, lag_max_ms, records"
            + " FROM meridian.replication_links WHERE from_region = '" + OTHER + "'")) {
      StringBuilder b = new StringBuilder();
      while (rs.next()) {
        b.append(String.format("[%s p50 %.1f ms p99 %.1f ms max %.1f ms, %d records]",
            rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getLong(5)));
      }
      return b.toString();
    } catch (SQLException e) {
      return "unreadable: " + e;
    }
  }

  @Test
  @Order(2)
  void aBatchSaysWhichRowsWereWritten() throws Exception {
    // Idle for a second: each peer's bucket holds its burst (0.2 s of 50/s), fewer than 100.
    LockSupport.parkNanos(1_100_000_000L);
    int n = 100;
    BatchUpdateException e;
    try (Connection c = DriverManager.getConnection(regions.jdbcUrl(LIMITED));
        PreparedStatement p = c.prepareStatement("UPSERT INTO cap (id, v) VALUES (?, ?)")) {
      for (int i = 0; i < n; i++) {
        p.setLong(1, 3_000_000 + i);
        p.setLong(2, i);
        p.addBatch();
      }
      try {
        p.executeBatch();
        fail("a batch of " + n + " rows at once was not throttled");
        return;
      } catch (BatchUpdateException b) {
        e = b;
      }
    }
    assertEquals("53M01", e.getSQLState(), e.getMessage());
    int[] counts = e.getUpdateCounts();
    assertEquals(n, counts.length);
    Set<Long> written = new HashSet<>();
    for (int i = 0; i < n; i++) {
      assertTrue(counts[i] == 1 || counts[i] == Statement.EXECUTE_FAILED, "count " + counts[i]);
      if (counts[i] == 1) {
        written.add(3_000_000L + i);
      }
    }
    System.out.printf("CapacityIT: a batch of %d rows: %d written, %d throttled: %s%n", n,
        written.size(), n - written.size(), e.getMessage());
    assertTrue(!written.isEmpty() && written.size() < n, "written " + written.size());
    assertEquals(written, ids(limited, 3_000_000, 3_000_000 + n));
  }

  @Test
  @Order(3)
  void aLimitChangedAtRunTimeHoldsOnEveryPeerWithinASecond() throws Exception {
    int newLimit = 40;
    execute(limited, "ALTER TABLE cap SET (write_capacity['" + LIMITED + "'] = '" + newLimit
        + "/s')");
    long changed = System.nanoTime();
    Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> oldLimitAfterASecond = new ConcurrentLinkedQueue<>();
    AtomicLong nextId = new AtomicLong(4_000_000);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> loaders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      loaders.add(new Thread(() -> {
        try (Connection c = DriverManager.getConnection(regions.jdbcUrl(LIMITED));
            PreparedStatement p = c.prepareStatement("UPSERT INTO cap (id, v) VALUES (?, ?)")) {
          while (System.nanoTime() - changed < 3_000_000_000L) {
            long id = nextId.getAndIncrement();
            p.setLong(1, id);
            p.setLong(2, id);
            try {
              p.executeUpdate();
            } catch (SQLException e) {
              if (!throttled(e)) {
                throw e;
              }
              Matcher m = PEER.matcher(e.getMessage());
              assertTrue(m.find(), e.getMessage());
              long at = System.nanoTime() - changed;
              if (Long.parseLong(m.group(1)) == newLimit) {
                firstSeen.putIfAbsent(m.group(2), at);
              } else if (at > 1_000_000_000L) {
                oldLimitAfterASecond.add(m.group(2) + " at " + at / 1_000_000 + " ms");
              }
            }
          }
        } catch (Throwable t2) {
          failure.compareAndSet(null, t2);
        }
      }));
    }
    loaders.forEach(Thread::start);
    for (Thread t : loaders) {
      t.join(30_000);
    }
    if (failure.get() != null) {
      throw new AssertionError("a writer failed", failure.get());
    }
    System.out.println("CapacityIT: the new limit first enforced by each peer (ms after the"
        + " ALTER returned): " + firstSeen.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue() / 1_000_000).toList());
    assertEquals(regions.peersPerRegion(), firstSeen.size(), "peers enforcing the new limit: "
        + firstSeen.keySet());
    assertEquals(List.of(), List.copyOf(oldLimitAfterASecond), "the old limit after a second");
    for (Long at : firstSeen.values()) {
      assertTrue(at < 1_000_000_000L, "a peer enforced the new limit after " + at / 1e6 + " ms");
    }
  }

  @Test
  @Order(4)
  void readsCountRowsReturnedAndTheSystemTableShowsWhatEachPeerDid() throws Exception {
    execute(limited, "ALTER TABLE cap SET (read_capacity['" + LIMITED + "'] = '10/s')");
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(LIMITED))) {
      // The first scan opens while the peers have a unit and returns thousands of rows,
      // which leaves their buckets in debt; what follows is refused until it is paid.
      Deadline.await("the read limit in force", Duration.ofSeconds(10), () -> {
        try {
          ids(c, 1_000_000, 2_000_000);
          ids(c, 1_000_000, 2_000_000);
          return null;
        } catch (SQLException e) {
          return throttled(e) ? e : null;
        }
      });
      SQLException point = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
          () -> {
            try (PreparedStatement p = c.prepareStatement("SELECT v FROM cap WHERE id = ?")) {
              p.setLong(1, 1_000_000);
              p.executeQuery().close();
            }
          });
      assertEquals("53M01", point.getSQLState(), point.getMessage());
      assertInstanceOf(SQLTransientException.class, point);
      assertTrue(point.getMessage().contains("read capacity"), point.getMessage());
    }
    execute(limited, "ALTER TABLE cap RESET (read_capacity['" + LIMITED + "'])");
    List<String> rows = new ArrayList<>();
    try (Statement s = limited.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT peer, write_limit, read_limit, peer_share, writes_last_minute,"
            + " writes_throttled, reads_last_minute FROM meridian.capacity"
            + " WHERE table_name = 'CAP'")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " write_limit=" + rs.getLong(2) + " read_limit="
            + rs.getString(3) + " share=" + rs.getDouble(4) + " writes_last_minute="
            + rs.getLong(5) + " writes_throttled=" + rs.getLong(6) + " reads_last_minute="
            + rs.getLong(7));
        assertEquals(40, rs.getLong(2));
        assertEquals(0.5, rs.getDouble(4));
        assertTrue(rs.getLong(6) > 0, "no throttled write counted by " + rs.getString(1));
      }
    }
    System.out.println("CapacityIT: MERIDIAN.CAPACITY in " + LIMITED + ": " + rows);
    assertEquals(1, rows.size(), "one row per limited table, from the serving peer: " + rows);
  }
}
