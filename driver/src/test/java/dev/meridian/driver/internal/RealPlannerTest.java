package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.wire.Request;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver with the real {@code SqlPlanner} (meridian-sql) over a {@link FakePeer}. */
class RealPlannerTest {
  Fixture f;
  Connector connector;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    connector = new Connector(f::open, () -> null, SqlPlannerAdapter::new);
    c = connector.connect(Fixture.URL, null);
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  @Test
  void sqlRoundTrip() throws SQLException {
    Statement s = c.createStatement();
    assertEquals(0, s.executeUpdate("CREATE TABLE accounts (id BIGINT PRIMARY KEY,"
        + " owner VARCHAR(20) NOT NULL, balance DECIMAL(10,2))"));
    assertEquals(2, s.executeUpdate("INSERT INTO accounts VALUES (1, 'ann', 10.5),"
        + " (2, 'bob', NULL)"));
    SQLIntegrityConstraintViolationException dup = assertThrows(
        SQLIntegrityConstraintViolationException.class,
        () -> s.executeUpdate("INSERT INTO accounts VALUES (2, 'bo', 1), (3, 'cy', 2)"));
    assertTrue(dup.getMessage().contains("wrote 1 of 2 rows: row 2 was written; row 1 failed:"
        + " [23505] key (ID=2) already exists"), dup.getMessage());
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT owner, balance AS b FROM accounts WHERE id = ?")) {
      ps.setLong(1, 1);
      ResultSet rs = ps.executeQuery();
      assertTrue(rs.next());
      assertEquals("ann", rs.getString("OWNER"));
      assertEquals(new BigDecimal("10.50"), rs.getBigDecimal("b"));
      assertFalse(rs.next());
    }
    assertEquals(1, s.executeUpdate("UPDATE accounts SET balance = 99 WHERE id = 2"));
    assertEquals(0, s.executeUpdate("UPDATE accounts SET balance = 1 WHERE id = 42"));
    assertEquals(1, s.executeUpdate("DELETE FROM accounts WHERE id = 3"));
    try (ResultSet rs = s.executeQuery("SELECT id FROM accounts WHERE id IN (1, 2, 3)")) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      assertEquals(2, n);
    }
    SQLSyntaxErrorException syntax = assertThrows(SQLSyntaxErrorException.class,
        () -> s.executeQuery("SELECT FROM WHERE"));
    assertTrue(syntax.getMessage().contains("(at line 1, column"), syntax.getMessage());
    SQLSyntaxErrorException unknown = assertThrows(SQLSyntaxErrorException.class,
        () -> s.executeQuery("SELECT x FROM nowhere WHERE k = 1"));
    assertEquals("42P01", unknown.getSQLState());
    assertEquals(0, s.executeUpdate("DROP TABLE accounts"));
  }

  @Test
  void pipelinedBatchThroughTheRealPlanner() throws SQLException {
    c.createStatement().executeUpdate("CREATE TABLE kv (k BIGINT PRIMARY KEY, v VARCHAR(10))");
    f.peer.clearReceived();
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      for (int i = 1; i <= 1000; i++) {
        ps.setLong(1, i);
        ps.setString(2, i == 500 ? null : "v" + i);
        ps.addBatch();
      }
      assertEquals(1000, ps.executeBatch().length);
      ps.setLong(1, 7);
      ps.setString(2, "again");
      ps.addBatch();
      ps.setLong(1, 1001);
      ps.setString(2, "new");
      ps.addBatch();
      BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
      assertArrayEquals(new int[] {Statement.EXECUTE_FAILED, 1}, e.getUpdateCounts());
    }
    assertEquals(List.of(500, 500, 2), f.peer.received().stream()
        .filter(r -> r instanceof Request.Write).map(r -> ((Request.Write) r).rows().size())
        .toList());
  }

  @Test
  void connectionsOfAPoolShareCachedPlans() throws SQLException {
    c.createStatement().executeUpdate("CREATE TABLE kv (k BIGINT PRIMARY KEY, v VARCHAR(10))");
    try (Connection d = connector.connect(Fixture.URL, null)) {
      MeridianConnection a = (MeridianConnection) c;
      MeridianConnection b = (MeridianConnection) d;
      b.createStatement().executeQuery("SELECT v FROM kv WHERE k = 1");
      assertEquals(a.executor().catalog().version(), b.executor().catalog().version(),
          "the same definitions have the same version");
      c.createStatement().executeUpdate("CREATE TABLE other (k BIGINT PRIMARY KEY)");
      assertNotEquals(a.executor().catalog().version(), b.executor().catalog().version());
    }
  }
}
