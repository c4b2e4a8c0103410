package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;
import static dev.meridian.sql.api.PlanAssertions.lit;
import static dev.meridian.sql.api.PlanAssertions.param;
import static dev.meridian.sql.api.TestCatalog.BIGINT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.sql.api.Plan.Comparison;
import dev.meridian.sql.api.Plan.Comparison.Op;
import dev.meridian.sql.api.Plan.SortKey;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SELECTs of the system tables in schema MERIDIAN, and everything refused on them. */
class SystemQueryPlanTest {
  private static final TableSchema REGIONS = SystemTables.REGIONS;
  private static final TableSchema LINKS = SystemTables.REPLICATION_LINKS;
  private static final ColumnType VARCHAR = REGIONS.column(0).type();

  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private Plan.SystemQuery query(String sql) {
    return assertInstanceOf(Plan.SystemQuery.class, planner.plan(sql, catalog));
  }

  private static int column(TableSchema table, String name) {
    int c = table.columnIndex(name);
    if (c < 0) {
      throw new IllegalArgumentException(name);
    }
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT * FROM meridian.regions",
      "select * from MERIDIAN.REGIONS",
      "SELECT * FROM \"MERIDIAN\".\"REGIONS\"",
      "SELECT * FROM Meridian.Regions;",
  })
  void starOfEveryColumnWhateverTheCaseOfUnquotedNames(String sql) {
    Plan.SystemQuery plan = query(sql);
    assertSame(REGIONS, plan.table());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, plan.projection());
    assertEquals(List.of("REGION", "ROLE", "STATE", "PEERS", "EPOCH", "CLOCK_SKEW_EVENTS",
        "SHIPPED_THROUGH_MS", "TOMBSTONES_PURGED"), plan.labels());
    assertEquals(List.of(), plan.filter());
    assertEquals(List.of(), plan.order());
    assertEquals(-1, plan.limit());
    assertEquals(List.of(), plan.parameterTypes());
  }

  @Test
  void columnsWithAliasesAndQualifiers() {
    Plan.SystemQuery plan = query("SELECT l.from_region AS src, to_region, l.*, l.state"
        + " FROM meridian.replication_links l");
    assertSame(LINKS, plan.table());
    int state = column(LINKS, "STATE");
    assertEquals(2 + LINKS.columnCount() + 1, plan.projection().length);
    assertEquals(0, plan.projection()[0]);
    assertEquals(1, plan.projection()[1]);
    assertEquals(state, plan.projection()[plan.projection().length - 1]);
    assertEquals("SRC", plan.labels().get(0));
    assertEquals("TO_REGION", plan.labels().get(1));
    assertEquals("FROM_REGION", plan.labels().get(2));
  }

  @Test
  void qualifiedWithoutAlias() {
    Plan.SystemQuery plan = query("SELECT regions.region, meridian.regions.peers"
        + " FROM meridian.regions");
    assertArrayEquals(new int[] {0, 3}, plan.projection());
  }

  @Test
  void whereComparisonsJoinedByAndWithLiteralsAndParameters() {
    Plan.SystemQuery plan = query("SELECT to_region FROM meridian.replication_links"
        + " WHERE from_region = 'us-east-1' AND lag_p99_ms >= ? AND 100 > backlog"
        + " AND (state <> ? AND last_apply < TIMESTAMP '2030-01-02 03:04:05')");
    ColumnType dbl = ColumnType.of(TypeKind.DOUBLE);
    assertEquals(List.of(
        new Comparison(0, Op.EQ, lit("us-east-1")),
        new Comparison(column(LINKS, "LAG_P99_MS"), Op.GE, param(0, dbl)),
        new Comparison(column(LINKS, "BACKLOG"), Op.LT, lit(100L)),
        new Comparison(column(LINKS, "STATE"), Op.NE, param(1, VARCHAR)),
        new Comparison(column(LINKS, "LAST_APPLY"), Op.LT,
            lit(LocalDateTime.of(2030, 1, 2, 3, 4, 5)))), plan.filter());
    assertEquals(List.of(dbl, VARCHAR), plan.parameterTypes());
  }

  @Test
  void everyComparisonOperatorAndItsFlip() {
    String[] ops = {"=", "<>", "<", "<=", ">", ">="};
    Op[] expected = {Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE};
    Op[] flipped = {Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE};
    for (int i = 0; i < ops.length; i++) {
      assertEquals(List.of(new Comparison(3, expected[i], lit(2))),
          query("SELECT * FROM meridian.regions WHERE peers " + ops[i] + " 2").filter());
      assertEquals(List.of(new Comparison(3, flipped[i], lit(2))),
          query("SELECT * FROM meridian.regions WHERE 2 " + ops[i] + " peers").filter());
    }
  }

  @Test
  void nullLiteralIsKeptAndMatchesNothingAtExecution() {
    assertEquals(List.of(new Comparison(2, Op.EQ, lit(null))),
        query("SELECT * FROM meridian.regions WHERE state = NULL").filter());
  }

  @Test
  void orderByColumnsLabelsAndPositionsWithDirectionAndNulls() {
    Plan.SystemQuery plan = query("SELECT region AS r, peers FROM meridian.regions"
        + " ORDER BY role, r DESC, 2 ASC, epoch NULLS FIRST, state DESC NULLS LAST");
    assertEquals(List.of(new SortKey(1, false, false), new SortKey(0, true, true),
        new SortKey(3, false, false), new SortKey(4, false, true), new SortKey(2, true, false)),
        plan.order());
    assertEquals(-1, plan.limit());
  }

  @Test
  void whereOrderByAndLimitTogether() {
    Plan.SystemQuery plan = query("SELECT to_region, lag_p99_ms FROM meridian.replication_links"
        + " WHERE from_region = ? ORDER BY lag_p99_ms DESC LIMIT 3");
    assertEquals(List.of(new Comparison(0, Op.EQ, param(0, VARCHAR))), plan.filter());
    assertEquals(List.of(new SortKey(column(LINKS, "LAG_P99_MS"), true, true)), plan.order());
    assertEquals(3, plan.limit());
    assertEquals(List.of(VARCHAR), plan.parameterTypes());
  }

  @Test
  void limitWithoutOrderAndFetchFirst() {
    assertEquals(0, query("SELECT * FROM meridian.regions LIMIT 0").limit());
    assertEquals(2, query("SELECT * FROM meridian.regions FETCH FIRST 2 ROWS ONLY").limit());
  }

  @Test
  void plansAreCachedLikeAnyOther() {
    String sql = "SELECT region FROM meridian.regions WHERE peers > ?";
    assertSame(planner.plan(sql, catalog), planner.plan(sql, catalog));
  }

  @Test
  void aUserTableNamedLikeASystemTableIsNotShadowed() {
    catalog.put(new TableSchema(9, "REGIONS", List.of(
        new dev.meridian.protocol.types.ColumnDef("ID", BIGINT, false)), List.of(0),
        dev.meridian.protocol.types.ConflictResolution.CELL));
    assertInstanceOf(Plan.PointSelect.class,
        planner.plan("SELECT * FROM regions WHERE id = 1", catalog));
    assertSame(REGIONS, query("SELECT * FROM meridian.regions").table());
  }

  // ---- unknown names ----

  @Test
  void unknownSystemTableListsTheOnesThatExist() {
    String sql = "SELECT * FROM meridian.nodes";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "meridian"),
        "system table MERIDIAN.NODES does not exist",
        "MERIDIAN.CONFLICTS, MERIDIAN.REGIONS, MERIDIAN.REPLICATION_LINKS, MERIDIAN.SECURITY,"
            + " MERIDIAN.TABLES, MERIDIAN.TABLE_PRIVILEGES, MERIDIAN.USERS");
    sql = "SELECT * FROM meridian.\"regions\"";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "meridian"),
        "MERIDIAN.regions does not exist");
  }

  @Test
  void quotedLowerCaseSchemaIsAnotherSchema() {
    String sql = "SELECT * FROM \"meridian\".regions";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "\"meridian\""),
        "meridian.REGIONS does not exist", "schema MERIDIAN holds the system tables");
  }

  @Test
  void unknownColumns() {
    String sql = "SELECT region, nick FROM meridian.regions";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "nick"),
        "column NICK does not exist in table MERIDIAN.REGIONS");
    sql = "SELECT * FROM meridian.regions WHERE\n  nick = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 2, 3, "NICK");
    sql = "SELECT * FROM meridian.regions ORDER BY nick";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "nick"), "NICK");
    sql = "SELECT users.region FROM meridian.regions";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "users"),
        "table USERS is not part of this statement", "MERIDIAN.REGIONS");
    sql = "SELECT x.* FROM meridian.regions r";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "x.*"), "table X");
  }

  @Test
  void orderByPositionOutsideTheSelectList() {
    String sql = "SELECT region, peers FROM meridian.regions ORDER BY 3";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "3"),
        "ORDER BY position 3 is not in the select list, which has 2 columns");
  }

  @Test
  void badLiteralForItsColumn() {
    String sql = "SELECT * FROM meridian.regions WHERE peers = 'many'";
    assertFails(catalog, sql, SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, 1, col(sql, "'many'"),
        "'many'", "PEERS");
  }

  // ---- what system tables do not support ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "SELECT COUNT(*) FROM meridian.regions | COUNT(*) | aggregate COUNT(*) in the select list",
      "SELECT MAX(peers) FROM meridian.regions | MAX(peers) | aggregate MAX(peers)",
      "SELECT UPPER(region) FROM meridian.regions | UPPER(region) | expression UPPER(region)",
      "SELECT peers + 1 FROM meridian.regions | peers + 1 | expression peers + 1",
      "SELECT (SELECT 1) FROM meridian.regions | (SELECT 1) | a subquery in the select list",
      "SELECT DISTINCT role FROM meridian.regions | SELECT | SELECT DISTINCT",
      "SELECT role FROM meridian.regions GROUP BY role | GROUP BY | GROUP BY",
      "SELECT * FROM meridian.regions HAVING peers > 1 | peers > 1 | HAVING",
      "SELECT * FROM meridian.regions r JOIN meridian.replication_links l"
          + " ON r.region = l.from_region | JOIN | JOIN",
      "SELECT * FROM users u JOIN meridian.regions r ON u.name = r.region | JOIN | JOIN",
      "SELECT * FROM meridian.regions, users | , users | a join",
      "SELECT * FROM (SELECT * FROM meridian.regions) | SELECT * FROM meridian.regions) "
          + "| a subquery in FROM",
      "SELECT * FROM meridian.regions WHERE region IN (SELECT to_region"
          + " FROM meridian.replication_links) | region IN | a subquery in WHERE",
      "SELECT * FROM meridian.regions WHERE peers = (SELECT 1) | (SELECT 1) | a subquery in WHERE",
      "SELECT * FROM meridian.regions WHERE EXISTS (SELECT 1) | EXISTS | a subquery in WHERE",
      "SELECT * FROM meridian.regions WHERE peers = 1 OR peers = 2 | peers = 1 OR | OR",
      "SELECT * FROM meridian.regions WHERE NOT peers = 1 | NOT | NOT",
      "SELECT * FROM meridian.regions WHERE region IN ('a', 'b') | region IN | IN",
      "SELECT * FROM meridian.regions WHERE region LIKE 'us%' | region LIKE | LIKE",
      "SELECT * FROM meridian.regions WHERE state IS NULL | state IS | IS NULL",
      "SELECT * FROM meridian.regions WHERE peers BETWEEN 1 AND 2 | peers BETWEEN | BETWEEN",
      "SELECT * FROM meridian.regions WHERE peers = epoch | peers = epoch | two columns",
      "SELECT * FROM meridian.regions WHERE 1 = 1 | 1 = 1 | compares no column",
      "SELECT * FROM meridian.regions WHERE peers = epoch + 1 | epoch + 1 "
          + "| comparing with expression epoch + 1",
      "SELECT * FROM meridian.regions ORDER BY UPPER(region) | UPPER(region) "
          + "| ORDER BY expression UPPER(region)",
      "SELECT * FROM meridian.regions LIMIT 2 OFFSET 1 | 1 | OFFSET",
      "SELECT * FROM meridian.regions LIMIT ? | ? | LIMIT ?",
  })
  void otherQueryFormsAreRefusedNamingTheConstruct(String sql, String at, String mention) {
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, at), mention,
        "not supported on system tables", "SELECT <columns> FROM MERIDIAN.<table>");
  }

  @Test
  void setOperationsAreRefusedLikeOtherGeneralQueries() {
    String sql = "SELECT region FROM meridian.regions UNION SELECT to_region"
        + " FROM meridian.replication_links";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, 20, "system tables",
        "MERIDIAN.REGIONS");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "INSERT INTO meridian.regions (region) VALUES ('x') | INSERT",
      "UPSERT INTO meridian.regions (region, role) VALUES ('x', 'y') | UPSERT",
      "UPDATE meridian.regions SET peers = 3 WHERE region = 'x' | UPDATE",
      "DELETE FROM meridian.replication_links WHERE from_region = 'x' | DELETE",
      "DROP TABLE meridian.regions | DROP TABLE",
      "DROP TABLE IF EXISTS meridian.replication_links | DROP TABLE",
  })
  void systemTablesAreReadOnly(String sql, String statement) {
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, "meridian"),
        "is read-only: " + statement + " is not supported on it");
  }

  @Test
  void createTableInSchemaMeridian() {
    String sql = "CREATE TABLE meridian.mine (id BIGINT PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, "meridian"),
        "CREATE TABLE in schema MERIDIAN is not supported",
        "MERIDIAN.CONFLICTS, MERIDIAN.REGIONS, MERIDIAN.REPLICATION_LINKS, MERIDIAN.SECURITY,"
            + " MERIDIAN.TABLES, MERIDIAN.TABLE_PRIVILEGES, MERIDIAN.USERS");
    sql = "CREATE TABLE IF NOT EXISTS meridian.regions (id BIGINT PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, "meridian"),
        "CREATE TABLE in schema MERIDIAN");
  }

  @Test
  void writesToAnUnknownSystemTableAreUnknownTables() {
    String sql = "INSERT INTO meridian.nodes VALUES (1)";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "meridian"),
        "system table MERIDIAN.NODES does not exist", "MERIDIAN.REGIONS");
    sql = "DROP TABLE meridian.nodes";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "meridian"), "NODES");
  }
}
