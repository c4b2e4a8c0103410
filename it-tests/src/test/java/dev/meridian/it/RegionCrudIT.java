package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.AckLedger;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.RegionProcesses;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A region of two peer processes started through the launcher; the driver does CRUD on every type over loopback. */
class RegionCrudIT {
  static final String REGION = "us-east-1";

  @TempDir
  static Path dir;
  static RegionProcesses region;
  static String url;

  @BeforeAll
  static void startRegion() {
    region = RegionProcesses.start(dir, REGION, 2);
    url = region.jdbcUrl();
  }

  @AfterAll
  static void stopRegion() {
    if (region != null) {
      region.close();
    }
  }

  @Test
  void everyTypeRoundTripsThroughPreparedStatements() throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE all_types (id BIGINT PRIMARY KEY, i INTEGER, si SMALLINT, "
            + "v VARCHAR(20), ch CHAR(3), b BOOLEAN, d DOUBLE, r REAL, amount DECIMAL(10,2), "
            + "dt DATE, tm TIME, ts TIMESTAMP, bin VARBINARY(8))");
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO all_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        p.setLong(1, 1);
        p.setInt(2, -42);
        p.setShort(3, (short) 7);
        p.setString(4, "héllo");
        p.setString(5, "ab");
        p.setBoolean(6, true);
        p.setDouble(7, 3.25);
        p.setFloat(8, 1.5f);
        p.setBigDecimal(9, new BigDecimal("12345678.91"));
        p.setDate(10, Date.valueOf("2026-11-23"));
        p.setTime(11, Time.valueOf("13:14:15"));
        p.setTimestamp(12, Timestamp.valueOf("2026-11-23 13:14:15.123456789"));
        p.setBytes(13, new byte[] {1, 2, (byte) 0xff});
        assertEquals(1, p.executeUpdate());
        p.setLong(1, 2);
        for (int i = 2; i <= 13; i++) {
          p.setNull(i, Types.NULL);
        }
        assertEquals(1, p.executeUpdate());
      }
      try (PreparedStatement q = c.prepareStatement("SELECT * FROM all_types WHERE id = ?")) {
        q.setLong(1, 1);
        try (ResultSet rs = q.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(1L, rs.getLong("ID"));
          assertEquals(-42, rs.getInt("I"));
          assertEquals(7, rs.getShort("SI"));
          assertEquals("héllo", rs.getString("V"));
          assertEquals("ab ", rs.getString("CH"));
          assertTrue(rs.getBoolean("B"));
          assertEquals(3.25, rs.getDouble("D"));
          assertEquals(1.5f, rs.getFloat("R"));
          assertEquals(new BigDecimal("12345678.91"), rs.getBigDecimal("AMOUNT"));
          assertEquals(Date.valueOf("2026-11-23"), rs.getDate("DT"));
          assertEquals(Time.valueOf("13:14:15"), rs.getTime("TM"));
          assertEquals(Timestamp.valueOf("2026-11-23 13:14:15.123456789"), rs.getTimestamp("TS"));
          assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, rs.getBytes("BIN"));
          assertFalse(rs.next());
        }
        q.setLong(1, 2);
        try (ResultSet rs = q.executeQuery()) {
          assertTrue(rs.next());
          for (int i = 2; i <= 13; i++) {
            assertNull(rs.getObject(i), "column " + i);
            assertTrue(rs.wasNull());
          }
        }
      }
    }
  }

  @Test
  void insertUpdateUpsertDeleteFollowTheContract() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (tenant VARCHAR(10), id INTEGER, owner VARCHAR(20) NOT NULL, "
          + "balance DECIMAL(12,2), PRIMARY KEY (tenant, id))");
      assertEquals(2, s.executeUpdate(
          "INSERT INTO accounts VALUES ('acme', 1, 'ann', 10.00), ('acme', 2, 'bob', 20.50)"));
      SQLIntegrityConstraintViolationException dup = assertThrows(
          SQLIntegrityConstraintViolationException.class,
          () -> s.executeUpdate("INSERT INTO accounts VALUES ('acme', 1, 'eve', 0)"));
      assertEquals("23505", dup.getSQLState());

      assertEquals(1, s.executeUpdate("UPDATE accounts SET balance = 11.00 WHERE tenant = 'acme' AND id = 1"));
      assertEquals(0, s.executeUpdate("UPDATE accounts SET balance = 1 WHERE tenant = 'acme' AND id = 99"));
      assertEquals(1, s.executeUpdate("UPSERT INTO accounts (tenant, id, owner) VALUES ('acme', 2, 'bo')"));
      assertEquals(1, s.executeUpdate("UPSERT INTO accounts (tenant, id, owner) VALUES ('init', 7, 'ivy')"));

      try (ResultSet rs = s.executeQuery("SELECT id, owner, balance FROM accounts "
          + "WHERE tenant IN ('acme', 'init') AND id IN (1, 2, 7) ")) {
        StringBuilder seen = new StringBuilder();
        while (rs.next()) {
          seen.append(rs.getInt(1)).append(':').append(rs.getString(2)).append(':')
              .append(rs.getBigDecimal(3)).append(' ');
        }
        // UPSERT keeps the cells it did not name (balance of acme/2).
        assertEquals("1:ann:11.00 2:bo:20.50 7:ivy:null ", seen.toString());
      }
      assertEquals(1, s.executeUpdate("DELETE FROM accounts WHERE tenant = 'acme' AND id = 1"));
      assertEquals(0, s.executeUpdate("DELETE FROM accounts WHERE tenant = 'acme' AND id = 1"));
      try (ResultSet rs = s.executeQuery("SELECT * FROM accounts WHERE tenant = 'acme' AND id = 1")) {
        assertFalse(rs.next());
      }
      // A deleted key can be inserted again.
      assertEquals(1, s.executeUpdate("INSERT INTO accounts VALUES ('acme', 1, 'new', 0)"));
    }
  }

  /**
   * Every row a batch reports written goes into an {@link AckLedger} (its payload "event N"
   * unique to the write, N its value), checked through each peer at the end; the duplicate the
   * batch refused must not have overwritten its row.
   */
  @Test
  void batchesArePipelinedAndReportPerRowCounts() throws SQLException {
    AckLedger ledger = new AckLedger();
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, payload VARCHAR(100))");
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO events VALUES (?, ?)")) {
        List<AckLedger.Pending> pending = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          p.setLong(1, i);
          p.setString(2, "event " + i);
          p.addBatch();
          pending.add(ledger.begin(i, i));
        }
        int[] counts = p.executeBatch();
        assertEquals(1000, counts.length);
        for (int i = 0; i < counts.length; i++) {
          assertEquals(1, counts[i]);
          pending.get(i).acknowledged(REGION);
        }
        p.setLong(1, 5000);
        p.setString(2, "event 5000");
        p.addBatch();
        AckLedger.Pending fresh = ledger.begin(5000, 5000);
        p.setLong(1, 7);
        p.setString(2, "event -7");
        p.addBatch();
        BatchUpdateException e = assertThrows(BatchUpdateException.class, p::executeBatch);
        assertEquals(1, e.getUpdateCounts()[0]);
        fresh.acknowledged(REGION);
        assertEquals(Statement.EXECUTE_FAILED, e.getUpdateCounts()[1]);
      }
      try (PreparedStatement q = c.prepareStatement("SELECT payload FROM events WHERE id = ?")) {
        q.setLong(1, 999);
        try (ResultSet rs = q.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("event 999", rs.getString(1));
        }
      }
    }
    ledger.phantomIfAsked(REGION, 6000, 6000);
    for (int i = 0; i < region.peers().size(); i++) {
      List<PeerProcess> order = new ArrayList<>(region.peers());
      order.add(0, order.remove(i));
      Map<Long, Long> held = new HashMap<>();
      try (Connection c = DriverManager.getConnection(region.jdbcUrl(order));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id, payload FROM events")) {
        while (rs.next()) {
          held.put(rs.getLong(1), Long.parseLong(rs.getString(2).substring("event ".length())));
        }
      }
      ledger.assertHolds(REGION + " through peer " + i, held);
    }
  }

  @Test
  void unknownNamesAreSyntaxErrorsWithTheirPosition() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
          () -> s.executeQuery("SELECT * FROM nowhere WHERE id = 1"));
      assertEquals("42P01", e.getSQLState());
      assertTrue(e.getMessage().contains("NOWHERE") && e.getMessage().contains("column 15"),
          e.getMessage());
      assertTrue(c.isValid(5));
    }
  }

  @Test
  void aWriteOnOnePeerIsReadableThroughTheOther() throws SQLException {
    String viaFirst = region.jdbcUrl(region.peers());
    String viaSecond = region.jdbcUrl(java.util.List.of(region.peers().get(1), region.peers().get(0)));
    try (Connection a = DriverManager.getConnection(viaFirst);
        Connection b = DriverManager.getConnection(viaSecond);
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("CREATE TABLE IF NOT EXISTS kv (k VARCHAR(10) PRIMARY KEY, v INTEGER)");
      sa.executeUpdate("UPSERT INTO kv VALUES ('x', 1)");
      try (ResultSet rs = sb.executeQuery("SELECT v FROM kv WHERE k = 'x'")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
      }
    }
  }
}
