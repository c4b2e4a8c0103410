package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;
import static dev.meridian.sql.api.PlanAssertions.lit;
import static dev.meridian.sql.api.PlanAssertions.param;
import static dev.meridian.sql.api.TestCatalog.BIGINT;
import static dev.meridian.sql.api.TestCatalog.INTEGER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectPlanTest {
  private static final ColumnType REGION = ColumnType.of(TypeKind.VARCHAR, 10);

  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private Plan.PointSelect select(String sql) {
    return assertInstanceOf(Plan.PointSelect.class, planner.plan(sql, catalog));
  }

  @Test
  void starByKey() {
    Plan.PointSelect plan = select("SELECT * FROM users WHERE id = 1");
    assertSame(catalog.table("USERS"), plan.table());
    assertEquals(List.of(List.of(lit(1L))), plan.keys());
    assertArrayEquals(new int[] {0, 1, 2, 3}, plan.projection());
    assertEquals(List.of("ID", "NAME", "EMAIL", "AGE"), plan.labels());
    assertEquals(List.of(), plan.parameterTypes());
  }

  @Test
  void columnsAliasesAndInListWithParameter() {
    Plan.PointSelect plan = select("SELECT name AS n, email, name FROM users"
        + " WHERE id IN (3, ?, 1)");
    assertEquals(List.of(List.of(lit(3L)), List.of(param(0, BIGINT)), List.of(lit(1L))),
        plan.keys());
    assertArrayEquals(new int[] {1, 2, 1}, plan.projection());
    assertEquals(List.of("N", "EMAIL", "NAME"), plan.labels());
    assertEquals(List.of(BIGINT), plan.parameterTypes());
  }

  @Test
  void cartesianProductInKeyOrderFirstKeyColumnSlowest() {
    List<List<Operand>> expected = List.of(
        List.of(lit("eu"), lit(1L)), List.of(lit("eu"), lit(2L)),
        List.of(lit("us"), lit(1L)), List.of(lit("us"), lit(2L)));
    assertEquals(expected, select("SELECT amount FROM orders"
        + " WHERE region IN ('eu', 'us') AND order_id IN (1, 2)").keys());
    assertEquals(expected, select("SELECT amount FROM orders"
        + " WHERE order_id IN (1, 2) AND region IN ('eu', 'us')").keys());
  }

  @Test
  void equalityOnEitherSideWithParameters() {
    Plan.PointSelect plan = select("SELECT note FROM orders WHERE ? = order_id AND region = ?");
    assertEquals(List.of(List.of(param(1, REGION), param(0, BIGINT))), plan.keys());
    assertEquals(List.of(BIGINT, REGION), plan.parameterTypes());
  }

  @Test
  void rowValueIn() {
    Plan.PointSelect plan = select("SELECT note FROM orders"
        + " WHERE (order_id, region) IN ((1, 'eu'), (2, ?))");
    assertEquals(List.of(List.of(lit("eu"), lit(1L)), List.of(param(0, REGION), lit(2L))),
        plan.keys());
  }

  @Test
  void duplicateLiteralKeysAreDropped() {
    assertEquals(List.of(List.of(lit(1L)), List.of(lit(2L))),
        select("SELECT id FROM users WHERE id IN (1, 2, 1, CAST('2' AS BIGINT))").keys());
  }

  @Test
  void qualifiedAndQuotedNames() {
    Plan.PointSelect plan = select("SELECT u.name, age FROM public.users u WHERE u.id = 5");
    assertArrayEquals(new int[] {1, 3}, plan.projection());
    plan = select("SELECT users.name, public.users.age FROM users WHERE users.id = 5");
    assertArrayEquals(new int[] {1, 3}, plan.projection());
    plan = select("SELECT \"events\".*, \"Payload\" AS \"p\" FROM \"events\" WHERE \"id\" = -1");
    assertArrayEquals(new int[] {0, 1, 1}, plan.projection());
    assertEquals(List.of("id", "Payload", "p"), plan.labels());
    assertEquals(List.of(List.of(lit(-1L))), plan.keys());
  }

  @Test
  void constantsWithoutFrom() {
    Plan.Constant plan = assertInstanceOf(Plan.Constant.class, planner.plan("SELECT 1", catalog));
    assertEquals(List.of(List.of(lit(1))), plan.rows());
    assertEquals(List.of("EXPR$0"), plan.labels());
    assertEquals(List.of(INTEGER), plan.types());
    assertEquals(List.of(), plan.parameterTypes());

    plan = assertInstanceOf(Plan.Constant.class, planner.plan("SELECT 'ok' AS status, -2.50,"
        + " 10000000000, TRUE, NULL, DATE '2024-01-31', CAST(? AS SMALLINT) AS p", catalog));
    assertEquals(List.of("STATUS", "EXPR$1", "EXPR$2", "EXPR$3", "EXPR$4", "EXPR$5", "P"),
        plan.labels());
    ColumnType smallint = ColumnType.of(TypeKind.SMALLINT);
    assertEquals(List.of(ColumnType.of(TypeKind.VARCHAR, 2), ColumnType.decimal(3, 2), BIGINT,
        ColumnType.of(TypeKind.BOOLEAN), ColumnType.of(TypeKind.VARCHAR, 1),
        ColumnType.of(TypeKind.DATE), smallint), plan.types());
    assertEquals(List.of(List.of(lit("ok"), lit(new BigDecimal("-2.50")), lit(10_000_000_000L),
        lit(true), lit(null), lit(LocalDate.of(2024, 1, 31)), param(0, smallint))), plan.rows());
    assertEquals(List.of(smallint), plan.parameterTypes());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "SELECT * FROM users | SELECT | WHERE",
      "SELECT * FROM users WHERE name = 'x' | name | NAME",
      "SELECT * FROM users WHERE id > 1 | id > 1 | id > 1",
      "SELECT * FROM users WHERE id = 1 OR id = 2 | id = 1 OR | OR",
      "SELECT * FROM users WHERE id NOT IN (1) | id NOT | NOT IN",
      "SELECT * FROM users WHERE id IN (SELECT id FROM users) | SELECT id | subquery",
      "SELECT * FROM orders WHERE region = 'eu' | region | ORDER_ID",
      "SELECT COUNT(*) FROM users WHERE id = 1 | COUNT(*) | COUNT(*)",
      "SELECT UPPER(name) FROM users WHERE id = 1 | UPPER(name) | UPPER(name)",
      "SELECT DISTINCT name FROM users WHERE id = 1 | SELECT | DISTINCT",
      "SELECT name FROM users WHERE id = 1 GROUP BY name | GROUP BY | GROUP BY",
      "SELECT name FROM users WHERE id = 1 ORDER BY age | age | ORDER BY",
      "SELECT name FROM users WHERE id = 1 OFFSET 1 | 1 | OFFSET",
      "SELECT * FROM users a JOIN orders b ON a.id = b.order_id WHERE a.id = 1 | JOIN | JOIN",
      "SELECT * FROM (SELECT * FROM users) WHERE id = 1 | SELECT * FROM users) | subquery",
      "SELECT 1 UNION SELECT 2 | SELECT 1 | UNION",
      "VALUES (1) | VALUES | VALUES",
      "SELECT CURRENT_DATE | CURRENT_DATE | CURRENT_DATE",
      "SELECT 1 + 1 | 1 + 1 | 1 + 1",
  })
  void queriesBeyondPointReadsArePlannedForCalcite(String sql, String at, String mention) {
    Plan.Query plan = assertInstanceOf(Plan.Query.class, planner.plan(sql, catalog), sql);
    assertEquals(sql, plan.sql());
    assertFalse(plan.columns().isEmpty(), sql);
  }

  @Test
  void aGeneralQueryKnowsItsColumnsAndParameterTypes() {
    Plan.Query plan = assertInstanceOf(Plan.Query.class, planner.plan(
        "SELECT name, COUNT(*) AS n, SUM(age) FROM users WHERE age > ? GROUP BY name", catalog));
    assertEquals(List.of("NAME", "N", "EXPR$2"),
        plan.columns().stream().map(Plan.QueryColumn::label).toList());
    assertEquals("USERS", plan.columns().get(0).table());
    assertEquals("", plan.columns().get(1).table());
    assertEquals(BIGINT, plan.columns().get(1).type());
    assertFalse(plan.columns().get(1).nullable());
    assertEquals(1, plan.parameterTypes().size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "SELECT name, ROW_NUMBER() OVER (ORDER BY age) FROM users | ROW_NUMBER | window functions",
      "SELECT * FROM users TABLESAMPLE BERNOULLI(10) | users | TABLESAMPLE",
      "SELECT name FROM users GROUP BY ROLLUP(name) | ROLLUP | ROLLUP",
      "SELECT * FROM users FOR UPDATE | FOR UPDATE | FOR UPDATE",
  })
  void unsupportedQueryConstructsSayWhatTheyAre(String sql, String at, String mention) {
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, at), mention,
        "not supported");
  }

  @Test
  void unknownNamesInGeneralQueriesAre42xxxWithPositions() {
    assertFails(catalog, "SELECT * FROM nope WHERE x > 1", SqlState.UNDEFINED_TABLE, 1, 15,
        "NOPE");
    assertFails(catalog, "SELECT nope FROM users WHERE age > 1", SqlState.UNDEFINED_COLUMN, 1,
        8, "NOPE");
  }

  @Test
  void constantOutOfRange() {
    assertFails(catalog, "SELECT 1e400", SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 1, 8, "1e400");
    assertFails(catalog, "SELECT CAST(70000 AS SMALLINT)", SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        1, 13, "70000", "SMALLINT");
  }

  @Test
  void untypedParameterWithoutTable() {
    assertFails(catalog, "SELECT ?", SqlState.FEATURE_NOT_SUPPORTED, 1, 8, "CAST(? AS type)");
  }

  @Test
  void unknownNames() {
    String sql = "SELECT * FROM nosuch WHERE id = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "nosuch"),
        "table NOSUCH does not exist");
    sql = "SELECT nick FROM users WHERE id = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "nick"), "column NICK");
    sql = "SELECT name FROM users WHERE idd = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "idd"), "IDD");
    sql = "SELECT o.* FROM users WHERE id = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "o.*"), "table O");
    sql = "SELECT users.name FROM users u WHERE u.id = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "users.name"),
        "table USERS is not part of this statement", "USERS AS U");
    sql = "SELECT * FROM other.users WHERE id = 1";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "other"), "OTHER.USERS");
  }

  @Test
  void unknownColumnOnAnotherLine() {
    assertFails(catalog, "SELECT *\n  FROM users\n WHERE nick = 1", SqlState.UNDEFINED_COLUMN,
        3, 8, "NICK");
  }

  @Test
  void badKeyLiteral() {
    String sql = "SELECT * FROM users WHERE id IN (1, 'two')";
    assertFails(catalog, sql, SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, 1, col(sql, "'two'"),
        "'two'", "ID");
  }

  @Test
  void rowValueInWithWrongArity() {
    String sql = "SELECT * FROM orders WHERE (region, order_id) IN (('eu', 1), ('us'))";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        col(sql, "('us')"), "1 values, not 2");
  }
}
