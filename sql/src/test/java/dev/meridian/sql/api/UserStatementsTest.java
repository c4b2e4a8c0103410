package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.meridian.protocol.auth.Privilege;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CREATE/ALTER/DROP USER, GRANT and REVOKE, planned without a server. */
class UserStatementsTest {
  final TestCatalog catalog = TestCatalog.standard();

  Plan plan(String sql) {
    return new SqlPlanner(10).plan(sql, catalog);
  }

  @Test
  void usersAreCreatedAlteredAndDroppedWithTheirNamesAsWritten() {
    assertEquals(new Plan.SetUser("alice", "s3cret", true, false),
        plan("CREATE USER alice WITH PASSWORD 's3cret'"));
    assertEquals(new Plan.SetUser("Bob Smith", "it's", true, true),
        plan("create user if not exists \"Bob Smith\" password 'it''s';"));
    assertEquals(new Plan.SetUser("alice", "new", false, false),
        plan("/* rotate */ ALTER USER alice WITH PASSWORD 'new'"));
    assertEquals(new Plan.DropUser("alice", false), plan("DROP USER alice"));
    assertEquals(new Plan.DropUser("alice", true), plan("drop user if exists alice"));
    assertFalse(plan("CREATE USER alice WITH PASSWORD 's3cret'").toString().contains("s3cret"),
        "a plan never prints the password");
  }

  @Test
  void grantsNameTablesByTheUsualRulesAndUsersAsWritten() {
    int si = Privilege.SELECT.bit() | Privilege.INSERT.bit();
    assertEquals(new Plan.Grant("alice", "USERS", si, false, false),
        plan("GRANT SELECT, INSERT ON users TO alice"));
    assertEquals(new Plan.Grant("alice", "USERS", Privilege.ALL_BITS, false, true),
        plan("REVOKE ALL PRIVILEGES ON TABLE users FROM alice"));
    assertEquals(new Plan.Grant("alice", UserRecord.ALL_TABLES, Privilege.SELECT.bit(), false,
        false), plan("GRANT SELECT ON ALL TABLES TO alice"));
    assertEquals(new Plan.Grant("alice", UserRecord.ALL_TABLES, 0, true, false),
        plan("GRANT ADMIN TO alice"));
    assertEquals(new Plan.Grant("alice", UserRecord.ALL_TABLES, 0, true, true),
        plan("REVOKE ADMIN FROM alice"));
    assertEquals(new Plan.Grant("alice", "USERS", Privilege.DELETE.bit() | Privilege.UPDATE.bit(),
        false, false), plan("grant delete,update on users to alice"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "CREATE USER alice | 1 | 18 | expected PASSWORD",
      "CREATE USER alice WITH PASSWORD secret | 1 | 33 | the password in single quotes",
      "CREATE USER alice PASSWORD '' | 1 | 28 | must not be empty",
      "CREATE USER alice PASSWORD 'x' ADMIN | 1 | 32 | after the statement",
      "GRANT SELECT ON users alice | 1 | 23 | expected TO",
      "GRANT TRUNCATE ON users TO alice | 1 | 7 | unknown privilege TRUNCATE",
      "GRANT SELECT, ADMIN ON users TO alice | 1 | 15 | unknown privilege ADMIN",
      "REVOKE SELECT ON users TO alice | 1 | 24 | expected FROM",
      "DROP USER | 1 | 10 | expected a user name",
      "CREATE USER alice PASSWORD 'unterminated | 1 | 28 | unterminated string",
  })
  void malformedStatementsAreSyntaxErrorsAtTheirPlace(String sql, int line, int column,
      String mention) {
    MeridianException e = assertFails(catalog, sql, SqlState.SYNTAX_ERROR, line, column, mention);
    assertFalse(e.getMessage().contains("secret"), "the password is not echoed: " + e.getMessage());
  }

  @Test
  void aGrantOnATableThatDoesNotExistIs42P01() {
    assertFails(catalog, "GRANT SELECT ON nowhere TO alice", SqlState.UNDEFINED_TABLE, 1, 17,
        "table NOWHERE does not exist");
  }

  @Test
  void otherStatementsStillGoToTheSqlParser() {
    assertEquals(Plan.CreateTable.class, plan("CREATE TABLE usr (id BIGINT PRIMARY KEY)")
        .getClass());
    assertFails(catalog, "CREATE ROLE r", SqlState.FEATURE_NOT_SUPPORTED, 1, 1, "CREATE ROLE");
  }
}
