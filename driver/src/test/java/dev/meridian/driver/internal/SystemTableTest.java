package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.wire.Request;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queries of the MERIDIAN system tables through JDBC, with the real planner, over a
 * {@link FakePeer} that answers {@code ReadSystemTable} with canned rows.
 */
class SystemTableTest {
  private static final LocalDateTime APPLIED = LocalDateTime.of(2026, 1, 2, 3, 4, 5);

  Fixture f;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    f.peer.systemRows("REGIONS", List.of(
        new Object[] {"us-east-1", "local", "serving", 3, 42L, 1L, 9L, 0L},
        new Object[] {"eu-west-1", "remote", "streaming", 2, null, null, null, null},
        new Object[] {"ap-southeast-1", "remote", null, 1, null, null, null, null}));
    f.peer.systemRows("REPLICATION_LINKS", List.of(
        link("us-east-1", "eu-west-1", "sender", "streaming", 95.5, 5L, APPLIED),
        link("us-east-1", "ap-southeast-1", "sender", "streaming", 210.25, 12L, APPLIED),
        link("eu-west-1", "us-east-1", "receiver", "streaming", 90.0, null, APPLIED),
        link("ap-southeast-1", "us-east-1", "receiver", "connecting", 0.0, null, null)));
    Connector connector = new Connector(f::open, () -> null, SqlPlannerAdapter::new);
    c = connector.connect(Fixture.URL, null);
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  /** A REPLICATION_LINKS row: lags scale with p99, counters are small constants. */
  private static Object[] link(String from, String to, String measuredAt, String state,
      double p99, Long backlog, LocalDateTime lastApply) {
    return new Object[] {from, to, measuredAt, state, p99 / 2, p99, p99 * 1.5, 100L, backlog,
        1000L, lastApply, 2L, 0L, 0L, 0L, 0L, 77L, 0L};
  }

  private static List<String> column(ResultSet rs, int column) throws SQLException {
    List<String> out = new ArrayList<>();
    while (rs.next()) {
      out.add(rs.getString(column));
    }
    return out;
  }

