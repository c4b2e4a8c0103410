package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testkit.EmbeddedCluster;
import dev.meridian.testing.TcpProxy;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SQL feature matrix, against a real embedded region (Hazelcast members and Netty servers
 * in this JVM): one case per supported construct with the rows it must return, one per
 * unsupported construct that must fail with {@code 0A000} naming it. README's SQL section
 * lists the same constructs; this is the one list to extend.
 */
class SqlFeatureMatrixIT {
  private static final String NAME = "matrix" + System.nanoTime();
  private static final String URL = "jdbc:meridian:mem:" + NAME + "?regions=r1&region=r1";
  private static Connection c;

  @BeforeAll
  static void load() throws SQLException {
    c = DriverManager.getConnection(URL);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE emp (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL,"
          + " dept INTEGER, salary DECIMAL(10,2), hired DATE, active BOOLEAN)");
      s.execute("CREATE TABLE dept (id INTEGER PRIMARY KEY, title VARCHAR(20))");
      s.executeUpdate("INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty')");
      s.executeUpdate("INSERT INTO emp VALUES"
          + " (1, 'ann', 1, 100.00, DATE '2020-01-01', TRUE),"
          + " (2, 'bob', 1, 80.50, DATE '2021-06-15', TRUE),"
          + " (3, 'cy', 2, 120.00, DATE '2019-03-03', FALSE),"
          + " (4, 'dee', 2, NULL, DATE '2022-12-31', TRUE),"
          + " (5, 'eve', NULL, 90.00, NULL, NULL)");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    if (c != null) {
      c.close();
    }
  }

