package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Response;
import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlExceptionsTest {

  /** Every SqlState and the class it must become. */
  private static Map<SqlState, Class<? extends SQLException>> expected() {
    Map<SqlState, Class<? extends SQLException>> m = new EnumMap<>(SqlState.class);
    m.put(SqlState.WARNING, SQLException.class);
    m.put(SqlState.CONNECTION_UNABLE_TO_CONNECT, SQLNonTransientConnectionException.class);
    m.put(SqlState.CONNECTION_DOES_NOT_EXIST, SQLNonTransientConnectionException.class);
    m.put(SqlState.CONNECTION_FAILURE, SQLTransientConnectionException.class);
    m.put(SqlState.PROTOCOL_VIOLATION, SQLNonTransientConnectionException.class);
    m.put(SqlState.FEATURE_NOT_SUPPORTED, SQLFeatureNotSupportedException.class);
    m.put(SqlState.CARDINALITY_VIOLATION, SQLException.class);
    m.put(SqlState.STRING_DATA_RIGHT_TRUNCATION, SQLDataException.class);
    m.put(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, SQLDataException.class);
    m.put(SqlState.DIVISION_BY_ZERO, SQLDataException.class);
    m.put(SqlState.NULL_VALUE_NOT_ALLOWED, SQLDataException.class);
    m.put(SqlState.INVALID_DATETIME_FORMAT, SQLDataException.class);
    m.put(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, SQLDataException.class);
    m.put(SqlState.INVALID_PARAMETER_VALUE, SQLDataException.class);
    m.put(SqlState.NOT_NULL_VIOLATION, SQLIntegrityConstraintViolationException.class);
    m.put(SqlState.UNIQUE_VIOLATION, SQLIntegrityConstraintViolationException.class);
    m.put(SqlState.RESIDENCY_VIOLATION, SQLIntegrityConstraintViolationException.class);
    m.put(SqlState.INVALID_TRANSACTION_STATE, SQLException.class);
    m.put(SqlState.ACTIVE_SQL_TRANSACTION, SQLException.class);
    m.put(SqlState.READ_ONLY_SQL_TRANSACTION, SQLException.class);
    m.put(SqlState.INVALID_AUTHORIZATION, SQLInvalidAuthorizationSpecException.class);
    m.put(SqlState.INVALID_PASSWORD, SQLInvalidAuthorizationSpecException.class);
    m.put(SqlState.INSUFFICIENT_PRIVILEGE, SQLSyntaxErrorException.class);
    m.put(SqlState.DUPLICATE_OBJECT, SQLSyntaxErrorException.class);
    m.put(SqlState.SYNTAX_ERROR, SQLSyntaxErrorException.class);
    m.put(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, SQLSyntaxErrorException.class);
    m.put(SqlState.UNDEFINED_COLUMN, SQLSyntaxErrorException.class);
    m.put(SqlState.UNDEFINED_OBJECT, SQLSyntaxErrorException.class);
    m.put(SqlState.DUPLICATE_COLUMN, SQLSyntaxErrorException.class);
    m.put(SqlState.UNDEFINED_TABLE, SQLSyntaxErrorException.class);
    m.put(SqlState.DUPLICATE_TABLE, SQLSyntaxErrorException.class);
    m.put(SqlState.DATATYPE_MISMATCH, SQLSyntaxErrorException.class);
    m.put(SqlState.INVALID_TABLE_DEFINITION, SQLSyntaxErrorException.class);
    m.put(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, SQLException.class);
    m.put(SqlState.WRONG_OBJECT_TYPE, SQLSyntaxErrorException.class);
    m.put(SqlState.INDETERMINATE_DATATYPE, SQLSyntaxErrorException.class);
    m.put(SqlState.WRONG_PARAMETER_COUNT, SQLException.class);
    m.put(SqlState.INVALID_DESCRIPTOR_INDEX, SQLException.class);
    m.put(SqlState.INVALID_CURSOR_STATE, SQLException.class);
    m.put(SqlState.SERIALIZATION_FAILURE, SQLTransactionRollbackException.class);
    m.put(SqlState.INSUFFICIENT_RESOURCES, SQLTransientException.class);
    m.put(SqlState.DISK_FULL, SQLTransientException.class);
    m.put(SqlState.CAPACITY_EXCEEDED, SQLTransientException.class);
    m.put(SqlState.QUERY_CANCELED, SQLTransientException.class);
    m.put(SqlState.REGION_NOT_READY, SQLTransientException.class);
    m.put(SqlState.SESSION_BEHIND, SQLTransientException.class);
    m.put(SqlState.IO_ERROR, SQLException.class);
    m.put(SqlState.TIMEOUT, SQLTimeoutException.class);
    m.put(SqlState.INTERNAL_ERROR, SQLException.class);
    return m;
  }

  @Test
  void everyStateMapsToItsClassKeepingCodeMessageAndCause() {
    Map<SqlState, Class<? extends SQLException>> expected = expected();
    assertEquals(SqlState.values().length, expected.size(), "a new SqlState needs a mapping");
    for (SqlState s : SqlState.values()) {
      MeridianException cause = new MeridianException(s, "boom " + s);
      SQLException e = SqlExceptions.of(cause);
      assertEquals(expected.get(s), e.getClass(), s.toString());
      assertEquals(s.code(), e.getSQLState());
      assertEquals("boom " + s, e.getMessage());
      assertSame(cause, e.getCause());
    }
  }

  @Test
  void peerErrorsConvertTheSameWay() {
    MeridianException m = SqlExceptions.fromResponse(
        new Response.Error(SqlState.UNIQUE_VIOLATION, "key exists"));
    assertEquals(SqlState.UNIQUE_VIOLATION, m.state());
    assertEquals("key exists", m.getMessage());
    SQLException e = SqlExceptions.of(m);
    assertEquals(SQLIntegrityConstraintViolationException.class, e.getClass());
    assertEquals(SqlState.INTERNAL_ERROR,
        SqlExceptions.fromResponse(new Response.Error(null, "?")).state());
  }

  @Test
  void positionIsInTheMessage() {
    SQLException e = SqlExceptions.of(new MeridianException(SqlState.SYNTAX_ERROR, "bad",
        new dev.meridian.protocol.error.SqlPosition(2, 7), null));
    assertEquals("bad (at line 2, column 7)", e.getMessage());
  }

  @Test
  void otherThrowablesBecomeInternalErrors() {
    IllegalStateException bug = new IllegalStateException("bug");
    SQLException e = SqlExceptions.of(bug);
    assertEquals("XX000", e.getSQLState());
    assertSame(bug, e.getCause());
    SQLException same = new SQLException("x");
    assertSame(same, SqlExceptions.of((Throwable) same));
  }

  @Test
  void batchFailureBecomesBatchUpdateException() {
    BatchFailure f = new BatchFailure(SqlState.UNIQUE_VIOLATION, "row 2 failed",
        new long[] {1, Statement.EXECUTE_FAILED}, null);
    SQLException e = SqlExceptions.of(f);
    BatchUpdateException b = (BatchUpdateException) e;
    assertArrayEquals(new int[] {1, Statement.EXECUTE_FAILED}, b.getUpdateCounts());
    assertEquals("23505", b.getSQLState());
    assertSame(f, b.getCause());
  }

  @Test
  void notSupportedNamesTheFeature() {
    SQLFeatureNotSupportedException e = SqlExceptions.notSupported("Connection.createBlob");
    assertEquals("0A000", e.getSQLState());
    assertEquals("Connection.createBlob is not supported by Meridian", e.getMessage());
  }

  @Test
  void warnings() {
    SQLWarning w = SqlExceptions.warning("careful");
    assertEquals("01000", w.getSQLState());
  }
}
