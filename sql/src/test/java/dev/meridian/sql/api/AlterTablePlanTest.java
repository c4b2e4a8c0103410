package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.SchemaEvolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ALTER TABLE plans: the next definition keeps every column id (added columns take the next,
 * dropped ones keep their slot), passes {@link SchemaEvolution}, and statements planned on it
 * see only the live columns; changes that would lose data fail with their SQLState at their
 * position.
 */
class AlterTablePlanTest {
  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private TableSchema alter(String sql) {
    TableSchema before = catalog.table(sql.split("\\s+")[2].toUpperCase());
    Plan.AlterTable plan = assertInstanceOf(Plan.AlterTable.class, planner.plan(sql, catalog));
    TableSchema next = plan.next();
    assertEquals(before.name(), plan.table());
    assertNull(SchemaEvolution.problem(before, next), sql);
    if (!next.name().equals(before.name())) {
      catalog.remove(before.name());
    }
    catalog.put(next);
    return next;
  }

  @Test
  void addColumnTakesTheNextIdAndIsNullable() {
    TableSchema next = alter("ALTER TABLE users ADD COLUMN nick VARCHAR(12)");
    assertEquals(2, next.version());
    assertEquals(1, next.tableId());
    assertEquals(4, next.columnIndex("NICK"));
    assertEquals(ColumnType.of(TypeKind.VARCHAR, 12), next.column(4).type());
    assertTrue(next.column(4).nullable());
    TableSchema again = alter("ALTER TABLE users ADD IF NOT EXISTS x INT NULL DEFAULT NULL");
    assertEquals(5, again.columnIndex("X"));
  }

  @Test
  void addColumnIfNotExistsOfAnExistingColumnPlansNothing() {
    Plan.AlterTable plan = assertInstanceOf(Plan.AlterTable.class,
        planner.plan("ALTER TABLE users ADD COLUMN IF NOT EXISTS age BIGINT", catalog));
    assertNull(plan.next());
    assertTrue(plan.notice().contains("AGE"), plan.notice());
    plan = assertInstanceOf(Plan.AlterTable.class,
        planner.plan("ALTER TABLE users DROP COLUMN IF EXISTS nope", catalog));
    assertNull(plan.next());
  }

  @Test
  void droppedColumnKeepsItsSlotAndDisappearsFromStatements() {
    TableSchema next = alter("ALTER TABLE users DROP COLUMN email");
    assertEquals(4, next.columnCount());
    assertTrue(next.column(2).dropped());
    assertArrayEquals(new int[] {0, 1, 3}, next.visibleColumnIds());
    Plan.PointSelect star = assertInstanceOf(Plan.PointSelect.class,
        planner.plan("SELECT * FROM users WHERE id = 1", catalog));
    assertArrayEquals(new int[] {0, 1, 3}, star.projection());
    assertEquals(List.of("ID", "NAME", "AGE"), star.labels());
    Plan.Write insert = assertInstanceOf(Plan.Write.class,
        planner.plan("INSERT INTO users VALUES (1, 'ann', 30)", catalog));
    assertFalse(java.util.Arrays.stream(insert.rows().get(0).columns()).anyMatch(c -> c == 2),
        "an INSERT writes no cell of a dropped column");
    assertFails(catalog, "SELECT email FROM users WHERE id = 1", SqlState.UNDEFINED_COLUMN, 1, 8,
        "EMAIL");
    assertFails(catalog, "SELECT email FROM users", SqlState.UNDEFINED_COLUMN, 1, 8, "EMAIL");
    // The name is free again; the new column gets a new id, so old cells stay unread.
    TableSchema readded = alter("ALTER TABLE users ADD COLUMN email VARCHAR(5)");
    assertEquals(4, readded.columnIndex("EMAIL"));
  }

  @Test
  void renamesAreMetadataOnly() {
    TableSchema renamed = alter("ALTER TABLE users RENAME COLUMN name TO full_name");
    assertEquals(1, renamed.columnIndex("FULL_NAME"));
    assertEquals(-1, renamed.columnIndex("NAME"));
    TableSchema moved = alter("ALTER TABLE users RENAME TO people");
    assertEquals("PEOPLE", moved.name());
    assertEquals(renamed.columns(), moved.columns());
    assertEquals(1, moved.tableId());
    assertFails(catalog, "ALTER TABLE people RENAME TO orders", SqlState.DUPLICATE_TABLE, 1, 30,
        "ORDERS");
    assertFails(catalog, "ALTER TABLE people RENAME COLUMN age TO email",
        SqlState.DUPLICATE_COLUMN, 1, 41, "EMAIL");
  }

