package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.Regions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Online ALTER TABLE over three regions of real peer processes (two peers each, linked through
 * their link ports) while a writer in each region keeps upserting: add a column and write it from every region, rename it, drop another, widen a
 * third, rename the table; every region ends with the same definition (MERIDIAN.TABLES) and the
 * same rows, and holds every acknowledged write. Bad changes fail with their SQLState.
 */
class AlterTableIT {
  private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1",
      "ap-southeast-1");
  private static final List<Connection> CONNECTIONS = new ArrayList<>();
  private static Regions regions;

  @BeforeAll
  static void start() throws SQLException {
    Path dir = Path.of("target", "it-runs", "AlterTableIT-" + System.currentTimeMillis());
    regions = Regions.builder(dir).regions(REGIONS.toArray(new String[0])).peersPerRegion(2)
        .build();
    regions.startAll();
    for (String r : REGIONS) {
      // routing=local: each connection reads and writes its own region only.
      CONNECTIONS.add(DriverManager.getConnection(regions.localJdbcUrl(r)));
    }
  }

  @AfterAll
  static void stop() throws SQLException {
    for (Connection c : CONNECTIONS) {
      c.close();
    }
    if (regions != null) {
      regions.close();
    }
  }

  private static Connection region(int i) {
    return CONNECTIONS.get(i);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      StringBuilder header = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        header.append(i == 1 ? "" : "|").append(rs.getMetaData().getColumnLabel(i));
      }
      out.add(header.toString());
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  /** Waits until every region answers {@code sql} alike; returns that answer. */
  private static List<String> converged(String sql) throws SQLException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      List<String> first = rows(region(0), sql);
      boolean same = true;
      for (int i = 1; i < REGIONS.size() && same; i++) {
        same = first.equals(rows(region(i), sql));
      }
      if (same) {
        return first;
      }
      if (System.nanoTime() > deadline) {
        for (int i = 1; i < REGIONS.size(); i++) {
          assertEquals(first, rows(region(i), sql), "regions did not converge in 60 s: " + sql);
        }
      }
      Thread.onSpinWait();
    }
  }

  private static String definition(String table) throws SQLException {
    List<String> rows = converged("SELECT version, columns, dropped_columns FROM meridian.tables"
        + " WHERE table_name = '" + table + "'");
    assertEquals(2, rows.size(), "one row for " + table + ": " + rows);
    return rows.get(1);
  }

  /** Upserts (id, a) in its region's key range until stopped; remembers what was acknowledged. */
  private static final class Writer extends Thread {
    final Connection connection;
    final int base;
    final Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    int written;

    Writer(Connection connection, int base) {
      this.connection = connection;
      this.base = base;
      setDaemon(true);
    }

    @Override
    public void run() {
      try (PreparedStatement p = connection.prepareStatement(
          "UPSERT INTO events (id, a) VALUES (?, ?)")) {
        for (int i = 0; !stop.get(); i++) {
          long id = base + (i % 200);
          String value = "w" + i;
          p.setLong(1, id);
          p.setString(2, value);
          p.executeUpdate();
          acknowledged.put(id, value);
          written++;
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }
  }

  @Test
  void columnsAreAddedRenamedDroppedAndWidenedWhileEveryRegionWrites() throws Exception {
    execute(region(0), "CREATE TABLE events (id BIGINT PRIMARY KEY, a VARCHAR(8),"
        + " b INTEGER, note VARCHAR(5))");
    assertEquals("1|4|0", definition("EVENTS"));
    List<Writer> writers = new ArrayList<>();
    for (int i = 0; i < REGIONS.size(); i++) {
      writers.add(new Writer(region(i), 1000 * (i + 1)));
    }
    writers.forEach(Thread::start);

    execute(region(0), "ALTER TABLE events ADD COLUMN c VARCHAR(10)");
    assertEquals("2|5|0", definition("EVENTS"));
    for (int i = 0; i < REGIONS.size(); i++) {
      // Planned by a connection whose catalog predates the column: it reloads and retries.
      execute(region(i), "UPSERT INTO events (id, c, b) VALUES (" + (1000 * (i + 1))
          + ", 'from " + REGIONS.get(i).substring(0, 2) + "', " + i + ")");
    }
    execute(region(1), "ALTER TABLE events RENAME COLUMN c TO origin");
    assertEquals("3|5|0", definition("EVENTS"));
    execute(region(2), "ALTER TABLE events DROP COLUMN b");
    assertEquals("4|4|1", definition("EVENTS"));
    execute(region(0), "ALTER TABLE events ALTER COLUMN note TYPE VARCHAR(20)");
    assertEquals("5|4|1", definition("EVENTS"));
    execute(region(1), "UPSERT INTO events (id, note) VALUES (2000, 'longer than five')");

    for (Writer w : writers) {
      w.stop.set(true);
      w.join(60_000);
      if (w.failure.get() != null) {
        throw new AssertionError("a writer failed", w.failure.get());
      }
      assertTrue(w.written > 0, "every writer wrote");
    }

    List<String> all = converged("SELECT * FROM events ORDER BY id");
    assertEquals("ID|A|NOTE|ORIGIN", all.get(0), "SELECT * shows live columns in id order");
    assertTrue(all.contains("1000|" + writers.get(0).acknowledged.get(1000L) + "|null|from us"),
        all.toString());
    assertTrue(all.contains("2000|" + writers.get(1).acknowledged.get(2000L)
        + "|longer than five|from eu"), all.toString());
    for (Writer w : writers) {
      for (Map.Entry<Long, String> e : w.acknowledged.entrySet()) {
        String prefix = e.getKey() + "|" + e.getValue() + "|";
        assertTrue(all.stream().anyMatch(r -> r.startsWith(prefix)),
            "acknowledged write " + prefix + " is in every region");
      }
    }

    execute(region(2), "ALTER TABLE events RENAME TO journal");
    assertEquals("6|4|1", definition("JOURNAL"));
    assertEquals(all.subList(1, all.size()),
        converged("SELECT * FROM journal ORDER BY id").subList(1, all.size()));
    for (Connection c : CONNECTIONS) {
      try (ResultSet rs = c.getMetaData().getColumns(null, null, "JOURNAL", "%")) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString("COLUMN_NAME") + "@" + rs.getInt("ORDINAL_POSITION"));
        }
        assertEquals(List.of("ID@1", "A@2", "NOTE@3", "ORIGIN@4"), names);
      }
    }
  }

  @Test
  void changesThatWouldLoseDataFailWithTheirSqlState() throws SQLException {
    Connection c = region(0);
    execute(c, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(20),"
        + " balance DECIMAL(10,2))");
    execute(c, "CREATE INDEX accounts_by_name ON accounts (name)");
    assertState("42804", "ALTER TABLE accounts ALTER COLUMN name TYPE VARCHAR(10)", "VARCHAR(10)");
    assertState("42804", "ALTER TABLE accounts ALTER COLUMN balance TYPE INTEGER", "INTEGER");
    assertState("42P16", "ALTER TABLE accounts DROP COLUMN id", "id");
    assertState("2BP01", "ALTER TABLE accounts DROP COLUMN name", "name");
    assertState("42703", "ALTER TABLE accounts DROP COLUMN nope", "nope");
    assertState("42701", "ALTER TABLE accounts ADD COLUMN name VARCHAR(5)", "column NAME");
    assertState("42P16", "ALTER TABLE accounts ADD COLUMN x INTEGER NOT NULL", "for X");
    assertState("0A000", "ALTER TABLE accounts ADD COLUMN y INTEGER DEFAULT 5", "5");
    assertState("42P01", "ALTER TABLE nothing ADD COLUMN z INTEGER", "nothing");
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE accounts ADD COLUMN IF NOT EXISTS name VARCHAR(5)");
      assertNotNull(s.getWarnings(), "IF NOT EXISTS on an existing column warns");
      s.execute("ALTER TABLE accounts DROP COLUMN IF EXISTS nope");
      assertNotNull(s.getWarnings(), "IF EXISTS on a missing column warns");
    }
    execute(c, "INSERT INTO accounts VALUES (1, 'ann', 5.50)");
    execute(c, "ALTER TABLE accounts RENAME COLUMN name TO holder");
    assertEquals(List.of("HOLDER|ID", "ann|1"), rows(c, "SELECT holder, id FROM accounts"
        + " WHERE id = 1"));
    // The index follows the column by id: a rename is metadata only.
    String byHolder = "SELECT id FROM accounts WHERE holder = 'ann'";
    assertTrue(String.join("\n", rows(c, "EXPLAIN PLAN FOR " + byHolder))
        .contains("ACCOUNTS_BY_NAME"), rows(c, "EXPLAIN PLAN FOR " + byHolder).toString());
    assertEquals(List.of("ID", "1"), rows(c, byHolder));
    assertState("42703", "SELECT name FROM accounts", "name");
  }

  private static void assertState(String state, String sql, String at) {
    SQLException e = assertThrows(SQLException.class, () -> execute(region(0), sql), sql);
    assertEquals(state, e.getSQLState(), sql + ": " + e.getMessage());
    assertTrue(e.getMessage().toUpperCase().contains(at.toUpperCase()),
        sql + " names " + at + ": " + e.getMessage());
  }
}
