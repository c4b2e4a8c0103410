package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatementTest {
  static final String INSERT_LITERAL = "INSERT INTO ALL_TYPES VALUES (1, ...)";
  static final String SELECT_LITERAL = "SELECT * FROM ALL_TYPES WHERE ID = 1";
  static final String UPDATE_LITERAL = "UPDATE ALL_TYPES SET C_VARCHAR = 'z' WHERE ID = 1";
  static final String DELETE_LITERAL = "DELETE FROM ALL_TYPES WHERE ID = 1";

  /** Raw values for ALL_TYPES row 1, in column order. */
  static final Object[] RAW = {1L, Long.MIN_VALUE, Integer.MAX_VALUE, (short) -7, "héllo", "ab",
      true, 1.5e300, 2.25f, new BigDecimal("12345678.9"), LocalDate.of(2024, 2, 29),
      LocalTime.of(13, 14, 15, 123_000_000), LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123456789),
      new byte[] {1, 2, (byte) 0xff}};

  Fixture f;
  Connection c;
  Statement s;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    f.planner.on(INSERT_LITERAL, cat -> {
      TableSchema t = Fixture.table(cat, "ALL_TYPES");
      List<Operand> values = new ArrayList<>();
      int[] columns = new int[t.columnCount()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = i;
        values.add(new Operand.Literal(t.column(i).type().coerce(RAW[i])));
      }
      return new Plan.Write(t, WriteKind.INSERT,
          List.of(new Plan.RowTemplate(List.of(values.get(0)), columns, values)), List.of());
    });
    f.planner.on(SELECT_LITERAL, cat -> {
      TableSchema t = Fixture.table(cat, "ALL_TYPES");
      int[] projection = new int[t.columnCount()];
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < projection.length; i++) {
        projection[i] = i;
        labels.add(t.column(i).name());
      }
      return new Plan.PointSelect(t, List.of(List.of(new Operand.Literal(1L))), projection,
          labels, List.of());
    });
    f.planner.on(UPDATE_LITERAL, cat -> new Plan.Write(Fixture.table(cat, "ALL_TYPES"),
        WriteKind.UPDATE, List.of(new Plan.RowTemplate(List.of(new Operand.Literal(1L)),
            new int[] {4}, List.of(new Operand.Literal("z")))), List.of()));
    f.planner.on(DELETE_LITERAL, cat -> new Plan.Write(Fixture.table(cat, "ALL_TYPES"),
        WriteKind.DELETE, List.of(new Plan.RowTemplate(List.of(new Operand.Literal(1L)),
            new int[0], List.of())), List.of()));
    c = f.connect();
    s = c.createStatement();
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  @Test
  void ddlCountsZeroWarnsOnIfNotExistsAndRefreshesTheCatalog() throws SQLException {
    assertEquals(0, s.executeUpdate(Fixture.CREATE_ALL));
    assertNotNull(f.peer.table("ALL_TYPES"));
    assertNull(s.getWarnings());
    long catalogs = f.peer.count(Request.GetCatalog.class);
    assertEquals(0, s.executeUpdate(Fixture.CREATE_ALL_IF));
    assertEquals("table ALL_TYPES already exists; nothing was created",
        s.getWarnings().getMessage());
    assertEquals(catalogs + 1, f.peer.count(Request.GetCatalog.class));
    SQLSyntaxErrorException dup = assertThrows(SQLSyntaxErrorException.class,
        () -> s.executeUpdate(Fixture.CREATE_ALL));
    assertEquals("42P07", dup.getSQLState());
    assertNull(s.getWarnings(), "warnings are cleared by the next execution");
    assertFalse(s.execute(Fixture.DROP_ALL));
    assertEquals(0, s.getUpdateCount());
    assertNull(f.peer.table("ALL_TYPES"));
    assertEquals(0, s.executeUpdate(Fixture.DROP_ALL_IF));
    assertTrue(s.getWarnings().getMessage().contains("does not exist"));
    assertEquals("42P01", assertThrows(SQLSyntaxErrorException.class,
        () -> s.executeUpdate(Fixture.DROP_ALL)).getSQLState());
  }

  @Test
  void crudOfAllThirteenTypes() throws SQLException {
    s.executeUpdate(Fixture.CREATE_ALL);
    assertEquals(1, s.executeUpdate(INSERT_LITERAL));
    try (ResultSet rs = s.executeQuery(SELECT_LITERAL)) {
      assertTrue(rs.next());
      assertEquals(1L, rs.getObject("ID"));
      assertEquals(Long.MIN_VALUE, rs.getObject("c_bigint"));
      assertEquals(Integer.MAX_VALUE, rs.getObject("C_INTEGER"));
      assertEquals(-7, rs.getObject("C_SMALLINT"));
      assertEquals((short) -7, rs.getShort("C_SMALLINT"));
      assertEquals("héllo", rs.getObject("C_VARCHAR"));
      assertEquals("ab   ", rs.getString("C_CHAR"));
      assertEquals(Boolean.TRUE, rs.getObject("C_BOOLEAN"));
      assertEquals(1.5e300, rs.getDouble("C_DOUBLE"));
      assertEquals(2.25f, rs.getObject("C_REAL"));
      assertEquals(new BigDecimal("12345678.90"), rs.getObject("C_DECIMAL"));
      assertEquals(Date.valueOf("2024-02-29"), rs.getObject("C_DATE"));
      assertEquals(LocalTime.of(13, 14, 15, 123_000_000),
          rs.getObject("C_TIME", LocalTime.class));
      assertEquals("13:14:15", rs.getTime("C_TIME").toString());
      assertEquals(Time.class, rs.getObject("C_TIME").getClass());
      assertEquals(Timestamp.valueOf("2024-02-29 13:14:15.123456789"),
          rs.getObject("C_TIMESTAMP"));
      assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, rs.getBytes("C_VARBINARY"));
      assertFalse(rs.next());
    }
    assertEquals(1, s.executeUpdate(UPDATE_LITERAL));
    try (ResultSet rs = s.executeQuery(SELECT_LITERAL)) {
      assertTrue(rs.next());
      assertEquals("z", rs.getString(5));
      assertEquals(Long.MIN_VALUE, rs.getLong(2), "cells not assigned stay");
    }
    assertEquals(1, s.executeUpdate(DELETE_LITERAL));
    assertEquals(0, s.executeUpdate(DELETE_LITERAL), "a second delete finds nothing");
    assertEquals(0, s.executeUpdate(UPDATE_LITERAL), "an update of a missing row counts 0");
    try (ResultSet rs = s.executeQuery(SELECT_LITERAL)) {
      assertFalse(rs.next());
    }
  }

  @Test
  void executeReportsResultKinds() throws SQLException {
    s.executeUpdate(Fixture.CREATE_ALL);
    assertFalse(s.execute(INSERT_LITERAL));
    assertEquals(1, s.getUpdateCount());
    assertEquals(1L, s.getLargeUpdateCount());
    assertNull(s.getResultSet());
    assertTrue(s.execute(SELECT_LITERAL));
    ResultSet rs = s.getResultSet();
    assertNotNull(rs);
    assertEquals(-1, s.getUpdateCount());
    assertFalse(s.getMoreResults());
    assertTrue(rs.isClosed(), "getMoreResults closes the current result set");
    assertNull(s.getResultSet());
    assertEquals(-1, s.getUpdateCount());
    ResultSet again = s.executeQuery(SELECT_LITERAL);
    s.executeQuery(SELECT_LITERAL);
    assertTrue(again.isClosed(), "executing again closes the previous result set");
  }

  @Test
  void executeQueryOfAWriteRunsNothing() throws SQLException {
    s.executeUpdate(Fixture.CREATE_ALL);
    SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
        () -> s.executeQuery(INSERT_LITERAL));
    assertTrue(e.getMessage().contains("executeQuery cannot run an INSERT statement"),
        e.getMessage());
    assertEquals(0, f.peer.count(Request.Write.class));
    SQLFeatureNotSupportedException u = assertThrows(SQLFeatureNotSupportedException.class,
        () -> s.executeUpdate(SELECT_LITERAL));
    assertTrue(u.getMessage().contains("executeUpdate cannot run a SELECT"), u.getMessage());
  }

  @Test
  void syntaxErrorsCarryTheirPosition() {
    SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
        () -> s.executeQuery("SELEC 1"));
    assertEquals("42000", e.getSQLState());
    assertTrue(e.getMessage().endsWith("(at line 1, column 1)"), e.getMessage());
    assertEquals("42000", assertThrows(SQLSyntaxErrorException.class,
        () -> s.execute("  ")).getSQLState());
  }

  @Test
  void unknownTableReloadsTheCatalogOnceThenFails() throws SQLException {
    s.executeQuery(Fixture.CONSTANT);
    long before = f.peer.count(Request.GetCatalog.class);
    SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
        () -> s.executeUpdate(UPDATE_LITERAL));
    assertEquals("42P01", e.getSQLState());
    assertTrue(e.getMessage().contains("table ALL_TYPES does not exist"));
    assertEquals(before + 1, f.peer.count(Request.GetCatalog.class));
  }

  @Test
  void duplicateInsertIsAnIntegrityViolationNamingTheKey() throws SQLException {
    s.executeUpdate(Fixture.CREATE_ALL);
    s.executeUpdate(INSERT_LITERAL);
    SQLIntegrityConstraintViolationException e = assertThrows(
        SQLIntegrityConstraintViolationException.class, () -> s.executeUpdate(INSERT_LITERAL));
    assertEquals("23505", e.getSQLState());
    assertEquals("INSERT into ALL_TYPES failed: [23505] key (ID=1) already exists",
        e.getMessage());
  }

  @Test
  void multiRowInsertFailingPartWaySaysWhichRows() throws SQLException {
    f.peer.create(Fixture.kv());
    f.insertKvLiterals("INSERT INTO KV VALUES (2, 'old')", 2L, "old");
    f.insertKvLiterals("INSERT INTO KV VALUES (1..4)", 1L, "a", 2L, "b", 3L, "c", 4L, "d");
    s.executeUpdate("INSERT INTO KV VALUES (2, 'old')");
    f.peer.rowHook = row -> row.key()[0].equals(4L)
        ? dev.meridian.protocol.wire.RowOutcome.failed(
            dev.meridian.protocol.error.SqlState.STRING_DATA_RIGHT_TRUNCATION, "value too long")
        : null;
    SQLIntegrityConstraintViolationException e = assertThrows(
        SQLIntegrityConstraintViolationException.class,
        () -> s.executeUpdate("INSERT INTO KV VALUES (1..4)"));
    assertEquals("INSERT into KV wrote 2 of 4 rows: rows 1, 3 were written;"
        + " row 2 failed: [23505] key (K=2) already exists;"
        + " row 4 failed: [22001] value too long (key (K=4))", e.getMessage());
    assertEquals("a", f.peer.row("KV", 1L)[1]);
    assertEquals("old", f.peer.row("KV", 2L)[1]);
    assertEquals("c", f.peer.row("KV", 3L)[1]);
    assertNull(f.peer.row("KV", 4L));
  }

  @Test
  void maxRowsAndConstants() throws SQLException {
    try (ResultSet rs = s.executeQuery(Fixture.CONSTANT)) {
      assertTrue(rs.next());
      assertEquals(1, rs.getInt("ONE"));
      assertEquals("x", rs.getString("s"));
      assertFalse(rs.next());
    }
    s.setMaxRows(1);
    assertEquals(1, s.getMaxRows());
    s.executeUpdate(Fixture.CREATE_ALL);
    s.executeUpdate(INSERT_LITERAL);
    try (ResultSet rs = s.executeQuery(Fixture.CONSTANT)) {
      assertTrue(rs.next());
      assertFalse(rs.next());
    }
    s.setFetchSize(50);
    assertEquals(50, s.getFetchSize());
    assertEquals(50, s.executeQuery(Fixture.CONSTANT).getFetchSize());
    s.setMaxFieldSize(2);
    try (ResultSet rs = s.executeQuery(SELECT_LITERAL)) {
      assertTrue(rs.next());
      assertEquals("hé", rs.getString("C_VARCHAR"));
      assertArrayEquals(new byte[] {1, 2}, rs.getBytes("C_VARBINARY"));
    }
    assertEquals("22023", assertThrows(SQLException.class, () -> s.setMaxRows(-1))
        .getSQLState());
    assertEquals("22023", assertThrows(SQLException.class, () -> s.setQueryTimeout(-1))
        .getSQLState());
  }

  @Test
  void statementBatchGoesOnPastAFailure() throws SQLException {
    s.executeUpdate(Fixture.CREATE_ALL);
    s.addBatch(INSERT_LITERAL);
    s.addBatch(INSERT_LITERAL);
    s.addBatch(UPDATE_LITERAL);
    s.addBatch(SELECT_LITERAL);
    s.addBatch(DELETE_LITERAL);
    BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
    assertArrayEquals(new int[] {1, Statement.EXECUTE_FAILED, 1, Statement.EXECUTE_FAILED, 1},
        e.getUpdateCounts());
    assertEquals("23505", e.getSQLState());
    assertTrue(e.getMessage().startsWith("batch of 5 statements: 3 succeeded, 2 failed"
        + " (statements 2, 4); statement 2: [23505] INSERT into ALL_TYPES failed"),
        e.getMessage());
    assertTrue(e.getMessage().contains("statement 4: [0A000] executeUpdate cannot run a SELECT"),
        e.getMessage());
    assertArrayEquals(new int[0], s.executeBatch(), "the batch is emptied");
    s.addBatch(INSERT_LITERAL);
    s.addBatch(DELETE_LITERAL);
    assertArrayEquals(new long[] {1, 1}, s.executeLargeBatch());
    s.addBatch(INSERT_LITERAL);
    s.clearBatch();
    assertArrayEquals(new int[0], s.executeBatch());
  }

  @Test
  void closedStatementAndConnection() throws SQLException {
    Statement other = c.createStatement();
    ResultSet rs = other.executeQuery(Fixture.CONSTANT);
    other.close();
    other.close();
    assertTrue(other.isClosed());
    assertTrue(rs.isClosed());
    assertEquals("24000", assertThrows(SQLException.class,
        () -> other.executeQuery(Fixture.CONSTANT)).getSQLState());
    assertEquals("24000", assertThrows(SQLException.class, rs::next).getSQLState());
    c.close();
    assertTrue(s.isClosed());
    assertEquals("08003", assertThrows(SQLException.class,
        () -> s.executeQuery(Fixture.CONSTANT)).getSQLState());
    assertEquals("08003", assertThrows(SQLException.class, other::getMaxRows).getSQLState());
  }

  @Test
  void closeOnCompletion() throws SQLException {
    s.closeOnCompletion();
    assertTrue(s.isCloseOnCompletion());
    ResultSet rs = s.executeQuery(Fixture.CONSTANT);
    assertFalse(s.isClosed());
    rs.close();
    assertTrue(s.isClosed());
  }

  @Test
  void odds() throws SQLException {
    assertFalse(s.getGeneratedKeys().next());
    assertEquals(0, s.getGeneratedKeys().getMetaData().getColumnCount());
    assertEquals("0A000", assertThrows(SQLFeatureNotSupportedException.class,
        () -> s.executeUpdate(INSERT_LITERAL, Statement.RETURN_GENERATED_KEYS)).getSQLState());
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> s.execute(INSERT_LITERAL, new int[] {1}));
    assertThrows(SQLFeatureNotSupportedException.class, () -> s.setCursorName("c"));
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> s.setFetchDirection(ResultSet.FETCH_REVERSE));
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> s.getMoreResults(Statement.KEEP_CURRENT_RESULT));
    assertEquals(ResultSet.TYPE_FORWARD_ONLY, s.getResultSetType());
    assertEquals(ResultSet.CONCUR_READ_ONLY, s.getResultSetConcurrency());
    assertEquals(c, s.getConnection());
    assertTrue(s.isWrapperFor(Statement.class));
    assertEquals(s, s.unwrap(Statement.class));
    assertEquals(ColumnType.of(TypeKind.BIGINT), ColumnType.of(TypeKind.BIGINT));
  }
}
