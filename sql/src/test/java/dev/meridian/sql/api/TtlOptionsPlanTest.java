package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import org.junit.jupiter.api.Test;

/**
 * {@code ttl_column} and {@code conflict_log} as table options: set at creation or by
 * {@code ALTER TABLE … SET/RESET}, each change the next version with the columns and limits
 * untouched; a ttl column that is missing, not a TIMESTAMP or part of the key fails at its
 * position, and so does dropping the ttl column.
 */
class TtlOptionsPlanTest {
  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private TableSchema alter(String sql) {
    Plan.AlterTable plan = assertInstanceOf(Plan.AlterTable.class, planner.plan(sql, catalog));
    TableSchema before = catalog.table(plan.table());
    assertEquals(before.version() + 1, plan.next().version(), sql);
    assertEquals(before.columns(), plan.next().columns(), sql);
    catalog.put(plan.next());
    return plan.next();
  }

  @Test
  void createTableWithTtlColumnAndConflictLogOff() {
    Plan.CreateTable plan = assertInstanceOf(Plan.CreateTable.class, planner.plan(
        "CREATE TABLE sessions (id BIGINT PRIMARY KEY, data VARCHAR(10), expires_at TIMESTAMP)"
            + " WITH (ttl_column = 'expires_at', conflict_log = 'off',"
            + " write_capacity = '10/s')", catalog));
    assertEquals(2, plan.schema().ttlColumn());
    assertFalse(plan.schema().conflictLog());
    assertEquals(10, plan.schema().capacity().writeLimit("any"));
  }

  @Test
  void aTableWithoutOptionsNeverExpiresAndLogsConflicts() {
    Plan.CreateTable plan = assertInstanceOf(Plan.CreateTable.class, planner.plan(
        "CREATE TABLE t (a INT PRIMARY KEY, b TIMESTAMP)", catalog));
    assertEquals(TableSchema.NO_TTL, plan.schema().ttlColumn());
    assertTrue(plan.schema().conflictLog());
  }

  @Test
  void alterSetsAndResetsBothKeepingLimits() {
    alter("ALTER TABLE orders SET (write_capacity = '5/s')");
    TableSchema t = alter("ALTER TABLE orders SET (ttl_column = 'placed', conflict_log = 'OFF')");
    assertEquals(3, t.ttlColumn());
    assertFalse(t.conflictLog());
    assertEquals(5, t.capacity().writeLimit("any"));
    t = alter("ALTER TABLE orders RESET (ttl_column)");
    assertEquals(TableSchema.NO_TTL, t.ttlColumn());
    assertFalse(t.conflictLog());
    t = alter("ALTER TABLE orders RESET (conflict_log)");
    assertTrue(t.conflictLog());
    t = alter("ALTER TABLE orders SET (conflict_log = 'off', ttl_column = 'PLACED')");
    assertEquals(3, t.ttlColumn());
    t = alter("ALTER TABLE orders SET (conflict_log = 'on')");
    assertTrue(t.conflictLog());
    assertEquals(3, t.ttlColumn());
    assertEquals(5, t.capacity().writeLimit("any"));
  }

  @Test
  void aMissingTtlColumn() {
    String sql = "ALTER TABLE orders SET (ttl_column = 'expires')";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "'expires'"),
        "expires", "TIMESTAMP");
  }

  @Test
  void aTtlColumnThatIsNotATimestamp() {
    String sql = "ALTER TABLE orders SET (ttl_column = 'amount')";
    assertFails(catalog, sql, SqlState.DATATYPE_MISMATCH, 1, col(sql, "'amount'"),
        "TIMESTAMP", "AMOUNT");
  }

  @Test
  void aKeyColumnCannotBeTheTtlColumn() {
    String sql = "CREATE TABLE t (ts TIMESTAMP PRIMARY KEY, b INT) WITH (ttl_column = 'ts')";
    assertFails(catalog, sql, SqlState.INVALID_TABLE_DEFINITION, 1, col(sql, "'ts'"),
        "key column TS");
  }

  @Test
  void theTtlColumnCannotBeDropped() {
    alter("ALTER TABLE orders SET (ttl_column = 'placed')");
    String sql = "ALTER TABLE orders DROP COLUMN placed";
    assertFails(catalog, sql, SqlState.DEPENDENT_OBJECTS_STILL_EXIST, 1, col(sql, "placed"),
        "RESET (ttl_column)");
  }

  @Test
  void badConflictLogValue() {
    String sql = "ALTER TABLE users SET (conflict_log = 'maybe')";
    assertFails(catalog, sql, SqlState.INVALID_PARAMETER_VALUE, 1, col(sql, "'maybe'"),
        "'on' or 'off'");
  }

  @Test
  void ttlColumnForOneRegionOrTwice() {
    String sql = "ALTER TABLE orders SET (ttl_column['eu-west-1'] = 'placed')";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        col(sql, "'eu-west-1'"), "all regions");
    String twice = "ALTER TABLE orders SET (ttl_column = 'placed', ttl_column = 'placed')";
    assertFails(catalog, twice, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        twice.lastIndexOf("ttl_column") + 1, "twice");
  }
}
