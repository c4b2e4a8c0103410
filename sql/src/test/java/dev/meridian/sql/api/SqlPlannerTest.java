package dev.meridian.sql.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The planner's cache: what is kept, for how long, and what is never kept. */
class SqlPlannerTest {
  private static final String POINT = "SELECT * FROM users WHERE id = ?";

  private final TestCatalog catalog = TestCatalog.standard();

  @Test
  void sameTextGivesTheSamePlanInstance() {
    SqlPlanner planner = new SqlPlanner(10);
    Plan first = planner.plan(POINT, catalog);
    assertSame(first, planner.plan(POINT, catalog));
    assertEquals(1, planner.cachedPlans());
  }

  @Test
  void differentTextIsAnotherEntry() {
    SqlPlanner planner = new SqlPlanner(10);
    Plan a = planner.plan(POINT, catalog);
    Plan b = planner.plan(POINT.toLowerCase(), catalog);
    assertNotSame(a, b);
    assertEquals(2, planner.cachedPlans());
  }

  @Test
  void catalogVersionChangeReplans() {
    SqlPlanner planner = new SqlPlanner(10);
    Plan.PointSelect before = assertInstanceOf(Plan.PointSelect.class,
        planner.plan(POINT, catalog));
    assertEquals(4, before.projection().length);

    TableSchema users = catalog.table("USERS");
    List<ColumnDef> columns = new ArrayList<>(users.columns());
    columns.add(new ColumnDef("CITY", ColumnType.of(TypeKind.VARCHAR, 30), true));
    catalog.put(new TableSchema(9, "USERS", columns, users.keyColumns(),
        ConflictResolution.CELL));

    Plan.PointSelect after = assertInstanceOf(Plan.PointSelect.class,
        planner.plan(POINT, catalog));
    assertNotSame(before, after);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, after.projection());
    assertEquals(9, after.table().tableId());
    assertSame(after, planner.plan(POINT, catalog), "cached again under the new version");
    assertEquals(1, planner.cachedPlans());
  }

  @Test
  void anyVersionChangeReplansEvenForUnrelatedTables() {
    SqlPlanner planner = new SqlPlanner(10);
    Plan before = planner.plan(POINT, catalog);
    catalog.remove("ORDERS");
    assertNotSame(before, planner.plan(POINT, catalog));
  }

  @Test
  void parseErrorsAreNotCached() {
    SqlPlanner planner = new SqlPlanner(10);
    MeridianException first = assertThrows(MeridianException.class,
        () -> planner.plan("SELEC 1", catalog));
    MeridianException second = assertThrows(MeridianException.class,
        () -> planner.plan("SELEC 1", catalog));
    assertNotSame(first, second);
    assertEquals(SqlState.SYNTAX_ERROR, second.state());
    assertEquals(0, planner.cachedPlans());
  }

  @Test
  void failedPlansAreNotCachedSoTheyWorkOnceTheTableExists() {
    SqlPlanner planner = new SqlPlanner(10);
    String sql = "SELECT * FROM later WHERE id = 1";
    MeridianException e = assertThrows(MeridianException.class,
        () -> planner.plan(sql, catalog));
    assertEquals(SqlState.UNDEFINED_TABLE, e.state());
    assertEquals(0, planner.cachedPlans());

    catalog.put(new TableSchema(7, "LATER",
        List.of(new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false)), List.of(0), null));
    assertInstanceOf(Plan.PointSelect.class, planner.plan(sql, catalog));
    assertEquals(1, planner.cachedPlans());
  }

  @Test
  void cacheIsBounded() {
    SqlPlanner planner = new SqlPlanner(2);
    planner.plan("SELECT 1", catalog);
    planner.plan("SELECT 2", catalog);
    planner.plan("SELECT 3", catalog);
    assertEquals(2, planner.cachedPlans());
  }

  @Test
  void zeroDisablesCaching() {
    SqlPlanner planner = new SqlPlanner(0);
    assertNotSame(planner.plan(POINT, catalog), planner.plan(POINT, catalog));
    assertEquals(0, planner.cachedPlans());
  }

  @Test
  void clearCacheDropsEverything() {
    SqlPlanner planner = new SqlPlanner(10);
    Plan before = planner.plan(POINT, catalog);
    planner.clearCache();
    assertEquals(0, planner.cachedPlans());
    assertNotSame(before, planner.plan(POINT, catalog));
  }

  @Test
  void badArguments() {
    assertThrows(IllegalArgumentException.class, () -> new SqlPlanner(-1));
    SqlPlanner planner = new SqlPlanner(1);
    assertThrows(NullPointerException.class, () -> planner.plan(null, catalog));
    assertThrows(NullPointerException.class, () -> planner.plan(POINT, null));
  }

  @Test
  void concurrentCallersGetEqualPlans() throws Exception {
    SqlPlanner planner = new SqlPlanner(100);
    List<String> statements = List.of(POINT, "DELETE FROM users WHERE id = ?",
        "INSERT INTO users (id, name) VALUES (?, ?)", "SELECT 1");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<List<Plan>>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(() -> {
          List<Plan> plans = new ArrayList<>();
          for (int i = 0; i < 250; i++) {
            plans.add(planner.plan(statements.get(i % statements.size()), catalog));
          }
          return plans;
        });
      }
      for (Future<List<Plan>> result : pool.invokeAll(tasks)) {
        List<Plan> plans = result.get();
        for (int i = 0; i < plans.size(); i++) {
          Plan expected = planner.plan(statements.get(i % statements.size()), catalog);
          assertEquals(expected.getClass(), plans.get(i).getClass());
          assertEquals(expected.parameterTypes(), plans.get(i).parameterTypes());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(statements.size(), planner.cachedPlans());
  }
}
