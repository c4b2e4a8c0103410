package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DatabaseMetaData, one test per group of answers, each checked against what the driver and the
 * real SQL planner do (over a {@link FakePeer}).
 */
class DatabaseMetaDataTest {
  Fixture f;
  Connection c;
  DatabaseMetaData md;
  Statement s;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    c = new Connector(f::open, () -> null, SqlPlannerAdapter::new).connect(Fixture.URL, null);
    md = c.getMetaData();
    s = c.createStatement();
    s.executeUpdate("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(40) NOT NULL,"
        + " total DECIMAL(12,2), placed TIMESTAMP, note CHAR(3), paid BOOLEAN)");
    s.executeUpdate("CREATE TABLE order_lines (order_id BIGINT, line INTEGER, sku VARCHAR(10),"
        + " PRIMARY KEY (order_id, line))");
    s.executeUpdate("CREATE TABLE \"Quoted\" (\"id\" BIGINT PRIMARY KEY)");
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  private static List<List<Object>> rows(ResultSet rs, String... columns) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    while (rs.next()) {
      List<Object> row = new ArrayList<>();
      for (String column : columns) {
        row.add(rs.getObject(column));
      }
      out.add(row);
    }
    return out;
  }

  private static List<Object> column(ResultSet rs, String column) throws SQLException {
    List<Object> out = new ArrayList<>();
    for (List<Object> r : rows(rs, column)) {
      out.add(r.get(0));
    }
    return out;
  }

  @Test
  void identifierCaseAndQuotingFollowTheParser() throws SQLException {
    assertTrue(md.storesUpperCaseIdentifiers());
    assertFalse(md.storesLowerCaseIdentifiers() || md.storesMixedCaseIdentifiers()
        || md.supportsMixedCaseIdentifiers());
    assertTrue(md.supportsMixedCaseQuotedIdentifiers());
    assertFalse(md.storesUpperCaseQuotedIdentifiers() || md.storesLowerCaseQuotedIdentifiers()
        || md.storesMixedCaseQuotedIdentifiers());
    assertEquals("\"", md.getIdentifierQuoteString());
    // Unquoted names were stored upper-cased, quoted ones exactly.
    assertEquals(List.of("ORDERS", "ORDER_LINES", "Quoted"),
        column(md.getTables(null, null, "%", new String[] {"TABLE"}), "TABLE_NAME"));
    assertEquals(List.of("id"), column(md.getColumns(null, null, "Quoted", "%"), "COLUMN_NAME"));
    // So unquoted SQL finds ORDERS by any spelling, and "Quoted" only quoted.
    s.executeUpdate("UPSERT INTO Orders (Id, Customer) VALUES (1, 'ann')");
    assertEquals("42P01", assertThrows(SQLException.class,
        () -> s.executeQuery("SELECT * FROM Quoted WHERE \"id\" = 1")).getSQLState());
    assertFalse(s.executeQuery("SELECT * FROM \"Quoted\" WHERE \"id\" = 1").next());
    assertEquals("\\", md.getSearchStringEscape());
    assertEquals("", md.getExtraNameCharacters());
    assertTrue(md.getSQLKeywords().contains("UPSERT"));
  }

  @Test
  void getTablesFiltersByPatternEscapeAndType() throws SQLException {
    // '_' is a wildcard unless escaped with getSearchStringEscape.
    assertEquals(List.of("ORDERS", "ORDER_LINES"),
        column(md.getTables(null, null, "ORDER_%", null), "TABLE_NAME"));
    assertEquals(List.of("ORDER_LINES"),
        column(md.getTables(null, null, "ORDER\\_%", null), "TABLE_NAME"));
    assertEquals(List.of(), column(md.getTables(null, null, "orders", null), "TABLE_NAME"),
        "patterns match stored names exactly");
    assertEquals(List.of("ORDERS"), column(md.getTables(null, "", "ORDERS", new String[] {
        "VIEW", null, "TABLE"}), "TABLE_NAME"), "unknown and null types are ignored");
    assertEquals(List.of(), column(md.getTables(null, null, "%", new String[] {"VIEW"}),
        "TABLE_NAME"));
    List<Object> system = column(md.getTables(null, null, "%", new String[] {"SYSTEM TABLE"}),
        "TABLE_SCHEM");
    assertFalse(system.isEmpty());
    assertTrue(system.stream().allMatch("MERIDIAN"::equals), system.toString());
    assertEquals(List.of(), column(md.getTables("any", null, "%", null), "TABLE_NAME"),
        "no catalogs");
    ResultSet all = md.getTables(null, null, null, null);
    assertEquals(10, all.getMetaData().getColumnCount());
    List<List<Object>> listed = rows(all, "TABLE_TYPE", "TABLE_SCHEM", "TABLE_NAME");
    assertEquals("SYSTEM TABLE", listed.get(0).get(0), "ordered by TABLE_TYPE first");
  }

  @Test
  void getColumnsAnswersEveryJdbcColumn() throws SQLException {
    ResultSet rs = md.getColumns(null, null, "ORDERS", null);
    ResultSetMetaData shape = rs.getMetaData();
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= shape.getColumnCount(); i++) {
      names.add(shape.getColumnName(i));
    }
    assertEquals(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE",
        "TYPE_NAME", "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX",
        "NULLABLE", "REMARKS", "COLUMN_DEF", "SQL_DATA_TYPE", "SQL_DATETIME_SUB",
        "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE", "SCOPE_CATALOG", "SCOPE_SCHEMA",
        "SCOPE_TABLE", "SOURCE_DATA_TYPE", "IS_AUTOINCREMENT", "IS_GENERATEDCOLUMN"), names);
    Map<Object, List<Object>> byName = new LinkedHashMap<>();
    for (List<Object> r : rows(rs, "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE",
        "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION",
        "IS_NULLABLE", "IS_AUTOINCREMENT", "TABLE_SCHEM")) {
      byName.put(r.get(0), r.subList(1, r.size()));
    }
    int nullable = DatabaseMetaData.columnNullable;
    int noNulls = DatabaseMetaData.columnNoNulls;
    assertEquals(Arrays.asList(Types.BIGINT, "BIGINT", 19, 0, 10, noNulls, null, 1, "NO", "NO", null),
        byName.get("ID"));
    assertEquals(Arrays.asList(Types.VARCHAR, "VARCHAR", 40, null, null, noNulls, 160, 2, "NO", "NO",
        null), byName.get("CUSTOMER"));
    assertEquals(Arrays.asList(Types.DECIMAL, "DECIMAL", 12, 2, 10, nullable, null, 3, "YES", "NO",
        null), byName.get("TOTAL"));
    assertEquals(Arrays.asList(Types.TIMESTAMP, "TIMESTAMP", 29, 9, null, nullable, null, 4, "YES",
        "NO", null), byName.get("PLACED"), "DECIMAL_DIGITS of a timestamp: fractional digits");
    assertEquals(Arrays.asList(Types.CHAR, "CHAR", 3, null, null, nullable, 12, 5, "YES", "NO", null),
        byName.get("NOTE"));
    assertEquals(Arrays.asList(Types.BOOLEAN, "BOOLEAN", 1, null, null, nullable, null, 6, "YES", "NO",
        null), byName.get("PAID"));
    assertEquals(List.of("SKU"), column(md.getColumns(null, null, "ORDER\\_LINES", "S%"),
        "COLUMN_NAME"));
  }

  @Test
  void keysIndexesAndRowIdentifiersAreThePrimaryKey() throws SQLException {
    assertEquals(List.of(List.of("LINE", 2, "PRIMARY"), List.of("ORDER_ID", 1, "PRIMARY")), rows(md.getPrimaryKeys(null, null, "ORDER_LINES"), "COLUMN_NAME", "KEY_SEQ",
        "PK_NAME"), "ordered by COLUMN_NAME");
    assertEquals(List.of(List.of(false, "PRIMARY", 1, "ORDER_ID"),
        List.of(false, "PRIMARY", 2, "LINE")), rows(md.getIndexInfo(null, null,
        "ORDER_LINES", true, false), "NON_UNIQUE", "INDEX_NAME", "ORDINAL_POSITION",
        "COLUMN_NAME"));
    assertEquals(List.of(List.of(DatabaseMetaData.bestRowSession, "ID", Types.BIGINT,
        DatabaseMetaData.bestRowNotPseudo)), rows(md.getBestRowIdentifier(null, null,
        "ORDERS", DatabaseMetaData.bestRowSession, true), "SCOPE", "COLUMN_NAME", "DATA_TYPE",
        "PSEUDO_COLUMN"));
    assertFalse(md.getPrimaryKeys(null, null, "orders").next(), "names are exact, not patterns");
    assertFalse(md.getImportedKeys(null, null, "ORDERS").next(), "no foreign keys");
    assertFalse(md.getExportedKeys(null, null, "ORDERS").next());
  }

  @Test
  void typeInfoListsEveryTypeTheParserAccepts() throws SQLException {
    List<List<Object>> types = rows(md.getTypeInfo(), "TYPE_NAME", "DATA_TYPE", "PRECISION",
        "CREATE_PARAMS", "LITERAL_PREFIX", "NULLABLE", "AUTO_INCREMENT");
    assertEquals(14, types.size());
    int last = Integer.MIN_VALUE;
    for (List<Object> t : types) {
      assertTrue((int) t.get(1) >= last, "ordered by DATA_TYPE");
      last = (int) t.get(1);
      assertEquals(DatabaseMetaData.typeNullable, t.get(5));
      assertEquals(false, t.get(6), "no identity columns");
      String name = (String) t.get(0);
      String spelled = t.get(3) == null ? name
          : t.get(3).equals("length") ? name + "(5)" : name + "(6,2)";
      // Each type name, with its create params, is a column type CREATE TABLE accepts.
      s.executeUpdate("CREATE TABLE t_" + name + " (k BIGINT PRIMARY KEY, v " + spelled + ")");
    }
    assertTrue(types.contains(List.of("VARCHAR", Types.VARCHAR, 1 << 20, "length", "'",
        DatabaseMetaData.typeNullable, false)), types.toString());
  }

  @Test
  void schemasCatalogsAndTableTypes() throws SQLException {
    assertEquals(List.of(List.of("MERIDIAN")), rows(md.getSchemas(), "TABLE_SCHEM"));
    assertEquals(List.of(), rows(md.getSchemas(null, "PUB%"), "TABLE_SCHEM"));
    assertEquals(List.of(), rows(md.getCatalogs(), "TABLE_CAT"));
    assertEquals(List.of("SYSTEM TABLE", "TABLE"), column(md.getTableTypes(), "TABLE_TYPE"));
    assertNull(c.getCatalog());
    assertNull(c.getSchema());
    assertEquals("", md.getCatalogSeparator());
    assertTrue(md.supportsSchemasInDataManipulation(), "SELECT ... FROM MERIDIAN.REGIONS");
    assertFalse(md.supportsCatalogsInDataManipulation());
  }

  @Test
  void supportsAnswersMatchWhatTheDriverDoes() throws SQLException {
    s.executeUpdate("UPSERT INTO orders (id, customer) VALUES (7, 'cy')");
    // Table correlation names (Hibernate's "from book b1_0"), column aliases.
    assertTrue(md.supportsTableCorrelationNames());
    ResultSet rs = s.executeQuery("SELECT o.customer AS who FROM orders o WHERE o.id = 7");
    assertTrue(rs.next());
    assertEquals("cy", rs.getString("WHO"));
    assertTrue(md.supportsColumnAliasing());
    // Not yet: joins, grouping, ORDER BY, subqueries, unions, LIKE (all 0A000).
    assertFalse(md.supportsGroupBy() || md.supportsOuterJoins() || md.supportsUnion()
        || md.supportsSubqueriesInIns() || md.supportsExpressionsInOrderBy()
        || md.supportsLikeEscapeClause());
    for (String sql : new String[] {"SELECT customer FROM orders GROUP BY customer",
        "SELECT * FROM orders WHERE id = 7 UNION SELECT * FROM orders WHERE id = 8",
        "SELECT * FROM orders WHERE id IN (SELECT id FROM orders WHERE id = 7)",
        "SELECT * FROM orders o JOIN order_lines l ON o.id = l.order_id WHERE o.id = 7"}) {
      assertEquals("0A000", assertThrows(SQLException.class, () -> s.executeQuery(sql))
          .getSQLState(), sql);
    }
    assertEquals(1, md.getMaxTablesInSelect());
    // Results: forward-only, read-only, fully read; batches; no generated keys.
    assertTrue(md.supportsResultSetType(ResultSet.TYPE_FORWARD_ONLY));
    assertFalse(md.supportsResultSetType(ResultSet.TYPE_SCROLL_INSENSITIVE));
    assertFalse(md.supportsResultSetConcurrency(ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_UPDATABLE));
    assertTrue(md.supportsBatchUpdates());
    assertFalse(md.supportsGetGeneratedKeys());
    assertFalse(md.supportsStoredProcedures());
    assertFalse(md.supportsMultipleResultSets());
    assertFalse(md.supportsSelectForUpdate());
    // Transactions: buffered until commit, so cursors and statements outlive it.
    assertTrue(md.supportsTransactions());
    assertTrue(md.supportsOpenStatementsAcrossCommit());
    c.setAutoCommit(false);
    ResultSet open = s.executeQuery("SELECT customer FROM orders WHERE id = 7");
    s.getConnection().commit();
    assertTrue(open.next(), "a result set stays open across commit");
  }

  @Test
  void proceduresFunctionsAndTypesAreEmptyNotErrors() throws SQLException {
    assertFalse(md.getProcedures(null, null, "%").next());
    assertFalse(md.getFunctions(null, null, "%").next());
    assertFalse(md.getUDTs(null, null, "%", null).next());
    assertEquals(List.of("ApplicationName"), column(md.getClientInfoProperties(), "NAME"));
  }

  @Test
  void tablePrivilegesComeFromTheServingRegionForTheMatchedTablesOnly() throws SQLException {
    f.peer.systemRows("TABLE_PRIVILEGES", List.of(
        new Object[] {"READER", "ORDERS", "SELECT", "NO"},
        new Object[] {"ADMIN", "ORDERS", "SELECT", "YES"},
        new Object[] {"ADMIN", "ORDERS", "DELETE", "YES"},
        new Object[] {"READER", "ORDER_LINES", "SELECT", "NO"},
        new Object[] {"READER", "GONE", "SELECT", "NO"}));
    assertEquals(List.of(
            List.of("ORDERS", "ADMIN", "DELETE", "YES"),
            List.of("ORDERS", "ADMIN", "SELECT", "YES"),
            List.of("ORDERS", "READER", "SELECT", "NO")),
        rows(md.getTablePrivileges(null, null, "ORDERS"), "TABLE_NAME", "GRANTEE", "PRIVILEGE",
            "IS_GRANTABLE"), "ordered by table, privilege, grantee; other tables left out");
    assertEquals(List.of(List.of("ORDERS"), List.of("ORDERS"), List.of("ORDERS"),
            List.of("ORDER_LINES")),
        rows(md.getTablePrivileges(null, null, "ORDER%"), "TABLE_NAME"),
        "a pattern; a table not in the catalog is left out");
    assertEquals(List.of(), rows(md.getTablePrivileges(null, "MERIDIAN", "%"), "TABLE_NAME"),
        "system tables are not listed");
    try (ResultSet rs = md.getTablePrivileges(null, null, "ORDERS")) {
      assertTrue(rs.next());
      assertNull(rs.getString("GRANTOR"));
      assertNull(rs.getString("TABLE_SCHEM"));
    }
  }
}
