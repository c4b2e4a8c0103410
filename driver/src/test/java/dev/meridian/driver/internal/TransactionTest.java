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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLWarning;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Autocommit off: key writes buffered until commit, rollback, read-only mode, isolation. */
class TransactionTest {
  static final String UPDATE_KV = "UPDATE KV SET V = ? WHERE K = ?";
  static final String DELETE_KV = "DELETE FROM KV WHERE K = ?";

  Fixture f;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    f.peer.create(Fixture.kv());
    ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
    f.planner.on(UPDATE_KV, cat -> {
      TableSchema t = Fixture.table(cat, "KV");
      ColumnType varchar = t.column(1).type();
      return new Plan.Write(t, WriteKind.UPDATE, List.of(new Plan.RowTemplate(
          List.of(new Operand.Parameter(1, bigint)), new int[] {1},
          List.of(new Operand.Parameter(0, varchar)))), List.of(varchar, bigint));
    });
    f.planner.on(DELETE_KV, cat -> new Plan.Write(Fixture.table(cat, "KV"), WriteKind.DELETE,
        List.of(new Plan.RowTemplate(List.of(new Operand.Parameter(0, bigint)), new int[0],
            List.of())), List.of(bigint)));
    c = f.connect();
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  private int run(String sql, Object... parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      return ps.executeUpdate();
    }
  }

  private String read(Connection on, long k) throws SQLException {
    try (PreparedStatement ps = on.prepareStatement(Fixture.SELECT_KV)) {
      ps.setLong(1, k);
      ResultSet rs = ps.executeQuery();
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private long writes() {
    return f.peer.count(Request.Write.class);
  }

  @Test
  void writesWaitForCommitAndQueriesDoNotSeeThem() throws SQLException {
    run(Fixture.UPSERT_KV, 1L, "old");
    long before = writes();
    c.setAutoCommit(false);
    assertFalse(c.getAutoCommit());
    assertEquals(1, run(Fixture.INSERT_KV, 2L, "new"));
    assertEquals(1, run(UPDATE_KV, "changed", 1L));
    assertEquals(0, run(UPDATE_KV, "nobody", 99L), "no such row: count 0");
    assertEquals(before, writes(), "nothing sent before commit");
    assertNull(read(c, 2), "queries do not see the buffer");
    assertEquals("old", read(c, 1));
    c.commit();
    assertEquals("new", read(c, 2));
    assertEquals("changed", read(c, 1));
    assertEquals(before + 3, writes(), "one write request per buffered statement");
    assertNull(c.getWarnings(), "every statement changed what it reported");
    assertFalse(c.getAutoCommit(), "commit keeps autocommit off");
  }

  @Test
  void rollbackDiscardsAndNothingReachesThePeer() throws SQLException {
    c.setAutoCommit(false);
    long before = writes();
    assertEquals(1, run(Fixture.UPSERT_KV, 5L, "x"));
    c.rollback();
    c.commit();
    assertEquals(before, writes());
    assertNull(read(c, 5));
  }

  @Test
  void countsFollowTheTransactionsOwnEarlierWrites() throws SQLException {
    c.setAutoCommit(false);
    assertEquals(1, run(Fixture.INSERT_KV, 7L, "a"));
    assertEquals(1, run(UPDATE_KV, "b", 7L), "the row exists for this transaction");
    SQLIntegrityConstraintViolationException dup = assertThrows(
        SQLIntegrityConstraintViolationException.class, () -> run(Fixture.INSERT_KV, 7L, "c"));
    assertEquals("23505", dup.getSQLState());
    assertTrue(dup.getMessage().contains("earlier in this transaction"), dup.getMessage());
    assertEquals(1, run(DELETE_KV, 7L));
    assertEquals(0, run(DELETE_KV, 7L), "deleted earlier in this transaction");
    assertEquals(0, run(UPDATE_KV, "d", 7L));
    assertEquals(1, run(Fixture.INSERT_KV, 7L, "e"), "insertable again after the delete");
    c.commit();
    assertEquals("e", read(c, 7));
  }

  @Test
  void anInsertOfAKeyTheRegionHoldsFailsAtOnce() throws SQLException {
    run(Fixture.UPSERT_KV, 3L, "there");
    c.setAutoCommit(false);
    long before = writes();
    assertEquals("23505", assertThrows(SQLException.class,
        () -> run(Fixture.INSERT_KV, 3L, "again")).getSQLState());
    c.commit();
    assertEquals(before, writes(), "nothing of the failed statement was buffered");
  }

  @Test
  void aValueThatDoesNotFitFailsWhenTheStatementRuns() throws SQLException {
    c.setAutoCommit(false);
    assertEquals("22001", assertThrows(SQLException.class,
        () -> run(Fixture.INSERT_KV, 1L, "far too long for ten")).getSQLState());
  }

  @Test
  void aFailedCommitSaysWhatWasAppliedAndWhatDiscarded() throws SQLException {
    c.setAutoCommit(false);
    run(Fixture.UPSERT_KV, 1L, "a");
    run(Fixture.INSERT_KV, 2L, "b");
    run(Fixture.UPSERT_KV, 3L, "c");
    // Another connection takes key 2 between the statement and the commit.
    try (Connection other = f.connect()) {
      try (PreparedStatement ps = other.prepareStatement(Fixture.UPSERT_KV)) {
        ps.setLong(1, 2);
        ps.setString(2, "theirs");
        ps.executeUpdate();
      }
    }
    SQLException e = assertThrows(SQLException.class, c::commit);
    assertEquals("23505", e.getSQLState());
    assertTrue(e.getMessage().contains("commit failed at statement 2 of 3 (INSERT KV)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("statements 1-1 were applied and stay applied"),
        e.getMessage());
    assertTrue(e.getMessage().contains("statements 3-3 were discarded"), e.getMessage());
    assertEquals("a", read(c, 1));
    assertEquals("theirs", read(c, 2));
    assertNull(read(c, 3));
    c.commit(); // the buffer is empty after a failed commit
    assertNull(read(c, 3));
  }

  @Test
  void aCountThatChangedByCommitIsAWarning() throws SQLException {
    run(Fixture.UPSERT_KV, 4L, "x");
    c.setAutoCommit(false);
    assertEquals(1, run(DELETE_KV, 4L));
    try (Connection other = f.connect(); PreparedStatement ps = other.prepareStatement(DELETE_KV)) {
      ps.setLong(1, 4);
      assertEquals(1, ps.executeUpdate());
    }
    c.commit();
    SQLWarning w = c.getWarnings();
    assertNotNull(w);
    assertTrue(w.getMessage().contains("changed 0 rows where it reported 1"), w.getMessage());
  }

  @Test
  void batchesAreBufferedWithCountsPerEntry() throws SQLException {
    run(Fixture.UPSERT_KV, 1L, "x");
    c.setAutoCommit(false);
    long before = writes();
    try (PreparedStatement ps = c.prepareStatement(DELETE_KV)) {
      for (long k : new long[] {1, 2}) {
        ps.setLong(1, k);
        ps.addBatch();
      }
      assertArrayEquals(new int[] {1, 0}, ps.executeBatch());
    }
    assertEquals(before, writes());
    c.commit();
    assertNull(read(c, 1));
  }

  @Test
  void turningAutocommitOnCommits() throws SQLException {
    c.setAutoCommit(false);
    run(Fixture.UPSERT_KV, 8L, "y");
    c.setAutoCommit(true);
    assertEquals("y", read(c, 8));
  }

  @Test
  void ddlCommitsWhatIsPendingFirst() throws SQLException {
    c.setAutoCommit(false);
    run(Fixture.UPSERT_KV, 9L, "z");
    c.createStatement().executeUpdate(Fixture.CREATE_ALL);
    assertEquals("z", read(c, 9));
  }

  @Test
  void closingWithPendingWritesDiscardsThemAndWarns() throws SQLException {
    List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger("dev.meridian.driver");
    log.addHandler(h);
    try {
      c.setAutoCommit(false);
      long before = writes();
      run(Fixture.UPSERT_KV, 10L, "lost");
      c.close();
      assertEquals(before, writes());
      assertTrue(logged.stream().anyMatch(r -> r.getMessage().contains(
          "closed with 1 statements (1 rows) not committed; they were discarded")),
          logged.toString());
    } finally {
      log.removeHandler(h);
    }
    try (Connection d = f.connect()) {
      assertNull(read(d, 10));
    }
  }

  @Test
  void readOnlyRefusesWritesWith25006AndCannotFlipWithWritesPending() throws SQLException {
    c.setAutoCommit(false);
    c.setReadOnly(true);
    assertEquals("25006", assertThrows(SQLException.class,
        () -> run(Fixture.UPSERT_KV, 1L, "no")).getSQLState());
    c.setReadOnly(false);
    run(Fixture.UPSERT_KV, 1L, "yes");
    assertEquals("25001", assertThrows(SQLException.class, () -> c.setReadOnly(true))
        .getSQLState());
    c.commit();
    c.setReadOnly(true);
    assertTrue(c.isReadOnly());
  }

  @Test
  void theIsolationLevelIsReadUncommitted() throws SQLException {
    assertEquals(Connection.TRANSACTION_READ_UNCOMMITTED, c.getTransactionIsolation());
    c.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
    for (int level : new int[] {Connection.TRANSACTION_READ_COMMITTED,
        Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE}) {
      SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
          () -> c.setTransactionIsolation(level));
      assertTrue(e.getMessage().contains("TRANSACTION_READ_UNCOMMITTED"), e.getMessage());
    }
    assertEquals("22023", assertThrows(SQLException.class,
        () -> c.setTransactionIsolation(Connection.TRANSACTION_NONE)).getSQLState());
    java.sql.DatabaseMetaData md = c.getMetaData();
    assertTrue(md.supportsTransactions());
    assertEquals(Connection.TRANSACTION_READ_UNCOMMITTED, md.getDefaultTransactionIsolation());
    assertTrue(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_UNCOMMITTED));
    assertFalse(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_COMMITTED));
    assertTrue(md.dataDefinitionCausesTransactionCommit());
    assertFalse(md.supportsSavepoints());
    assertEquals("0A000", assertThrows(SQLException.class, c::setSavepoint).getSQLState());
  }
}