  @Test
  void wideningIsAllowed() {
    assertEquals(ColumnType.of(TypeKind.VARCHAR, 40),
        alter("ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(40)").column(1).type());
    assertEquals(ColumnType.of(TypeKind.VARCHAR, 60),
        alter("ALTER TABLE orders ALTER note SET DATA TYPE VARCHAR(60)").column(4).type());
    assertEquals(ColumnType.decimal(14, 2),
        alter("ALTER TABLE orders ALTER COLUMN amount TYPE DECIMAL(14, 2)").column(2).type());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(10) | 1 | 42 | VARCHAR(20) to VARCHAR(10)",
      "ALTER TABLE users ALTER COLUMN age TYPE SMALLINT | 1 | 41 | INTEGER to SMALLINT",
      "ALTER TABLE users ALTER COLUMN age TYPE VARCHAR(10) | 1 | 41 | only widening",
      "ALTER TABLE orders ALTER COLUMN amount TYPE DECIMAL(10,3) | 1 | 45 | DECIMAL(10,2)",
  })
  void narrowingOrChangingATypeIsRefusedAtTheType(String sql, int line, int column,
      String mention) {
    assertFails(catalog, sql, SqlState.DATATYPE_MISMATCH, line, column, mention);
  }

  @Test
  void changesThatWouldBreakTheTableAreRefused() {
    assertFails(catalog, "ALTER TABLE users DROP COLUMN id", SqlState.INVALID_TABLE_DEFINITION,
        1, 31, "primary key");
    assertFails(catalog, "ALTER TABLE users ADD COLUMN x INT NOT NULL",
        SqlState.INVALID_TABLE_DEFINITION, 1, 30, "nullable");
    assertFails(catalog, "ALTER TABLE users ADD COLUMN x INT DEFAULT 3",
        SqlState.FEATURE_NOT_SUPPORTED, 1, 44, "DEFAULT");
    assertFails(catalog, "ALTER TABLE users ADD COLUMN name INT", SqlState.DUPLICATE_COLUMN, 1, 30,
        "NAME");
    assertFails(catalog, "ALTER TABLE users DROP COLUMN nope", SqlState.UNDEFINED_COLUMN, 1, 31,
        "NOPE");
    assertFails(catalog, "ALTER TABLE nope ADD COLUMN x INT", SqlState.UNDEFINED_TABLE, 1, 13,
        "NOPE");
    assertFails(catalog, "ALTER TABLE orders ADD COLUMN hits COUNTER", SqlState.WRONG_OBJECT_TYPE,
        1, 31, "per row");
    catalog.putIndex(new IndexDef("USERS_BY_AGE", "USERS", 1, List.of(new IndexDef.Key(3, false)),
        false));
    assertFails(catalog, "ALTER TABLE users DROP age", SqlState.DEPENDENT_OBJECTS_STILL_EXIST, 1,
        24, "DROP INDEX USERS_BY_AGE");
  }

  @Test
  void typeAliasesThatToolsEmitMap() {
    Plan.CreateTable t = assertInstanceOf(Plan.CreateTable.class, planner.plan(
        "CREATE TABLE t (id INT PRIMARY KEY, s TEXT, d DATETIME, b BOOL, n NUMERIC(8,2),"
            + " e datetime(6))",
        catalog));
    TableSchema s = t.schema();
    assertEquals(TypeKind.INTEGER, s.column(0).type().kind());
    assertEquals(ColumnType.of(TypeKind.VARCHAR, ColumnType.MAX_LENGTH), s.column(1).type());
    assertEquals(TypeKind.TIMESTAMP, s.column(2).type().kind());
    assertEquals(TypeKind.BOOLEAN, s.column(3).type().kind());
    assertEquals(ColumnType.decimal(8, 2), s.column(4).type());
    assertEquals(TypeKind.TIMESTAMP, s.column(5).type().kind());
    assertFails(catalog, "CREATE TABLE u (id INT PRIMARY KEY, c CLOB)",
        SqlState.FEATURE_NOT_SUPPORTED, 1, 39, "use VARCHAR");
    assertFails(catalog, "CREATE TABLE u (id INT PRIMARY KEY, c BLOB)",
        SqlState.FEATURE_NOT_SUPPORTED, 1, 39, "use VARBINARY");
  }
}