  private List<String> regions(String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return column(rs, 1);
    }
  }

  @Test
  void selectStarReadsTheTableFromTheServingPeerInItsOrder() throws SQLException {
    f.peer.clearReceived();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM meridian.regions")) {
      assertTrue(rs.next());
      assertEquals("us-east-1", rs.getString("REGION"));
      assertEquals("local", rs.getString(2));
      assertEquals(3, rs.getInt("peers"));
      assertEquals(42L, rs.getLong("EPOCH"));
      assertTrue(rs.next());
      assertEquals("eu-west-1", rs.getString(1));
      assertEquals(0L, rs.getLong("EPOCH"));
      assertTrue(rs.wasNull());
      assertTrue(rs.next());
      assertNull(rs.getString("STATE"));
      assertFalse(rs.next());
      assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
    }
    assertEquals(List.of(new Request.ReadSystemTable("REGIONS")), f.peer.received().stream()
        .filter(r -> r instanceof Request.ReadSystemTable).toList());
  }

  @Test
  void metadataComesFromTheSystemTableSchema() throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT l.from_region AS src, state, lag_p99_ms, backlog, last_apply"
            + " FROM meridian.replication_links l")) {
      ResultSetMetaData md = rs.getMetaData();
      assertEquals(5, md.getColumnCount());
      assertEquals("SRC", md.getColumnLabel(1));
      assertEquals("FROM_REGION", md.getColumnName(1));
      assertEquals("REPLICATION_LINKS", md.getTableName(1));
      assertEquals("MERIDIAN", md.getSchemaName(1));
      assertEquals("", md.getCatalogName(1));
      assertEquals(Types.VARCHAR, md.getColumnType(1));
      assertEquals(256, md.getPrecision(1));
      assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(1));
      assertEquals(ResultSetMetaData.columnNullable, md.isNullable(2));
      assertEquals(Types.DOUBLE, md.getColumnType(3));
      assertEquals(Types.BIGINT, md.getColumnType(4));
      assertEquals(Types.TIMESTAMP, md.getColumnType(5));
      assertEquals("java.sql.Timestamp", md.getColumnClassName(5));
      for (int i = 1; i <= 5; i++) {
        assertTrue(md.isReadOnly(i), "system tables are read-only");
        assertFalse(md.isWritable(i));
      }
      assertTrue(rs.next());
      assertEquals(95.5, rs.getDouble(3));
      assertEquals(APPLIED, rs.getObject(5, LocalDateTime.class));
    }
  }

  @Test
  void whereOrderByAndLimitAreAppliedToThePeersRows() throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT to_region, lag_p99_ms AS p99 FROM meridian.replication_links"
            + " WHERE from_region = 'us-east-1' AND measured_at <> 'receiver'"
            + " ORDER BY p99 DESC LIMIT 1")) {
      assertTrue(rs.next());
      assertEquals("ap-southeast-1", rs.getString(1));
      assertEquals(210.25, rs.getDouble("P99"));
      assertFalse(rs.next());
    }
    assertEquals(List.of("eu-west-1", "us-east-1", "us-east-1"), regions(
        "SELECT to_region FROM meridian.replication_links WHERE lag_p99_ms < 200"
            + " ORDER BY to_region, from_region"));
    assertEquals(List.of("us-east-1"), regions("SELECT region FROM meridian.regions"
        + " WHERE 2 < peers"));
    assertEquals(List.of(), regions("SELECT region FROM meridian.regions LIMIT 0"));
  }

  @Test
  void comparisonsWithNullMatchNoRow() throws SQLException {
    assertEquals(List.of("us-east-1", "us-east-1"), regions("SELECT from_region"
        + " FROM meridian.replication_links WHERE backlog >= 0"));
    assertEquals(List.of(), regions("SELECT region FROM meridian.regions WHERE state = NULL"));
    assertEquals(List.of("us-east-1", "eu-west-1"), regions("SELECT region FROM"
        + " meridian.regions WHERE state <> 'nothing'"));
  }

  @Test
  void nullsSortHighUnlessToldOtherwise() throws SQLException {
    assertEquals(List.of("us-east-1", "ap-southeast-1", "eu-west-1"),
        regions("SELECT region FROM meridian.regions ORDER BY epoch, region"));
    assertEquals(List.of("ap-southeast-1", "eu-west-1", "us-east-1"),
        regions("SELECT region FROM meridian.regions ORDER BY epoch DESC, region"));
    assertEquals(List.of("ap-southeast-1", "us-east-1", "eu-west-1"),
        regions("SELECT region FROM meridian.regions ORDER BY state NULLS FIRST"));
    assertEquals(List.of("eu-west-1", "us-east-1", "ap-southeast-1"),
        regions("SELECT region FROM meridian.regions ORDER BY state DESC NULLS LAST"));
  }

  @Test
  void equalSortKeysKeepThePeersOrder() throws SQLException {
    assertEquals(List.of("us-east-1", "us-east-1", "eu-west-1", "ap-southeast-1"),
        regions("SELECT from_region FROM meridian.replication_links ORDER BY records"));
  }

  @Test
  void timestampComparison() throws SQLException {
    assertEquals(List.of("us-east-1", "us-east-1", "eu-west-1"), regions("SELECT from_region"
        + " FROM meridian.replication_links WHERE last_apply <= TIMESTAMP '2026-01-02 03:04:05'"));
    assertEquals(List.of(), regions("SELECT from_region FROM meridian.replication_links"
        + " WHERE last_apply > TIMESTAMP '2026-01-02 03:04:05'"));
  }

  @Test
  void preparedStatementBindsTheWhereParameters() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT region, peers FROM meridian.regions"
        + " WHERE role = ? AND peers >= ? ORDER BY region")) {
      ResultSetMetaData md = ps.getMetaData();
      assertEquals(2, md.getColumnCount());
      assertEquals("MERIDIAN", md.getSchemaName(2));
      assertEquals(Types.INTEGER, md.getColumnType(2));
      ParameterMetaData pmd = ps.getParameterMetaData();
      assertEquals(2, pmd.getParameterCount());
      assertEquals(Types.VARCHAR, pmd.getParameterType(1));
      assertEquals(Types.INTEGER, pmd.getParameterType(2));

      ps.setString(1, "remote");
      ps.setInt(2, 1);
      try (ResultSet rs = ps.executeQuery()) {
        assertEquals(List.of("ap-southeast-1", "eu-west-1"), column(rs, 1));
      }
      ps.setLong(2, 2);
      try (ResultSet rs = ps.executeQuery()) {
        assertEquals(List.of("eu-west-1"), column(rs, 1));
      }
      ps.setNull(1, Types.VARCHAR);
      try (ResultSet rs = ps.executeQuery()) {
        assertFalse(rs.next(), "role = NULL matches nothing");
      }
      ps.setString(1, "local");
      ps.setString(2, "many");
      SQLDataException bad = assertThrows(SQLDataException.class, ps::executeQuery);
      assertTrue(bad.getMessage().startsWith("parameter 2: "), bad.getMessage());
      ps.clearParameters();
      ps.setString(1, "local");
      SQLException unset = assertThrows(SQLException.class, ps::executeQuery);
      assertEquals("07001", unset.getSQLState());
      ps.setInt(2, 1);
      SQLFeatureNotSupportedException batch = assertThrows(
          SQLFeatureNotSupportedException.class, ps::addBatch);
      assertTrue(batch.getMessage().contains("batching a SELECT"), batch.getMessage());
    }
  }

  @Test
  void maxRowsAndLimitTheSmallerWins() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setMaxRows(2);
      try (ResultSet rs = s.executeQuery("SELECT region FROM meridian.regions")) {
        assertEquals(List.of("us-east-1", "eu-west-1"), column(rs, 1));
      }
      try (ResultSet rs = s.executeQuery("SELECT region FROM meridian.regions LIMIT 1")) {
        assertEquals(List.of("us-east-1"), column(rs, 1));
      }
      s.setMaxFieldSize(2);
      try (ResultSet rs = s.executeQuery("SELECT region FROM meridian.regions LIMIT 1")) {
        assertEquals(List.of("us"), column(rs, 1));
      }
    }
  }

  @Test
  void readOnlyConnectionsMayQueryThem() throws SQLException {
    c.setReadOnly(true);
    assertEquals(List.of("us-east-1"), regions("SELECT region FROM meridian.regions"
        + " WHERE role = 'local'"));
  }

  @Test
  void executeWithoutQueryAndExecuteUpdate() throws SQLException {
    try (Statement s = c.createStatement()) {
      assertTrue(s.execute("SELECT region FROM meridian.regions"));
      assertEquals(List.of("us-east-1", "eu-west-1", "ap-southeast-1"),
          column(s.getResultSet(), 1));
      SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
          () -> s.executeUpdate("SELECT region FROM meridian.regions"));
      assertTrue(e.getMessage().contains("executeUpdate cannot run a SELECT"), e.getMessage());
    }
  }

  @Test
  void writesAndUnsupportedQueriesFailWithStateAndPosition() throws SQLException {
    try (Statement s = c.createStatement()) {
      SQLFeatureNotSupportedException write = assertThrows(SQLFeatureNotSupportedException.class,
          () -> s.executeUpdate("DELETE FROM meridian.regions WHERE region = 'x'"));
      assertEquals("0A000", write.getSQLState());
      assertTrue(write.getMessage().contains("system table MERIDIAN.REGIONS is read-only:"
          + " DELETE is not supported on it (at line 1, column 13)"), write.getMessage());
      SQLFeatureNotSupportedException join = assertThrows(SQLFeatureNotSupportedException.class,
          () -> s.executeQuery("SELECT * FROM meridian.regions r JOIN meridian.replication_links"
              + " l ON r.region = l.from_region"));
      assertTrue(join.getMessage().contains("JOIN is not supported on system tables"),
          join.getMessage());
      SQLSyntaxErrorException unknown = assertThrows(SQLSyntaxErrorException.class,
          () -> s.executeQuery("SELECT * FROM meridian.peers"));
      assertEquals("42P01", unknown.getSQLState());
      assertTrue(unknown.getMessage().contains("system table MERIDIAN.PEERS does not exist; the"
          + " system tables are MERIDIAN.CAPACITY, MERIDIAN.CONFLICTS, MERIDIAN.REGIONS,"
          + " MERIDIAN.REPLICATION_LINKS, MERIDIAN.SECURITY, MERIDIAN.TABLES,"
          + " MERIDIAN.TABLE_PRIVILEGES, MERIDIAN.USERS (at line 1,"
          + " column 15)"), unknown.getMessage());
    }
  }

  @Test
  void aPeerErrorIsReportedOnceWithoutReloadingTheCatalog() throws SQLException {
    Fixture g = new Fixture(); // its peer serves no system table at all
    Connector connector = new Connector(g::open, () -> null, SqlPlannerAdapter::new);
    try (Connection d = connector.connect(Fixture.URL, null); Statement s = d.createStatement()) {
      s.executeQuery("SELECT 1").close();
      g.peer.clearReceived();
      SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
          () -> s.executeQuery("SELECT * FROM meridian.regions"));
      assertEquals("42P01", e.getSQLState());
      assertEquals(1, g.peer.count(Request.ReadSystemTable.class));
      assertEquals(0, g.peer.count(Request.GetCatalog.class));
    }
  }

  @Test
  void rowsOfTheWrongShapeAreAProtocolViolation() throws SQLException {
    f.peer.systemRows("REGIONS", List.<Object[]>of(new Object[] {"us-east-1", "local"}));
    SQLNonTransientConnectionException e = assertThrows(
        SQLNonTransientConnectionException.class,
        () -> regions("SELECT * FROM meridian.regions"));
    assertEquals("08P01", e.getSQLState());
    assertTrue(e.getMessage().contains("row of 2 columns for system table MERIDIAN.REGIONS,"
        + " which has 8"), e.getMessage());
    f.peer.systemRows("REGIONS", List.<Object[]>of(
        new Object[] {"us-east-1", "local", "serving", "three", 1L, 1L, 1L, 1L}));
    e = assertThrows(SQLNonTransientConnectionException.class,
        () -> regions("SELECT * FROM meridian.regions"));
    assertTrue(e.getMessage().contains("column PEERS of system table MERIDIAN.REGIONS"),
        e.getMessage());
  }

  @Test
  void valuesOfAnotherJavaTypeAreCoercedToTheColumnType() throws SQLException {
    f.peer.systemRows("REGIONS", List.of(
        new Object[] {"us-east-1", "local", "serving", 3L, 42, 1, 5, 6},
        new Object[] {"eu-west-1", "remote", "serving", (short) 2, 7L, 0L, null, null}));
    assertEquals(List.of("eu-west-1", "us-east-1"),
        regions("SELECT region FROM meridian.regions WHERE peers > 1 ORDER BY epoch"));
  }

  // ---- DatabaseMetaData ----

  @Test
  void getTablesListsTheSystemTablesInSchemaMeridian() throws SQLException {
    c.createStatement().executeUpdate("CREATE TABLE kv (k BIGINT PRIMARY KEY, v VARCHAR(10))");
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getTables(null, "MERIDIAN", "%", null)) {
      assertTrue(rs.next());
      assertNull(rs.getString("TABLE_CAT"));
      assertEquals("MERIDIAN", rs.getString("TABLE_SCHEM"));
      assertEquals("CAPACITY", rs.getString("TABLE_NAME"));
      assertEquals("SYSTEM TABLE", rs.getString("TABLE_TYPE"));
      assertTrue(rs.next());
      assertEquals("CONFLICTS", rs.getString("TABLE_NAME"));
      assertTrue(rs.next());
      assertEquals("REGIONS", rs.getString("TABLE_NAME"));
      assertEquals("SYSTEM TABLE", rs.getString("TABLE_TYPE"));
      assertTrue(rs.next());
      assertEquals("REPLICATION_LINKS", rs.getString("TABLE_NAME"));
      assertTrue(rs.next());
      assertEquals("SECURITY", rs.getString("TABLE_NAME"));
      assertTrue(rs.next());
      assertEquals("TABLES", rs.getString("TABLE_NAME"));
      assertTrue(rs.next());
      assertEquals("TABLE_PRIVILEGES", rs.getString("TABLE_NAME"));
      assertTrue(rs.next());
      assertEquals("USERS", rs.getString("TABLE_NAME"));
      assertFalse(rs.next());
    }
    try (ResultSet rs = md.getTables(null, null, "%", null)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString("TABLE_TYPE") + " " + rs.getString("TABLE_SCHEM") + "."
            + rs.getString("TABLE_NAME"));
      }
      assertEquals(List.of("SYSTEM TABLE MERIDIAN.CAPACITY",
          "SYSTEM TABLE MERIDIAN.CONFLICTS", "SYSTEM TABLE MERIDIAN.REGIONS",
          "SYSTEM TABLE MERIDIAN.REPLICATION_LINKS", "SYSTEM TABLE MERIDIAN.SECURITY",
          "SYSTEM TABLE MERIDIAN.TABLES", "SYSTEM TABLE MERIDIAN.TABLE_PRIVILEGES",
          "SYSTEM TABLE MERIDIAN.USERS", "TABLE null.KV"), rows,
          "ordered by TABLE_TYPE, then schema and name");
    }
    assertEquals(List.of("KV"), column(md.getTables(null, "", "%", null), 3));
    assertEquals(List.of("CAPACITY", "CONFLICTS", "REGIONS", "REPLICATION_LINKS", "SECURITY",
        "TABLES", "TABLE_PRIVILEGES", "USERS"),
        column(md.getTables(null, "%", "%", new String[] {"SYSTEM TABLE"}), 3));
    assertEquals(List.of(), column(md.getTables(null, "MERIDIAN", "%",
        new String[] {"TABLE"}), 3));
    assertEquals(List.of("REPLICATION_LINKS"),
        column(md.getTables(null, "MER%", "REPLICATION\\_%", null), 3));
    assertEquals(List.of(), column(md.getTables("x", "MERIDIAN", "%", null), 3));
  }

  @Test
  void getColumnsAndKeysKnowSchemaMeridian() throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getColumns(null, "MERIDIAN", "REGIONS", "%")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        assertEquals("MERIDIAN", rs.getString("TABLE_SCHEM"));
        names.add(rs.getString("COLUMN_NAME"));
        if (names.size() == 1) {
          assertEquals(Types.VARCHAR, rs.getInt("DATA_TYPE"));
          assertEquals(256, rs.getInt("COLUMN_SIZE"));
          assertEquals(DatabaseMetaData.columnNoNulls, rs.getInt("NULLABLE"));
          assertEquals("NO", rs.getString("IS_NULLABLE"));
        }
        if (names.size() == 4) {
          assertEquals(Types.INTEGER, rs.getInt("DATA_TYPE"));
          assertEquals(DatabaseMetaData.columnNullable, rs.getInt("NULLABLE"));
        }
      }
      assertEquals(List.of("REGION", "ROLE", "STATE", "PEERS", "EPOCH", "CLOCK_SKEW_EVENTS",
          "SHIPPED_THROUGH_MS", "TOMBSTONES_PURGED"), names);
    }
    try (ResultSet rs = md.getColumns(null, null, "REPLICATION_LINKS", "LA%")) {
      List<String> types = new ArrayList<>();
      while (rs.next()) {
        types.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
      }
      assertEquals(List.of("LAG_P50_MS:DOUBLE", "LAG_P99_MS:DOUBLE", "LAG_MAX_MS:DOUBLE",
          "LAG_SAMPLES:BIGINT", "LAST_APPLY:TIMESTAMP"), types);
    }
    assertEquals(List.of("FROM_REGION", "TO_REGION"),
        column(md.getPrimaryKeys(null, "MERIDIAN", "REPLICATION_LINKS"), 4));
  }

  @Test
  void getSchemasKnowsMeridian() throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getSchemas()) {
      assertTrue(rs.next());
      assertEquals("MERIDIAN", rs.getString("TABLE_SCHEM"));
      assertNull(rs.getString("TABLE_CATALOG"));
      assertFalse(rs.next());
    }
    assertEquals(List.of("MERIDIAN"), column(md.getSchemas(null, "MER%"), 1));
    assertEquals(List.of(), column(md.getSchemas(null, "PUBLIC"), 1));
    assertEquals(List.of(), column(md.getSchemas("nocatalog", null), 1));
    assertTrue(md.supportsSchemasInDataManipulation());
  }

  // ---- the evaluator on its own ----

  @Test
  void compareTreatsSignedZerosAsEqualAndBytesAsUnsigned() {
    assertEquals(0, SystemTableQuery.compare(-0.0, 0.0));
    assertTrue(SystemTableQuery.compare(1.0, Double.NaN) < 0);
    assertTrue(SystemTableQuery.compare(new byte[] {1}, new byte[] {(byte) 0xFF}) < 0);
    assertArrayEquals(new int[] {-1, 0, 1}, new int[] {
        Integer.signum(SystemTableQuery.compare("a", "b")),
        SystemTableQuery.compare(LocalDateTime.MIN, LocalDateTime.MIN),
        Integer.signum(SystemTableQuery.compare(3L, 2L))});
  }
}
