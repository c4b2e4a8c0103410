package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Capacity limits as table options: {@code ALTER TABLE … SET (write_capacity = '1000/s',
 * read_capacity['eu-west-1'] = '200/s')}, {@code RESET (…)}, {@code 'on_demand'}, and the same
 * in {@code CREATE TABLE … WITH (…)}; each change is the next version of the definition with
 * its columns untouched, and bad options fail with their SQLState at their position.
 */
class CapacityOptionsPlanTest {
  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private TableSchema alter(String sql) {
    Plan.AlterTable plan = assertInstanceOf(Plan.AlterTable.class, planner.plan(sql, catalog));
    TableSchema before = catalog.table(plan.table());
    assertEquals(before.version() + 1, plan.next().version(), sql);
    if (sql.contains("SET (") || sql.contains("RESET (")) {
      assertEquals(before.columns(), plan.next().columns(), sql);
    }
    catalog.put(plan.next());
    return plan.next();
  }

  @Test
  void setLimitsForEveryRegionAndForOne() {
    TableSchema t = alter("ALTER TABLE users SET (write_capacity = '1000/s',"
        + " read_capacity = '5000/s')");
    assertEquals(1000, t.capacity().writeLimit("eu-west-1"));
    assertEquals(5000, t.capacity().readLimit("us-east-1"));
    t = alter("ALTER TABLE users SET (write_capacity['eu-west-1'] = ' 200 / s ')");
    assertEquals(200, t.capacity().writeLimit("eu-west-1"));
    assertEquals(1000, t.capacity().writeLimit("us-east-1"));
    assertEquals(Map.of("*", 1000L, "eu-west-1", 200L), t.capacity().writes());
    assertEquals(3, t.version());
  }

  @Test
  void onDemandForOneRegionLiftsTheLimitThereOnly() {
    alter("ALTER TABLE users SET (write_capacity = '100/s')");
    TableSchema t = alter("ALTER TABLE users SET (write_capacity['us-east-1'] = 'ON_DEMAND')");
    assertEquals(TableCapacity.ON_DEMAND, t.capacity().writeLimit("us-east-1"));
    assertEquals(100, t.capacity().writeLimit("eu-west-1"));
  }

  @Test
  void resetAndOnDemandForAllRemoveTheLimit() {
    alter("ALTER TABLE users SET (write_capacity = '100/s', read_capacity = '7/s',"
        + " write_capacity['eu-west-1'] = '5/s')");
    TableSchema t = alter("ALTER TABLE users RESET (write_capacity, read_capacity)");
    assertEquals(Map.of("eu-west-1", 5L), t.capacity().writes());
    assertTrue(t.capacity().reads().isEmpty());
    t = alter("ALTER TABLE users RESET (write_capacity['eu-west-1'])");
    assertTrue(t.capacity().isNone());
    alter("ALTER TABLE users SET (read_capacity = '9/s')");
    t = alter("ALTER TABLE users SET (read_capacity = 'on_demand')");
    assertTrue(t.capacity().isNone());
  }

  @Test
  void otherChangesKeepTheLimits() {
    alter("ALTER TABLE users SET (write_capacity = '100/s')");
    TableSchema t = alter("ALTER TABLE users ADD COLUMN nick VARCHAR(5)");
    assertEquals(100, t.capacity().writeLimit("any"));
  }

  @Test
  void createTableTakesLimitsBesideConflictResolution() {
    Plan.CreateTable plan = assertInstanceOf(Plan.CreateTable.class, planner.plan(
        "CREATE TABLE t (a INT PRIMARY KEY) WITH (conflict_resolution = 'row',"
            + " write_capacity = '10/s', read_capacity['ap-south-1'] = '30/s')", catalog));
    assertEquals(10, plan.schema().capacity().writeLimit("eu-west-1"));
    assertEquals(30, plan.schema().capacity().readLimit("ap-south-1"));
    assertEquals(TableCapacity.ON_DEMAND, plan.schema().capacity().readLimit("eu-west-1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"'0/s'", "'-5/s'", "'1000'", "'1000/m'", "'lots'", "'1000000001/s'",
      "'99999999999/s'"})
  void badRates(String value) {
    String sql = "ALTER TABLE users SET (write_capacity = " + value + ")";
    assertFails(catalog, sql, SqlState.INVALID_PARAMETER_VALUE, 1, col(sql, value),
        "write_capacity", "'1000/s'", "'on_demand'");
  }

  @Test
  void badRateForOneRegionNamesIt() {
    String sql = "ALTER TABLE users SET (read_capacity['eu-west-1'] = 'fast')";
    assertFails(catalog, sql, SqlState.INVALID_PARAMETER_VALUE, 1, col(sql, "'fast'"),
        "read_capacity['eu-west-1']");
  }

  @Test
  void anEmptyRegionName() {
    String sql = "ALTER TABLE users SET (write_capacity[''] = '5/s')";
    assertFails(catalog, sql, SqlState.INVALID_PARAMETER_VALUE, 1, col(sql, "''"),
        "region name");
  }

  @Test
  void unknownOption() {
    String sql = "ALTER TABLE users SET (write_rate = '5/s')";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        col(sql, "write_rate"), "WRITE_RATE", "write_capacity");
  }

  @Test
  void conflictResolutionCannotChangeOnALiveTable() {
    String sql = "ALTER TABLE users SET (conflict_resolution = 'row')";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, "conflict_resolution"),
        "live table");
  }

  @Test
  void optionGivenTwice() {
    String sql = "ALTER TABLE users SET (write_capacity = '5/s', write_capacity = '6/s')";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        sql.lastIndexOf("write_capacity") + 1, "twice");
  }

  @Test
  void unknownTable() {
    String sql = "ALTER TABLE nosuch SET (write_capacity = '5/s')";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "nosuch"), "NOSUCH");
  }

  @Test
  void aResetWithAValueIsRefused() {
    // Today any ALTER TABLE the grammar does not take is reported as 0A000 at its start.
    String sql = "ALTER TABLE users RESET (write_capacity = '5/s')";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, 1, "ALTER TABLE");
  }
}
