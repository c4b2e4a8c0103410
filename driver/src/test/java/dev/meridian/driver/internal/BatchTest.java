package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.RowOutcome;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchTest {
  Fixture f;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    f.peer.create(Fixture.kv());
    c = f.connect();
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  private static void add(PreparedStatement ps, long from, long to) throws SQLException {
    for (long k = from; k <= to; k++) {
      ps.setLong(1, k);
      ps.setString(2, "v" + k);
      ps.addBatch();
    }
  }

  private List<Request.Write> writes() {
    List<Request.Write> out = new ArrayList<>();
    for (Request r : f.peer.received()) {
      if (r instanceof Request.Write w) {
        out.add(w);
      }
    }
    return out;
  }

  @Test
  void batchOfAThousandRowsSendsEveryRequestBeforeAwaitingAny() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV)) {
      add(ps, 1, 1000);
      FakeChannel ch = f.channel(0);
      ch.mode(FakeChannel.Mode.ON_AWAIT);
      ch.events.clear();
      int[] counts = ps.executeBatch();
      int[] ones = new int[1000];
      Arrays.fill(ones, 1);
      assertArrayEquals(ones, counts);
      // Requests 1 and 2 loaded the catalog and the region's indexes.
      assertEquals(List.of("send:3", "send:4", "answer:3", "answer:4"), ch.events,
          "both requests go out before the first answer is awaited");
    }
    List<Request.Write> writes = writes();
    assertEquals(2, writes.size());
    assertEquals(500, writes.get(0).rows().size());
    assertEquals(500, writes.get(1).rows().size());
    assertEquals(1000, f.peer.size("KV"));
    assertEquals("v1000", f.peer.row("KV", 1000L)[1]);
  }

  @Test
  void aKeyRepeatedInALaterRequestWaitsForTheEarlierOnes() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.UPSERT_KV)) {
      add(ps, 1, 1100);
      ps.setLong(1, 7);
      ps.setString(2, "last");
      ps.addBatch();
      FakeChannel ch = f.channel(0);
      ch.mode(FakeChannel.Mode.ON_AWAIT);
      ch.events.clear();
      assertEquals(1101, ps.executeBatch().length);
      assertEquals(List.of("send:3", "send:4", "answer:3", "answer:4", "send:5", "answer:5"),
          ch.events);
    }
    assertEquals("last", f.peer.row("KV", 7L)[1], "the batch's last write of key 7 wins");
  }

  @Test
  void failedRowsCountExecuteFailedAndAreNamed() throws SQLException {
    Statement s = c.createStatement();
    f.insertKvLiterals("INSERT 3 AND 7", 3L, "old", 7L, "old");
    s.executeUpdate("INSERT 3 AND 7");
    f.peer.rowHook = row -> row.key()[0].equals(9L)
        ? RowOutcome.failed(SqlState.STRING_DATA_RIGHT_TRUNCATION, "too long") : null;
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV)) {
      add(ps, 1, 10);
      BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
      int fail = Statement.EXECUTE_FAILED;
      assertArrayEquals(new int[] {1, 1, fail, 1, 1, 1, fail, 1, fail, 1}, e.getUpdateCounts());
      assertEquals("23505", e.getSQLState());
      assertEquals("batch of 10 rows into KV: 7 succeeded, 3 failed (rows 3, 7, 9);"
          + " row 3: [23505] key (K=3) already exists; row 7: [23505] key (K=7) already exists;"
          + " row 9: [22001] too long (key (K=9))", e.getMessage());
      assertEquals("old", f.peer.row("KV", 3L)[1]);
      assertEquals("v10", f.peer.row("KV", 10L)[1]);
      add(ps, 11, 12);
      f.peer.rowHook = null;
      assertArrayEquals(new long[] {1, 1}, ps.executeLargeBatch(), "the batch was emptied");
    }
  }

  @Test
  void manyFailuresAreSummedUp() throws SQLException {
    f.peer.rowHook = row -> ((Long) row.key()[0]) % 2 == 0
        ? RowOutcome.failed(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, "no") : null;
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV)) {
      add(ps, 1, 100);
      BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
      assertTrue(e.getMessage().startsWith("batch of 100 rows into KV: 50 succeeded, 50 failed"
          + " (rows 2, 4, 6"), e.getMessage());
      assertTrue(e.getMessage().endsWith("; and 40 more failures"), e.getMessage());
      assertEquals(100, e.getLargeUpdateCounts().length);
    }
  }

  @Test
  void multiRowEntriesReportWhichOfTheirRowsFailed() throws SQLException {
    Statement s = c.createStatement();
    f.insertKvLiterals("INSERT 4", 4L, "old");
    s.executeUpdate("INSERT 4");
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV2)) {
      for (long k = 1; k <= 5; k += 2) {
        ps.setLong(1, k);
        ps.setString(2, "a");
        ps.setLong(3, k + 1);
        ps.setString(4, "b");
        ps.addBatch();
      }
      BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
      assertArrayEquals(new int[] {2, Statement.EXECUTE_FAILED, 2}, e.getUpdateCounts());
      assertEquals("batch of 3 entries into KV: 2 succeeded, 1 failed (entries 2); entry 2:"
          + " its row 2: [23505] key (K=4) already exists (1 of its 2 rows were written)",
          e.getMessage());
    }
  }

  @Test
  void valuesAreCheckedWhenAdded() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV)) {
      add(ps, 1, 2);
      ps.setLong(1, 3);
      ps.setString(2, "eleven char");
      SQLDataException e = assertThrows(SQLDataException.class, ps::addBatch);
      assertEquals("parameter 2: a string of length 11 does not fit VARCHAR(10)", e.getMessage());
      ps.clearParameters();
      ps.setLong(1, 3);
      assertEquals("07001", assertThrows(SQLException.class, ps::addBatch).getSQLState());
      assertArrayEquals(new int[] {1, 1}, ps.executeBatch());
    }
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_KV)) {
      ps.setLong(1, 1);
      assertThrows(SQLFeatureNotSupportedException.class, ps::addBatch);
      assertArrayEquals(new int[0], ps.executeBatch());
    }
  }

  @Test
  void aConnectionLostMidBatchLeavesItsRowsUnknownAndTheRestWritten() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV)) {
      add(ps, 1, 600);
      f.channel(0).mode(FakeChannel.Mode.BREAK_ON_CALL);
      BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
      int[] counts = e.getUpdateCounts();
      assertEquals(Statement.EXECUTE_FAILED, counts[0]);
      assertEquals(Statement.EXECUTE_FAILED, counts[499]);
      assertEquals(1, counts[500]);
      assertEquals("08006", e.getSQLState());
      assertTrue(e.getMessage().startsWith("batch of 600 rows into KV: 100 succeeded, 500 failed"
          + " (rows 1-500); row 1: [08006] the connection to peer peer-1 of region us-east-1"
          + " failed before it answered; the write may or may not have been applied"),
          e.getMessage());
    }
    assertEquals(100, f.peer.size("KV"));
  }

  @Test
  void aStaleTableIdIsReloadedAndTheBatchRunsOnce() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_KV)) {
      add(ps, 1, 3);
      f.peer.drop("KV");
      f.peer.create(Fixture.kv());
      assertArrayEquals(new int[] {1, 1, 1}, ps.executeBatch());
    }
    assertEquals(3, f.peer.size("KV"));
    assertEquals(2, writes().size(), "one refused write, one after reloading");
  }
}
