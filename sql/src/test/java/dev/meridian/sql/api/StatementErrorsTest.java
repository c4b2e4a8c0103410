package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Errors that are about the statement as a whole: syntax, emptiness, unsupported kinds. */
class StatementErrorsTest {
  private final TestCatalog catalog = TestCatalog.standard();

  @Test
  void syntaxErrorNamesTheTokenAndWhatWasExpected() {
    MeridianException e = assertFails(catalog, "SELECT * FROM users WHERE id = = 1",
        SqlState.SYNTAX_ERROR, 1, 30, "syntax error at \"= =\"", "expected one of", "\"(\"",
        "more");
    assertEquals(1, e.getMessage().lines().count(), "one readable line: " + e.getMessage());
  }

  @Test
  void syntaxErrorOnALaterLine() {
    assertFails(catalog, "SELECT *\nFROM users\nWHERE id = 1 1", SqlState.SYNTAX_ERROR, 3, 14,
        "\"1\"");
  }

  @Test
  void misspelledKeyword() {
    assertFails(catalog, "SELEC 1", SqlState.SYNTAX_ERROR, 1, 1, "syntax error at \"SELEC\"");
  }

  @Test
  void unexpectedEnd() {
    assertFails(catalog, "SELECT * FROM", SqlState.SYNTAX_ERROR, 1, 13, "end of statement");
  }

  @Test
  void createTableSyntaxErrorsStaySyntaxErrors() {
    String sql = "CREATE TABLE t (a INT PRIMARY KEY,)";
    assertFails(catalog, sql, SqlState.SYNTAX_ERROR, 1, col(sql, ")"), "\")\"");
    assertFails(catalog, "DROP TABLE", SqlState.SYNTAX_ERROR, 1, 10, "end of statement");
  }

  @Test
  void unterminatedString() {
    assertFails(catalog, "SELECT 'abc FROM users", SqlState.SYNTAX_ERROR, 1, 8,
        "syntax error at \"'\"");
  }

  @Test
  void tabsCountAsOneColumn() {
    assertFails(catalog, "SELECT *\tFROM\tnosuch\tWHERE id = 1", SqlState.UNDEFINED_TABLE, 1,
        15, "NOSUCH");
  }

  @Test
  void identifierTooLong() {
    String name = "a".repeat(129);
    assertFails(catalog, "SELECT * FROM " + name + " WHERE id = 1", SqlState.SYNTAX_ERROR, 1, 15,
        "128");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t", "-- just a comment", "/* nothing */"})
  void emptyStatement(String sql) {
    MeridianException e = assertThrows(MeridianException.class,
        () -> new SqlPlanner(1).plan(sql, catalog));
    assertEquals(SqlState.SYNTAX_ERROR, e.state());
    assertNull(e.position());
    assertEquals("empty statement: the SQL text holds no statement", e.getMessage());
  }

  @Test
  void multipleStatements() {
    String sql = "SELECT 1; SELECT 2";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, "SELECT 2"),
        "more than one statement");
  }

  @Test
  void trailingSemicolonIsFine() {
    assertInstanceOf(Plan.Constant.class, new SqlPlanner(1).plan("SELECT 1;", catalog));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "MERGE INTO users u USING orders o ON u.id = o.order_id"
          + " WHEN MATCHED THEN UPDATE SET age = 1 | 1 | MERGE",
      "SET schema = 'x' | 1 | SET",
      "ALTER SESSION SET x = 1 | 1 | SET",
      "DESCRIBE TABLE users | 1 | DESCRIBE",
      "CALL f(1) | 1 | CALL",
      "COMMIT | 1 | COMMIT",
      "\"  rollback\" | 3 | ROLLBACK",
      "BEGIN | 1 | BEGIN",
      "START TRANSACTION | 1 | START",
      "CREATE VIEW v AS SELECT 1 | 1 | CREATE VIEW",
      "CREATE OR REPLACE VIEW v AS SELECT 1 | 1 | CREATE OR REPLACE VIEW",
      "CREATE UNIQUE INDEX i ON users (name) | 1 | CREATE UNIQUE INDEX",
      "CREATE TEMPORARY TABLE t (a INT PRIMARY KEY) | 1 | CREATE TEMPORARY TABLE",
      "DROP VIEW v | 1 | DROP VIEW",
      "TRUNCATE TABLE users | 1 | TRUNCATE",
      "REINDEX TABLE users | 1 | REINDEX",
      "/* hi */ SHOW TABLES | 10 | SHOW",
  })
  void otherStatementsAreNotSupported(String sql, int column, String name) {
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, column, name);
  }

  @Test
  void aCompoundTypeNameIsAnUnsupportedTypeNotACrash() {
    // Found by SqlPlannerFuzzTest (seed 16248858338181): the type alias lookup asked a
    // compound identifier for its simple name, an AssertionError inside Calcite.
    String sql = "CREATE TABLE t (a BIG.NT PRIMARY KEY)";
    assertFails(catalog, sql, SqlState.FEATURE_NOT_SUPPORTED, 1, col(sql, "BIG.NT"), "BIG.NT");
  }
}
