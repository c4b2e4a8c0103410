package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.meridian.testing.AckLedger;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a table of {@code (id, origin, val)} rows from every region by point reads, and waits for
 * the regions to converge: every region returns the same rows for the same keys, and each key's
 * row is the last write acknowledged to it. Stateless.
 */
final class Replicas {
  /** Keys per point-read query ({@code WHERE id IN (...)}). */
  static final int KEYS_PER_QUERY = 500;

  private Replicas() {}

  /** A row as read: who wrote its value, and the value. */
  record Row(String origin, long val) {}

  /** What converged: rows read per region, and how long waiting took. */
  record Converged(int keys, int present, Duration took) {}

  /** Creates a table in {@code home} and waits until every region knows it. */
  static void createTable(Regions regions, String home, String table, Duration timeout)
      throws SQLException {
    createTable(regions, regions.regions(), home, table, timeout);
  }

  /** Creates a table in {@code home} and waits until the regions {@code among} know it. */
  static void createTable(Regions regions, List<String> among, String home, String table,
      Duration timeout) throws SQLException {
    try (Connection c = DriverManager.getConnection(regions.jdbcUrl(home));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table
          + " (id BIGINT PRIMARY KEY, origin VARCHAR(20), val BIGINT)");
    }
    for (String region : among) {
      awaitTable(regions, region, table, timeout);
    }
  }

  /** Waits until {@code region} answers queries on {@code table}. */
  static void awaitTable(Regions regions, String region, String table, Duration timeout) {
    Deadline.await("table " + table + " in " + region, timeout, () -> {
      try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(region));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT val FROM " + table + " WHERE id = -1")) {
        return !rs.next();
      } catch (SQLException e) {
        throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
      }
    });
  }

  /** The rows present among {@code keys} in the region {@code c} serves from. */
  static Map<Long, Row> read(Connection c, String table, Collection<Long> keys)
      throws SQLException {
    Map<Long, Row> out = new HashMap<>();
    List<Long> list = new ArrayList<>(keys);
    StringBuilder sql = new StringBuilder("SELECT id, origin, val FROM " + table + " WHERE id IN (");
    for (int i = 0; i < KEYS_PER_QUERY; i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    sql.append(')');
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      for (int from = 0; from < list.size(); from += KEYS_PER_QUERY) {
        int to = Math.min(list.size(), from + KEYS_PER_QUERY);
        for (int i = 0; i < KEYS_PER_QUERY; i++) {
          // A short last chunk repeats its last key: one statement text, one plan.
          p.setLong(i + 1, list.get(Math.min(from + i, to - 1)));
        }
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getLong(1), new Row(rs.getString(2), rs.getLong(3)));
          }
        }
      }
    }
    return out;
  }

  /**
   * Waits until every region of {@code regions} returns the same rows for {@code keys}, then
   * checks each key of {@code expected} holds its last acknowledged value (or is absent, for
   * {@link KeyWriters#DELETED}) in every region.
   */
  static Converged awaitConverged(Regions regions, String table, Collection<Long> keys,
      Map<Long, Long> expected, Duration timeout) {
    return awaitConverged(regions, regions.regions(), table, keys, expected, timeout);
  }

  /** As {@link #awaitConverged(Regions, String, Collection, Map, Duration)} over some regions. */
  static Converged awaitConverged(Regions regions, List<String> among, String table,
      Collection<Long> keys, Map<Long, Long> expected, Duration timeout) {
    long start = System.nanoTime();
    Map<String, Map<Long, Row>> agreed = Deadline.await(among + " to agree on " + keys.size()
        + " keys of " + table, timeout, () -> {
          Map<String, Map<Long, Row>> byRegion = new LinkedHashMap<>();
          for (String region : among) {
            try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(region))) {
              byRegion.put(region, read(c, table, keys));
            } catch (SQLException e) {
              throw new IllegalStateException("reading " + region + ": " + e.getSQLState() + " "
                  + e.getMessage(), e);
            }
          }
          String difference = difference(byRegion, keys);
          if (difference != null) {
            throw new AssertionError("not converged yet: " + difference);
          }
          return byRegion;
        });
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    Map<Long, Row> rows = agreed.values().iterator().next();
    List<String> lost = new ArrayList<>();
    for (Map.Entry<Long, Long> e : new TreeMap<>(expected).entrySet()) {
      Row row = rows.get(e.getKey());
      boolean ok = e.getValue() == KeyWriters.DELETED ? row == null
          : row != null && row.val() == e.getValue();
      if (!ok) {
        lost.add(e.getKey() + ": acknowledged "
            + (e.getValue() == KeyWriters.DELETED ? "DELETE" : String.valueOf(e.getValue()))
            + ", every region holds " + row);
      }
    }
    if (!lost.isEmpty()) {
      fail(lost.size() + " acknowledged writes lost on " + table + " (regions agree on another"
          + " state), e.g. " + lost.subList(0, Math.min(10, lost.size())));
    }
    return new Converged(keys.size(), rows.size(), took);
  }

  /**
   * Waits until every region returns the same rows for the ledger's keys, then checks each
   * region's rows against the ledger: every acknowledged write accounted for, and for each key
   * the write its stamps say must win.
   */
  static Converged awaitConverged(Regions regions, String table, AckLedger ledger,
      Duration timeout) {
    return awaitConverged(regions, regions.regions(), table, ledger, timeout);
  }

  /** As {@link #awaitConverged(Regions, String, AckLedger, Duration)} over some regions. */
  static Converged awaitConverged(Regions regions, List<String> among, String table,
      AckLedger ledger, Duration timeout) {
    Set<Long> keys = ledger.keys();
    Converged c = awaitConverged(regions, among, table, keys, Map.of(), timeout);
    for (String region : among) {
      try (Connection conn = DriverManager.getConnection(regions.localJdbcUrl(region))) {
        Map<Long, Long> held = new HashMap<>();
        read(conn, table, keys).forEach((key, row) -> held.put(key, row.val()));
        ledger.assertHolds(region, held);
      } catch (SQLException e) {
        throw new IllegalStateException("reading " + region + ": " + e.getSQLState() + " "
            + e.getMessage(), e);
      }
    }
    return c;
  }

  /**
   * Waits until each region of {@code among} holds every key of {@code expected} at its
   * expected value (absent for {@link KeyWriters#DELETED}), while writes elsewhere go on.
   */
  static void awaitHolding(Regions regions, List<String> among, String table,
      Map<Long, Long> expected, Duration timeout) {
    for (String region : among) {
      Deadline.await(region + " to hold " + expected.size() + " acknowledged writes on " + table,
          timeout, () -> {
            try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(region))) {
              Map<Long, Row> rows = read(c, table, expected.keySet());
              int missing = 0;
              for (Map.Entry<Long, Long> e : expected.entrySet()) {
                Row row = rows.get(e.getKey());
                boolean ok = e.getValue() == KeyWriters.DELETED ? row == null
                    : row != null && row.val() == e.getValue();
                missing += ok ? 0 : 1;
              }
              if (missing > 0) {
                throw new AssertionError(region + " lacks " + missing + " of them yet");
              }
              return true;
            } catch (SQLException e) {
              throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
            }
          });
    }
  }

  /** A link's row of {@code MERIDIAN.REPLICATION_LINKS}, as one region reports it. */
  record Link(String from, String to, String measuredAt, String state, long records,
      long repairs, long rowsRepaired, long streamsToRepair, Long backlog, double lagP99Ms) {
    @Override
    public String toString() {
      return from + "->" + to + " " + measuredAt + " " + state + ": " + records + " records, "
          + repairs + " repairs, " + rowsRepaired + " rows repaired, " + streamsToRepair
          + " streams to repair, backlog " + backlog + ", lag p99 " + lagP99Ms + " ms";
    }
  }

  /**
   * The links that start or end in {@code region}, as its peers report them. Read with the
   * driver protocol's {@code ReadSystemTable} request, what SQL on
   * {@code MERIDIAN.REPLICATION_LINKS} would send, because the SQL planner does not know the
   * {@code MERIDIAN} schema yet.
   */
  static List<Link> links(Regions regions, String region) {
    List<InetSocketAddress> peers = regions.clientAddresses(region).stream().map(a -> {
      int colon = a.lastIndexOf(':');
      return new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
    }).toList();
    try (PeerChannel channel = PeerConnector.connect(peers, 2_000, 16 << 20)) {
      Response r = channel.call(new Request.ReadSystemTable("REPLICATION_LINKS"))
          .get(10, TimeUnit.SECONDS);
      if (!(r instanceof Response.Rows rows)) {
        throw new IllegalStateException(region + " answered " + r);
      }
      List<Link> out = new ArrayList<>();
      for (Object[] row : rows.rows()) {
        out.add(new Link((String) row[0], (String) row[1], (String) row[2], (String) row[3],
            ((Number) row[9]).longValue(), ((Number) row[13]).longValue(),
            ((Number) row[14]).longValue(), ((Number) row[15]).longValue(),
            row[8] == null ? null : ((Number) row[8]).longValue(),
            ((Number) row[5]).doubleValue()));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("reading the links of " + region + ": " + e, e);
    }
  }

  /** The sender's view of the link {@code from -> to}, as {@code from} reports it (or null). */
  static Link sender(Regions regions, String from, String to) {
    for (Link l : links(regions, from)) {
      if (l.from().equals(from) && l.to().equals(to) && l.measuredAt().equals("sender")) {
        return l;
      }
    }
    return null;
  }

  private static String difference(Map<String, Map<Long, Row>> byRegion, Collection<Long> keys) {
    Map.Entry<String, Map<Long, Row>> reference = byRegion.entrySet().iterator().next();
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Map<Long, Row>> e : byRegion.entrySet()) {
      if (e == reference) {
        continue;
      }
      int differing = 0;
      List<String> examples = new ArrayList<>();
      for (long k : keys) {
        Row a = reference.getValue().get(k);
        Row x = e.getValue().get(k);
        if (!Objects.equals(a, x)) {
          differing++;
          if (examples.size() < 5) {
            examples.add(k + ": " + a + " vs " + x);
          }
        }
      }
      if (differing > 0) {
        b.append(e.getKey()).append(" differs from ").append(reference.getKey()).append(" on ")
            .append(differing).append(" keys (").append(reference.getKey()).append(" has ")
            .append(reference.getValue().size()).append(" rows, ").append(e.getKey())
            .append(" has ").append(e.getValue().size()).append("), e.g. ").append(examples)
            .append("; ");
      }
    }
    return b.length() == 0 ? null : b.toString();
  }
}
