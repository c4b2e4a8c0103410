package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.lit;
import static dev.meridian.sql.api.PlanAssertions.param;
import static dev.meridian.sql.api.TestCatalog.BIGINT;
import static dev.meridian.sql.api.TestCatalog.INTEGER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.IndexDef;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which queries a secondary index serves, and how: top-N in the index's direction or its
 * reverse, ranges and equalities on the first index column, never a query the index cannot
 * answer exactly (other NULL orders, no LIMIT on an ORDER BY, mixed directions, joins,
 * grouping, an index still being built). Also CREATE/DROP INDEX and EXPLAIN PLAN FOR.
 */
class IndexPlanTest {
  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  IndexPlanTest() {
    catalog.putIndex(new IndexDef("USERS_AGE", "USERS", 1, List.of(new IndexDef.Key(3, true)),
        true));
    catalog.putIndex(new IndexDef("USERS_NAME_AGE", "USERS", 1,
        List.of(new IndexDef.Key(1, false), new IndexDef.Key(3, false)), true));
    catalog.putIndex(new IndexDef("USERS_EMAIL", "USERS", 1,
        List.of(new IndexDef.Key(2, false)), false));
  }

  private Plan.IndexRead read(String sql) {
    Plan plan = planner.plan(sql, catalog);
    return assertInstanceOf(Plan.IndexRead.class, plan, () -> sql + " planned " + plan);
  }

  @Test
  void topNInTheIndexDirectionWalksForward() {
    Plan.IndexRead r = read("SELECT id, age FROM users ORDER BY age DESC LIMIT 10");
    assertEquals("USERS_AGE", r.index().name());
    assertFalse(r.reverse());
    assertEquals(lit(10L), r.limit());
    assertNull(r.low());
    assertNull(r.high());
    assertArrayEquals(new int[] {0, 3}, r.projection());
    assertEquals(List.of("ID", "AGE"), r.labels());
    assertNotNull(r.fallback(), "the general query stands by");
  }

  @Test
  void topNAgainstTheIndexDirectionWalksInReverse() {
    Plan.IndexRead r = read("SELECT * FROM users ORDER BY age LIMIT 3");
    assertEquals("USERS_AGE", r.index().name());
    assertTrue(r.reverse());
    Plan.IndexRead both = read("SELECT * FROM users ORDER BY name DESC, age DESC LIMIT 3");
    assertEquals("USERS_NAME_AGE", both.index().name());
    assertTrue(both.reverse());
  }

  @Test
  void rangesBoundTheWalkAndStayInTheFilterWithParametersInOrder() {
    Plan.IndexRead r = read("SELECT id FROM users WHERE age >= ? AND age < 30 AND name = 'x'"
        + " ORDER BY age DESC LIMIT ?");
    assertEquals(param(0, INTEGER), r.low());
    assertTrue(r.lowInclusive());
    assertEquals(lit(30), r.high());
    assertFalse(r.highInclusive());
    assertEquals(3, r.filter().size(), "every comparison is checked on each row");
    assertEquals(param(1, BIGINT), r.limit());
    assertEquals(List.of(INTEGER, BIGINT), r.parameterTypes());
  }

