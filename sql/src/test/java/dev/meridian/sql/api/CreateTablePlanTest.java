package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CreateTablePlanTest {
  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private Plan.CreateTable create(String sql) {
    return assertInstanceOf(Plan.CreateTable.class, planner.plan(sql, catalog));
  }

  @Test
  void inlinePrimaryKey() {
    Plan.CreateTable plan = create("CREATE TABLE accounts (id BIGINT PRIMARY KEY,"
        + " name VARCHAR(20) NOT NULL, email VARCHAR(100), active BOOLEAN NULL)");
    TableSchema schema = plan.schema();
    assertFalse(plan.ifNotExists());
    assertEquals(0, schema.tableId());
    assertEquals("ACCOUNTS", schema.name());
    assertEquals(List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 20), false),
        new ColumnDef("EMAIL", ColumnType.of(TypeKind.VARCHAR, 100), true),
        new ColumnDef("ACTIVE", ColumnType.of(TypeKind.BOOLEAN), true)), schema.columns());
    assertEquals(List.of(0), schema.keyColumns());
    assertEquals(ConflictResolution.CELL, schema.resolution());
    assertEquals(List.of(), plan.parameterTypes());
  }

  @Test
  void compositeKeyByConstraintInKeyOrderWithRowResolution() {
    Plan.CreateTable plan = create("CREATE TABLE IF NOT EXISTS shipments (region VARCHAR(10),"
        + " id BIGINT, qty INT, CONSTRAINT pk_shipments PRIMARY KEY (id, region))"
        + " WITH (conflict_resolution = 'row')");
    TableSchema schema = plan.schema();
    assertTrue(plan.ifNotExists());
    assertEquals(List.of(1, 0), schema.keyColumns());
    assertFalse(schema.column(0).nullable(), "key columns are NOT NULL");
    assertFalse(schema.column(1).nullable());
    assertTrue(schema.column(2).nullable());
    assertEquals(ConflictResolution.ROW, schema.resolution());
  }

  @Test
  void unnamedTableConstraintAndOptionValueInAnyCase() {
    TableSchema schema = create("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a))"
        + " WITH (CONFLICT_RESOLUTION = 'CELL')").schema();
    assertEquals(List.of(0), schema.keyColumns());
    assertEquals(ConflictResolution.CELL, schema.resolution());
  }

  @Test
  void quotedNamesKeepTheirCaseAndPublicSchemaIsDropped() {
    TableSchema schema = create("CREATE TABLE public.\"Mixed\" (\"id\" INT PRIMARY KEY,"
        + " \"Value\" VARCHAR, plain CHAR)").schema();
    assertEquals("Mixed", schema.name());
    assertEquals("id", schema.column(0).name());
    assertEquals("Value", schema.column(1).name());
    assertEquals(ColumnType.of(TypeKind.VARCHAR, ColumnType.MAX_LENGTH), schema.column(1).type());
    assertEquals("PLAIN", schema.column(2).name());
    assertEquals(ColumnType.of(TypeKind.CHAR, 1), schema.column(2).type());
  }

  @Test
  void keywordsThatAreNotReservedServeAsNames() {
    TableSchema schema = create("CREATE TABLE if (key INT PRIMARY KEY, name VARCHAR(5))")
        .schema();
    assertEquals("IF", schema.name());
    assertEquals("KEY", schema.column(0).name());
  }

  @Test
  void existingTableIsLeftToThePeer() {
    Plan.CreateTable plan = create("CREATE TABLE users (id BIGINT PRIMARY KEY)");
    assertEquals("USERS", plan.schema().name());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "BIGINT | BIGINT | 0 | 0",
      "INT | INTEGER | 0 | 0",
      "INTEGER | INTEGER | 0 | 0",
      "SMALLINT | SMALLINT | 0 | 0",
      "TINYINT | SMALLINT | 0 | 0",
      "VARCHAR(10) | VARCHAR | 10 | 0",
      "CHARACTER VARYING(12) | VARCHAR | 12 | 0",
      "CHAR VARYING(3) | VARCHAR | 3 | 0",
      "VARCHAR | VARCHAR | 1048576 | 0",
      "CHAR(3) | CHAR | 3 | 0",
      "CHARACTER(4) | CHAR | 4 | 0",
      "CHAR | CHAR | 1 | 0",
      "BOOLEAN | BOOLEAN | 0 | 0",
      "DOUBLE | DOUBLE | 0 | 0",
      "DOUBLE PRECISION | DOUBLE | 0 | 0",
      "FLOAT | DOUBLE | 0 | 0",
      "REAL | REAL | 0 | 0",
      "DECIMAL(10,2) | DECIMAL | 10 | 2",
      "DECIMAL(10) | DECIMAL | 10 | 0",
      "NUMERIC(5,1) | DECIMAL | 5 | 1",
      "DEC(7,3) | DECIMAL | 7 | 3",
      "DECIMAL | DECIMAL | 38 | 0",
      "DATE | DATE | 0 | 0",
      "TIME | TIME | 0 | 0",
      "TIME(3) | TIME | 0 | 0",
      "TIMESTAMP | TIMESTAMP | 0 | 0",
      "TIMESTAMP(6) | TIMESTAMP | 0 | 0",
      "VARBINARY(16) | VARBINARY | 16 | 0",
      "BINARY VARYING(8) | VARBINARY | 8 | 0",
      "VARBINARY | VARBINARY | 1048576 | 0",
  })
  void everySupportedTypeMaps(String sqlType, TypeKind kind, int precision, int scale) {
    TableSchema schema = create("CREATE TABLE t (k INT PRIMARY KEY, c " + sqlType + ")")
        .schema();
    assertEquals(new ColumnType(kind, precision, scale), schema.column(1).type());
  }

  @Test
  void missingPrimaryKey() {
    String sql = "CREATE TABLE t (a INT, b INT)";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1, col(sql, "t ("),
        "T", "no primary key");
  }

  @Test
  void twoInlinePrimaryKeys() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1, col(sql, "b INT"),
        "PRIMARY KEY twice");
  }

  @Test
  void inlineAndTableLevelPrimaryKey() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY, b INT, CONSTRAINT pk PRIMARY KEY (a, b))";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        col(sql, "CONSTRAINT"), "PRIMARY KEY twice");
  }

  @Test
  void primaryKeyOnUnknownColumn() {
    String sql = "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, nope))";
    assertFails(catalog, sql, SqlState.UNDEFINED_COLUMN, 1, col(sql, "nope"), "NOPE");
  }

  @Test
  void primaryKeyNamesAColumnTwice() {
    String sql = "CREATE TABLE t (a INT, PRIMARY KEY (a, a))";
    assertFails(catalog, sql, SqlState.DUPLICATE_COLUMN, 1, col(sql, "a))"), "A", "twice");
  }

  @Test
  void duplicateColumn() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY, b INT, \"B\" VARCHAR(3))";
    assertFails(catalog, sql, SqlState.DUPLICATE_COLUMN, 1, col(sql, "\"B\""), "B");
  }

  @Test
  void keyColumnDeclaredNull() {
    String sql = "CREATE TABLE t (a INT NULL PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1, col(sql, "a INT"),
        "A", "NULL");
  }

  @Test
  void unknownOption() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY) WITH (ttl = '1d')";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1, col(sql, "ttl"),
        "TTL");
  }

  @Test
  void badConflictResolution() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY) WITH (conflict_resolution = 'table')";
    assertFails(catalog, sql, SqlState.INVALID_PARAMETER_VALUE, 1, col(sql, "'table'"),
        "'table'", "conflict_resolution");
  }

  @Test
  void optionGivenTwice() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY)"
        + " WITH (conflict_resolution = 'row', conflict_resolution = 'cell')";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        sql.lastIndexOf("conflict_resolution") + 1, "twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TIMESTAMP WITH LOCAL TIME ZONE", "INTEGER ARRAY", "MY_TYPE",
      "BINARY(4)", "VARCHAR(5) CHARACTER SET \"ISO-8859-1\"", "ROW(x INT)", "TIME WITH TIME ZONE",
      "VARIANT", "ANY"})
  void unsupportedTypes(String sqlType) {
    String sql = "CREATE TABLE t (k INT PRIMARY KEY, c " + sqlType + ")";
    String named = sqlType.startsWith("VARCHAR") ? "CHARACTER SET" : sqlType;
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, sqlType), named);
  }

  @Test
  void decimalPrecisionOutOfRange() {
    String sql = "CREATE TABLE t (k INT PRIMARY KEY, c DECIMAL(50, 2))";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        col(sql, "DECIMAL"), "DECIMAL(50,2)");
  }

  @Test
  void zeroLengthVarchar() {
    String sql = "CREATE TABLE t (k INT PRIMARY KEY, c VARCHAR(0))";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 1,
        col(sql, "VARCHAR"), "VARCHAR");
  }

  @Test
  void createOrReplace() {
    String sql = "CREATE OR REPLACE TABLE t (k INT PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, 1, "CREATE OR REPLACE TABLE");
  }

  @Test
  void otherSchema() {
    String sql = "CREATE TABLE other.t (k INT PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "other"), "OTHER.T");
  }

  @Test
  void dropTable() {
    assertEquals(new Plan.DropTable("USERS", false), planner.plan("DROP TABLE users", catalog));
    assertEquals(new Plan.DropTable("USERS", false),
        planner.plan("drop table PUBLIC.Users", catalog));
    assertEquals(new Plan.DropTable("events", true),
        planner.plan("DROP TABLE IF EXISTS \"events\"", catalog));
    assertEquals(new Plan.DropTable("NOSUCH", true),
        planner.plan("DROP TABLE IF EXISTS nosuch", catalog));
  }

  @Test
  void dropUnknownTable() {
    String sql = "DROP TABLE nosuch";
    assertFails(catalog, sql, SqlState.UNDEFINED_TABLE, 1, col(sql, "nosuch"),
        "table NOSUCH does not exist");
    assertFails(catalog, "DROP TABLE events", SqlState.UNDEFINED_TABLE, 1, 12, "EVENTS");
  }
}