  /** Supported constructs: SQL and the rows it returns, each row as its values joined by |. */
  static Stream<Arguments> supported() {
    return Stream.of(
        Arguments.of("full-key point read", "SELECT name FROM emp WHERE id = 2", "bob"),
        Arguments.of("filter on a non-key column",
            "SELECT id FROM emp WHERE salary > 95 ORDER BY id", "1;3"),
        Arguments.of("projection with expression",
            "SELECT id, salary * 2 AS double_pay FROM emp WHERE id = 1 OR id = 2 ORDER BY id",
            "1|200.00;2|161.00"),
        Arguments.of("AND / OR / NOT",
            "SELECT id FROM emp WHERE (dept = 1 OR dept = 2) AND NOT active ORDER BY id", "3"),
        Arguments.of("IS NULL / IS NOT NULL",
            "SELECT id FROM emp WHERE salary IS NULL OR dept IS NULL ORDER BY id", "4;5"),
        Arguments.of("IN list on a non-key column",
            "SELECT id FROM emp WHERE name IN ('ann', 'cy', 'zed') ORDER BY id", "1;3"),
        Arguments.of("BETWEEN", "SELECT id FROM emp WHERE salary BETWEEN 80 AND 100 ORDER BY id",
            "1;2;5"),
        Arguments.of("LIKE", "SELECT name FROM emp WHERE name LIKE '_e%' ORDER BY name", "dee"),
        Arguments.of("date comparison",
            "SELECT id FROM emp WHERE hired >= DATE '2021-01-01' ORDER BY id", "2;4"),
        Arguments.of("boolean column as condition",
            "SELECT id FROM emp WHERE active ORDER BY id", "1;2;4"),
        Arguments.of("ORDER BY DESC with NULLS LAST",
            "SELECT id FROM emp ORDER BY salary DESC NULLS LAST, id", "3;1;5;2;4"),
        Arguments.of("LIMIT / OFFSET",
            "SELECT id FROM emp ORDER BY id LIMIT 2 OFFSET 1", "2;3"),
        Arguments.of("FETCH FIRST", "SELECT id FROM emp ORDER BY id FETCH FIRST 1 ROWS ONLY", "1"),
        Arguments.of("COUNT(*) without WHERE", "SELECT COUNT(*) FROM emp", "5"),
        Arguments.of("GROUP BY with aggregates",
            "SELECT dept, COUNT(*), SUM(salary), MIN(name), MAX(salary) FROM emp"
                + " WHERE dept IS NOT NULL GROUP BY dept ORDER BY dept",
            "1|2|180.50|ann|100.00;2|2|120.00|cy|120.00"),
        Arguments.of("AVG and COUNT(column) skip NULLs",
            "SELECT COUNT(salary), AVG(salary) FROM emp WHERE dept = 2", "1|120.00"),
        Arguments.of("HAVING",
            "SELECT dept FROM emp GROUP BY dept HAVING COUNT(*) > 1 ORDER BY dept", "1;2"),
        Arguments.of("DISTINCT", "SELECT DISTINCT dept FROM emp WHERE dept IS NOT NULL"
            + " ORDER BY dept", "1;2"),
        Arguments.of("COUNT(DISTINCT)", "SELECT COUNT(DISTINCT dept) FROM emp", "2"),
        Arguments.of("inner JOIN",
            "SELECT e.name, d.title FROM emp e JOIN dept d ON e.dept = d.id ORDER BY e.id",
            "ann|eng;bob|eng;cy|ops;dee|ops"),
        Arguments.of("LEFT JOIN",
            "SELECT d.title, COUNT(e.id) FROM dept d LEFT JOIN emp e ON e.dept = d.id"
                + " GROUP BY d.title ORDER BY d.title", "empty|0;eng|2;ops|2"),
        Arguments.of("IN subquery",
            "SELECT name FROM emp WHERE dept IN (SELECT id FROM dept WHERE title = 'ops')"
                + " ORDER BY name", "cy;dee"),
        Arguments.of("EXISTS subquery",
            "SELECT title FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.id"
                + " AND e.salary > 110)", "ops"),
        Arguments.of("scalar subquery",
            "SELECT name FROM emp WHERE salary = (SELECT MAX(salary) FROM emp)", "cy"),
        Arguments.of("subquery in FROM",
            "SELECT t.d, t.n FROM (SELECT dept AS d, COUNT(*) AS n FROM emp GROUP BY dept) t"
                + " WHERE t.d = 1", "1|2"),
        Arguments.of("UNION", "SELECT id FROM dept UNION SELECT dept FROM emp WHERE dept = 2"
            + " ORDER BY 1", "1;2;3"),
        Arguments.of("UNION ALL", "SELECT id FROM dept WHERE id = 1 UNION ALL"
            + " SELECT dept FROM emp WHERE id = 1", "1;1"),
        Arguments.of("CASE and functions",
            "SELECT UPPER(name), CASE WHEN salary > 100 THEN 'high' ELSE 'low' END FROM emp"
                + " WHERE id = 3", "CY|high"),
        Arguments.of("WITH (common table expression)",
            "WITH rich AS (SELECT * FROM emp WHERE salary >= 100) SELECT COUNT(*) FROM rich",
            "2"),
        Arguments.of("SELECT of constants", "SELECT 1 + 1, 'x'", "2|x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("supported")
  void supportedConstructReturnsItsRows(String construct, String sql, String expected)
      throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertEquals(expected, rows(rs), construct + ": " + sql);
    }
  }

  /** Unsupported constructs: SQL and a word the 0A000 message must hold. */
  static Stream<Arguments> unsupported() {
    return Stream.of(
        Arguments.of("window function", "SELECT name, RANK() OVER (ORDER BY salary) FROM emp",
            "window functions"),
        Arguments.of("ROLLUP", "SELECT dept, COUNT(*) FROM emp GROUP BY ROLLUP(dept)", "ROLLUP"),
        Arguments.of("GROUPING SETS",
            "SELECT dept, COUNT(*) FROM emp GROUP BY GROUPING SETS ((dept), ())", "GROUPING SETS"),
        Arguments.of("TABLESAMPLE", "SELECT * FROM emp TABLESAMPLE BERNOULLI(50)", "TABLESAMPLE"),
        Arguments.of("SELECT FOR UPDATE", "SELECT * FROM emp WHERE id = 1 FOR UPDATE",
            "FOR UPDATE"),
        Arguments.of("transactions", "BEGIN", "BEGIN"),
        Arguments.of("INSERT ... SELECT", "INSERT INTO dept SELECT id, name FROM emp",
            "INSERT ... SELECT"),
        Arguments.of("UPDATE of a key column", "UPDATE emp SET id = 9 WHERE dept = 1",
            "key column"),
        Arguments.of("MERGE", "MERGE INTO dept d USING emp e ON d.id = e.id"
            + " WHEN MATCHED THEN UPDATE SET title = e.name", "MERGE"),
        Arguments.of("system table in a join",
            "SELECT * FROM emp JOIN meridian.regions r ON 1 = 1", "system tables"),
        Arguments.of("CREATE VIEW", "CREATE VIEW v AS SELECT * FROM emp", "CREATE VIEW"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsupported")
  void unsupportedConstructSays0A000(String construct, String sql, String named) {
    SQLException e = assertThrows(SQLException.class, () -> {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }, construct);
    assertEquals("0A000", e.getSQLState(), construct + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(named), construct + ": " + e.getMessage());
  }

  @Test
  void parametersBindIntoPushedFiltersAndResultMetadataIsRight() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT dept, COUNT(*) AS n, SUM(salary) AS total FROM emp WHERE salary > ?"
            + " AND name <> ? GROUP BY dept ORDER BY dept")) {
      assertEquals(2, ps.getParameterMetaData().getParameterCount());
      ps.setBigDecimal(1, new java.math.BigDecimal("85"));
      ps.setString(2, "cy");
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        assertEquals("DEPT", md.getColumnLabel(1));
        assertEquals("N", md.getColumnLabel(2));
        assertEquals(java.sql.Types.BIGINT, md.getColumnType(2));
        assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(2));
        assertEquals(java.sql.Types.DECIMAL, md.getColumnType(3));
        assertEquals("EMP", md.getTableName(1));
        assertEquals("1|1|100.00;null|1|90.00", rows(rs));
      }
    }
  }

  @Test
  void updateAndDeleteOnNonKeyPredicatesCountRows() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE counters (id BIGINT PRIMARY KEY, grp VARCHAR(5), n INTEGER,"
          + " note VARCHAR(10))");
      s.executeUpdate("INSERT INTO counters VALUES (1, 'a', 1, 'x'), (2, 'a', 2, 'x'),"
          + " (3, 'b', 3, 'x'), (4, 'b', 4, 'x')");
      assertEquals(2, s.executeUpdate("UPDATE counters SET n = n * 10, note = 'y'"
          + " WHERE grp = 'a'"));
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE counters SET note = ? WHERE n > ? AND grp = ?")) {
        ps.setString(1, "z");
        ps.setInt(2, 3);
        ps.setString(3, "b");
        assertEquals(1, ps.executeUpdate());
      }
      try (ResultSet rs = s.executeQuery("SELECT id, n, note FROM counters ORDER BY id")) {
        assertEquals("1|10|y;2|20|y;3|3|x;4|4|z", rows(rs));
      }
      assertEquals(0, s.executeUpdate("DELETE FROM counters WHERE grp = 'none'"));
      assertEquals(3, s.executeUpdate("DELETE FROM counters WHERE n < 15 OR note = 'x'"));
      try (ResultSet rs = s.executeQuery("SELECT id FROM counters")) {
        assertEquals("2", rows(rs));
      }
    }
  }

  @Test
  void maxRowsAndFetchSizeAreHonouredOverManyPages() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE many (id BIGINT PRIMARY KEY, v INTEGER)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO many VALUES (?, ?)")) {
        for (int i = 0; i < 3_000; i++) {
          ins.setLong(1, i);
          ins.setInt(2, i % 10);
          ins.addBatch();
        }
        ins.executeBatch();
      }
      s.setFetchSize(7);
      int seen = 0;
      try (ResultSet rs = s.executeQuery("SELECT id FROM many WHERE v = 3")) {
        while (rs.next()) {
          seen++;
        }
      }
      assertEquals(300, seen, "every matching row over pages of 7");
      s.setMaxRows(5);
      try (ResultSet rs = s.executeQuery("SELECT id FROM many")) {
        int n = 0;
        while (rs.next()) {
          n++;
        }
        assertEquals(5, n);
      }
      s.setMaxRows(0);
      try (ResultSet rs = s.executeQuery("SELECT id FROM many")) {
        assertTrue(rs.next());
        // Closing early stops the scan; the connection stays usable.
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM many")) {
        assertEquals("3000", rows(rs));
      }
    }
  }

  @Test
  void cancelStopsAStreamingScan() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE big (id BIGINT PRIMARY KEY)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO big VALUES (?)")) {
        for (int i = 0; i < 5_000; i++) {
          ins.setLong(1, i);
          ins.addBatch();
        }
        ins.executeBatch();
      }
      s.setFetchSize(10);
      try (ResultSet rs = s.executeQuery("SELECT id FROM big")) {
        assertTrue(rs.next());
        s.cancel();
        SQLException e = assertThrows(SQLException.class, () -> {
          while (rs.next()) {
            // drain until the cancellation lands
          }
        });
        assertEquals("57014", e.getSQLState(), e.getMessage());
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM big")) {
        assertEquals("5000", rows(rs), "the statement runs again after a cancel");
      }
    }
  }

  /**
   * The query timeout holds however fast the machine: the connection runs through a proxy that
   * stops forwarding after the first row, so the rest of the scan cannot arrive in time.
   */
  @Test
  void aQueryTimeoutStopsAStreamingScan() throws Exception {
    int total = 1_000;
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE slow (id BIGINT PRIMARY KEY)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO slow VALUES (?)")) {
        for (int i = 0; i < total; i++) {
          ins.setLong(1, i);
          ins.addBatch();
        }
        ins.executeBatch();
      }
    }
    InetSocketAddress peer = EmbeddedCluster.running(NAME).addresses().get("r1").get(0);
    try (TcpProxy proxy = TcpProxy.start("matrix-client", peer);
        Connection viaProxy = DriverManager.getConnection(
            "jdbc:meridian://r1=" + proxy.address() + "/?region=r1&networkTimeout=30000");
        Statement s = viaProxy.createStatement()) {
      // One row per page, so the scan needs the server for every further row.
      s.setFetchSize(1);
      s.setQueryTimeout(1);
      int read = 0;
      SQLException e = null;
      try (ResultSet rs = s.executeQuery("SELECT id FROM slow WHERE id >= 0")) {
        assertTrue(rs.next(), "the first row");
        read++;
        proxy.hold();
        while (rs.next()) {
          read++;
        }
      } catch (SQLException thrown) {
        e = thrown;
      } finally {
        proxy.release();
      }
      assertTrue(e != null, "all " + read + " rows were read though the server stopped answering");
      assertEquals("HYT00", e.getSQLState(), e.getMessage());
      // The network timeout (30 s) is only there so that a broken query timeout fails rather
      // than hangs; the statement's own timeout must be what ended it.
      assertTrue(e.getMessage().contains("query timeout of 1 s"), e.getMessage());
      assertTrue(read < total, "read " + read);
      s.setQueryTimeout(0);
      s.setFetchSize(0);
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM slow")) {
        assertEquals(String.valueOf(total), rows(rs), "the statement runs again after a timeout");
      }
    }
  }

  private static String rows(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        b.append(i == 1 ? "" : "|").append(rs.getString(i));
      }
      out.add(b.toString());
    }
    return String.join(";", out);
  }
}