  @Test
  void anEqualityOnTheFirstColumnNeedsNoOrderOrLimit() {
    Plan.IndexRead r = read("SELECT name FROM users WHERE age = 5");
    assertEquals(lit(5), r.low());
    assertEquals(lit(5), r.high());
    assertTrue(r.lowInclusive() && r.highInclusive());
    assertNull(r.limit());
    Plan.IndexRead composite = read("SELECT id FROM users WHERE name > 'm'");
    assertEquals("USERS_NAME_AGE", composite.index().name());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id FROM users ORDER BY age DESC NULLS LAST LIMIT 10",
      "SELECT id FROM users ORDER BY age DESC",
      "SELECT id FROM users ORDER BY name, age DESC LIMIT 5",
      "SELECT id FROM users ORDER BY email LIMIT 5",
      "SELECT id FROM users WHERE email = 'a'",
      "SELECT id FROM users WHERE age <> 5",
      "SELECT id FROM users WHERE age = 5 OR age = 6",
      "SELECT id FROM users ORDER BY age DESC LIMIT 10 OFFSET 5",
      "SELECT age, COUNT(*) FROM users WHERE age = 5 GROUP BY age",
      "SELECT u.id FROM users u JOIN orders o ON u.id = o.order_id WHERE u.age = 5",
      "SELECT id FROM users WHERE age = id",
      "SELECT order_id FROM orders ORDER BY amount LIMIT 3",
  })
  void queriesNoReadyIndexServesExactlyStayGeneral(String sql) {
    Plan plan = planner.plan(sql, catalog);
    assertInstanceOf(Plan.Query.class, plan, () -> sql + " planned " + plan);
  }

  @Test
  void explainNamesTheIndexAndTheGeneralPlanSaysNoIndex() {
    Plan.Explain e = assertInstanceOf(Plan.Explain.class, planner.plan(
        "EXPLAIN PLAN FOR SELECT id FROM users WHERE age > ? ORDER BY age DESC LIMIT 10",
        catalog));
    assertInstanceOf(Plan.IndexRead.class, e.plan());
    assertTrue(e.lines().get(0).contains("index=USERS_AGE (AGE DESC)"), e.lines().toString());
    assertTrue(e.lines().get(0).contains("range=USERS.AGE in (?1, +inf)"), e.lines().get(0));
    assertEquals(List.of(), e.parameterTypes(), "EXPLAIN binds nothing");
    Plan.Explain general = assertInstanceOf(Plan.Explain.class,
        planner.plan("explain plan for select id from users where email = 'a'", catalog));
    assertTrue(general.lines().get(0).startsWith("Query("), general.lines().toString());
  }

  @Test
  void theKeyIsAnIndexWithoutDeclaringOne() {
    Plan.IndexRead r = read("SELECT * FROM users WHERE id >= ? ORDER BY id LIMIT ?");
    assertEquals(IndexDef.primaryKey(catalog.table("USERS")), r.index());
    assertTrue(r.index().primaryKey());
    assertFalse(r.reverse());
    assertEquals(param(0, BIGINT), r.low());
    assertTrue(r.lowInclusive());
    assertNull(r.high());
    assertEquals(param(1, BIGINT), r.limit());
    assertNotNull(r.fallback(), "the general query stands by");
    assertTrue(read("SELECT id FROM users ORDER BY id DESC LIMIT 5").reverse());
    Plan.IndexRead composite = read("SELECT amount FROM orders WHERE region = 'eu'"
        + " ORDER BY region, order_id LIMIT 3");
    assertEquals(IndexDef.primaryKey(catalog.table("ORDERS")), composite.index());
    assertInstanceOf(Plan.Query.class, planner.plan(
        "SELECT amount FROM orders ORDER BY order_id LIMIT 3", catalog),
        "the key's second column alone is not its order");
    Plan.IndexRead bounded = read("SELECT name FROM users WHERE id = 1 LIMIT 5");
    assertTrue(bounded.index().primaryKey());
    assertEquals(lit(1L), bounded.low());
    assertInstanceOf(Plan.Query.class, planner.plan("SELECT name FROM users WHERE id > 1",
        catalog), "without a LIMIT the key's range could be the whole table");
    Plan.Explain e = assertInstanceOf(Plan.Explain.class, planner.plan(
        "EXPLAIN PLAN FOR SELECT * FROM users WHERE id >= 7 ORDER BY id LIMIT 10", catalog));
    assertTrue(e.lines().get(0).contains("index=PRIMARY KEY (ID)"), e.lines().toString());
  }

  @Test
  void aDeclaredIndexOnTheKeyComesFirstAndItsNamesAreReserved() {
    TestCatalog withKeyIndex = TestCatalog.standard();
    withKeyIndex.putIndex(new IndexDef("USERS_ID", "USERS", 1,
        List.of(new IndexDef.Key(0, false)), true));
    Plan plan = planner.plan("SELECT * FROM users WHERE id >= 3 ORDER BY id LIMIT 4",
        withKeyIndex);
    assertEquals("USERS_ID", assertInstanceOf(Plan.IndexRead.class, plan).index().name());
    MeridianException reserved = assertThrows(MeridianException.class,
        () -> planner.plan("CREATE INDEX \"PRIMARY KEY#1\" ON users (age)", catalog));
    assertEquals(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, reserved.state());
  }

  @Test
  void createAndDropIndex() {
    Plan.CreateIndex c = assertInstanceOf(Plan.CreateIndex.class,
        planner.plan("CREATE INDEX IF NOT EXISTS by_age ON users (age DESC, name)", catalog));
    assertTrue(c.ifNotExists());
    assertEquals(new IndexDef("BY_AGE", "USERS", 1,
        List.of(new IndexDef.Key(3, true), new IndexDef.Key(1, false)), false), c.index());
    Plan.DropIndex d = assertInstanceOf(Plan.DropIndex.class,
        planner.plan("DROP INDEX IF EXISTS by_age", catalog));
    assertEquals(new Plan.DropIndex("BY_AGE", true), d);
    MeridianException unknown = assertThrows(MeridianException.class,
        () -> planner.plan("CREATE INDEX i ON users (nope)", catalog));
    assertEquals(SqlState.UNDEFINED_COLUMN, unknown.state());
    assertNotNull(unknown.position());
    assertEquals(SqlState.UNDEFINED_TABLE, assertThrows(MeridianException.class,
        () -> planner.plan("CREATE INDEX i ON nope (a)", catalog)).state());
    assertEquals(SqlState.SYNTAX_ERROR, assertThrows(MeridianException.class,
        () -> planner.plan("CREATE INDEX i ON users ()", catalog)).state());
  }
}
