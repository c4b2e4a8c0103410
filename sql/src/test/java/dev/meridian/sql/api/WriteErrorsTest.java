package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static dev.meridian.sql.api.PlanAssertions.col;

import dev.meridian.protocol.error.SqlState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WriteErrorsTest {
  private final TestCatalog catalog = TestCatalog.standard();

  private void fails(String sql, SqlState state, String at, String... mentions) {
    assertFails(catalog, sql, state, 1, col(sql, at), mentions);
  }

  @Test
  void unknownTable() {
    fails("INSERT INTO nosuch VALUES (1)", SqlState.UNDEFINED_TABLE, "nosuch",
        "table NOSUCH does not exist");
    fails("UPDATE nosuch SET a = 1 WHERE id = 1", SqlState.UNDEFINED_TABLE, "nosuch", "NOSUCH");
    fails("DELETE FROM nosuch WHERE id = 1", SqlState.UNDEFINED_TABLE, "nosuch", "NOSUCH");
    fails("INSERT INTO other.users VALUES (1)", SqlState.UNDEFINED_TABLE, "other", "OTHER.USERS");
    fails("INSERT INTO \"users\" VALUES (1)", SqlState.UNDEFINED_TABLE, "\"users\"", "users");
  }

  @Test
  void unknownColumn() {
    fails("INSERT INTO users (id, nick) VALUES (1, 'x')", SqlState.UNDEFINED_COLUMN, "nick",
        "NICK", "USERS");
    fails("UPDATE users SET nick = 'x' WHERE id = 1", SqlState.UNDEFINED_COLUMN, "nick", "NICK");
    fails("DELETE FROM users WHERE nick = 'x'", SqlState.UNDEFINED_COLUMN, "nick", "NICK");
    fails("DELETE FROM users u WHERE x.id = 1", SqlState.UNDEFINED_TABLE, "x.id", "X");
  }

  @Test
  void columnListedTwice() {
    fails("INSERT INTO users (id, name, id) VALUES (1, 'a', 1)", SqlState.DUPLICATE_COLUMN,
        "id)", "ID", "twice");
  }

  @Test
  void valueCountMismatch() {
    fails("INSERT INTO users (id, name) VALUES (1, 'a'), (2)", SqlState
        .SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "(2)", "2 target columns", "1 values");
    fails("INSERT INTO users VALUES (1, 'a')", SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
        "(1,", "4 target columns");
  }

  @Test
  void missingNotNullAndKeyColumns() {
    fails("INSERT INTO users (id, email) VALUES (1, 'x')", SqlState.NOT_NULL_VIOLATION,
        "(id", "NAME");
    fails("INSERT INTO users (name) VALUES ('x')", SqlState.NOT_NULL_VIOLATION, "(name",
        "key column ID");
    fails("UPSERT INTO orders (region, note) VALUES ('eu', 'x')", SqlState.NOT_NULL_VIOLATION,
        "(region", "key column ORDER_ID");
  }

  @Test
  void nullInKeyOrNotNullColumn() {
    fails("INSERT INTO users VALUES (NULL, 'a', NULL, NULL)", SqlState.NOT_NULL_VIOLATION,
        "NULL", "key column ID");
    fails("UPSERT INTO users (id, name) VALUES (1, CAST(NULL AS VARCHAR(3)))",
        SqlState.NOT_NULL_VIOLATION, "CAST", "NAME");
    fails("UPDATE users SET name = NULL WHERE id = 1", SqlState.NOT_NULL_VIOLATION, "NULL",
        "NAME");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "INSERT INTO users VALUES (1, 'a', NULL, 'old') | 22018 | 'old' | AGE",
      "INSERT INTO users VALUES ('x1', 'a', NULL, 1) | 22018 | 'x1' | ID",
      "INSERT INTO users VALUES (1, 'abcdefghijklmnopqrstuvwxyz', NULL, 1) | 22001 | 'abc | NAME",
      "INSERT INTO users VALUES (1, 'a', NULL, 3000000000) | 22003 | 3000000000 | AGE",
      "INSERT INTO users VALUES (1, 'a', NULL, -3000000000) | 22003 | -3000000000 | AGE",
      "INSERT INTO all_types (k, c_date) VALUES (1, 'yesterday') | 22007 | 'yes | C_DATE",
      "INSERT INTO all_types (k, c_date) VALUES (1, CAST('x' AS DATE)) | 22007 | 'x' | DATE",
      "INSERT INTO all_types (k, c_date) VALUES (1, DATE '2024-13-45') | 22007 | DATE | DATE",
      "INSERT INTO all_types (k, c_decimal) VALUES (1, 12345.6) | 22003 | 12345.6 | C_DECIMAL",
      "INSERT INTO all_types (k, c_varbinary) VALUES (1, X'0102030405') | 22001 | X' | "
          + "C_VARBINARY",
      "INSERT INTO all_types (k, c_boolean) VALUES (1, 'maybe') | 22018 | 'maybe' | C_BOOLEAN",
      "UPDATE users SET age = 'x' WHERE id = 1 | 22018 | 'x' | AGE",
      "DELETE FROM users WHERE id = 'one' | 22018 | 'one' | ID",
  })
  void badLiteralsFailAtPlanTime(String sql, String state, String at, String mention) {
    fails(sql, SqlState.of(state), at, mention);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "INSERT INTO users VALUES (1 + 1, 'a', NULL, NULL) | 1 + 1",
      "INSERT INTO users VALUES (1, UPPER('a'), NULL, NULL) | UPPER('a')",
      "INSERT INTO users VALUES (1, 'a', NULL, DEFAULT) | DEFAULT",
      "INSERT INTO users (id, name) VALUES (1, CAST(1 + 1 AS VARCHAR(2))) | 1 + 1",
  })
  void expressionsAreNotSupported(String sql, String expression) {
    fails(sql, SqlState.FEATURE_NOT_SUPPORTED, expression, expression);
  }

  @Test
  void insertFromQuery() {
    fails("INSERT INTO users SELECT * FROM users WHERE id = 1", SqlState.FEATURE_NOT_SUPPORTED,
        "SELECT", "INSERT ... SELECT");
    fails("UPSERT INTO users (id, name) SELECT id, name FROM users WHERE id = 1",
        SqlState.FEATURE_NOT_SUPPORTED, "SELECT", "UPSERT ... SELECT");
  }

  @Test
  void updateOfKeyColumn() {
    fails("UPDATE users SET id = 2 WHERE id = 1", SqlState.FEATURE_NOT_SUPPORTED, "id =",
        "key column ID");
  }

  @Test
  void columnAssignedTwice() {
    fails("UPDATE users SET age = 1, age = 2 WHERE id = 1",
        SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "age = 2", "AGE", "twice");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "UPDATE users SET age = 1 WHERE name = 'x' | name | NAME",
      "UPDATE users SET age = 1 WHERE id > 1 | id > 1 | id > 1",
      "UPDATE users SET age = 1 WHERE id = 1 OR id = 2 | id = 1 OR | OR",
      "DELETE FROM orders WHERE region = 'eu' | region | ORDER_ID",
      "DELETE FROM users WHERE id = age | id = age | id = age",
  })
  void updatesAndDeletesBeyondOneKeyScanForTheirRows(String sql, String at, String mention) {
    Plan plan = new SqlPlanner(0).plan(sql, catalog);
    Plan.ScanWrite w = org.junit.jupiter.api.Assertions.assertInstanceOf(Plan.ScanWrite.class,
        plan, sql);
    org.junit.jupiter.api.Assertions.assertEquals(sql.startsWith("UPDATE")
        ? dev.meridian.protocol.wire.WriteKind.UPDATE
        : dev.meridian.protocol.wire.WriteKind.DELETE, w.kind());
    org.junit.jupiter.api.Assertions.assertTrue(w.query().sql().startsWith("SELECT "), sql);
  }

  /**
   * Named by key (equalities or IN lists) with anything else on the row: planned as writes by
   * key whose condition and computed values the row's owner evaluates in the write step.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "DELETE FROM users WHERE id IN (1, 2) | 2 | false | false",
      "DELETE FROM users WHERE id = 1 AND id = 2 | 1 | true | false",
      "DELETE FROM users WHERE id = 1 AND age = 2 | 1 | true | false",
      "UPDATE users SET age = age + 1 WHERE id = 1 | 1 | false | true",
      "UPDATE users SET age = CASE WHEN age > ? THEN age * 2 ELSE COALESCE(age, 0) END,"
          + " name = UPPER(SUBSTRING(name FROM 2)) WHERE id IN (?, ?) AND age BETWEEN 1 AND ?"
          + " | 2 | true"
          + " | true",
  })
  void updatesAndDeletesByKeyReadTheirRowAtomically(String sql, int keys, boolean condition,
      boolean computed) {
    Plan.Write w = org.junit.jupiter.api.Assertions.assertInstanceOf(Plan.Write.class,
        new SqlPlanner(0).plan(sql, catalog), sql);
    org.junit.jupiter.api.Assertions.assertEquals(keys, w.rows().size());
    org.junit.jupiter.api.Assertions.assertEquals(condition, w.rows().get(0).condition() != null);
    org.junit.jupiter.api.Assertions.assertEquals(computed, w.rows().get(0).computed() != null);
  }

  @Test
  void parametersInExpressionsTakeTheirTypeFromTheirPlace() {
    Plan.Write w = (Plan.Write) new SqlPlanner(0).plan(
        "UPDATE users SET age = age + ? WHERE id = ? AND name LIKE ?", catalog);
    org.junit.jupiter.api.Assertions.assertEquals(3, w.parameterTypes().size());
    fails("UPDATE users SET age = age + 1 WHERE id = 1 AND ? = ?",
        SqlState.INDETERMINATE_DATATYPE, "?", "CAST(? AS type)");
    fails("UPDATE users SET age = SQRT(age) WHERE id = 1", SqlState.FEATURE_NOT_SUPPORTED,
        "SQRT", "COALESCE");
  }

  @Test
  void updateOrDeleteWithoutWhereScansTheWholeTable() {
    Plan.ScanWrite d = org.junit.jupiter.api.Assertions.assertInstanceOf(Plan.ScanWrite.class,
        new SqlPlanner(0).plan("DELETE FROM users", catalog));
    org.junit.jupiter.api.Assertions.assertFalse(d.query().sql().contains("WHERE"));
    Plan.ScanWrite u = org.junit.jupiter.api.Assertions.assertInstanceOf(Plan.ScanWrite.class,
        new SqlPlanner(0).plan("UPDATE users SET age = age + ?, name = ? WHERE age > ?",
            catalog));
    // The rows' owners compute age + ? and check age > ? again; the query only finds keys, so
    // its one parameter is the filter's (? 3).
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2}, u.queryParameters());
    org.junit.jupiter.api.Assertions.assertEquals(3, u.parameterTypes().size());
    org.junit.jupiter.api.Assertions.assertNotNull(u.condition());
    // age = age + ? is computed there; name = ? is an operand.
    org.junit.jupiter.api.Assertions.assertEquals(1,
        u.computed().stream().filter(java.util.Objects::nonNull).count());
    // A subquery is beyond the owner: the query computes the value, as before.
    Plan.ScanWrite q = (Plan.ScanWrite) new SqlPlanner(0).plan("UPDATE users SET age = age + ?"
        + " WHERE id IN (SELECT id FROM users WHERE age > ?)", catalog);
    // ? 1 is inside a computed assignment (the query's first), ? 2 the filter.
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1}, q.queryParameters());
    org.junit.jupiter.api.Assertions.assertNull(q.condition());
    org.junit.jupiter.api.Assertions.assertNull(q.computed());
  }

  @Test
  void keyComparedWithNull() {
    fails("DELETE FROM users WHERE id = NULL", SqlState.NULL_VALUE_NOT_ALLOWED, "NULL", "ID");
  }

  @Test
  void tableHints() {
    fails("INSERT INTO users /*+ fast */ VALUES (1, 'a', NULL, NULL)",
        SqlState.FEATURE_NOT_SUPPORTED, "users", "hints");
  }
}
