package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.wire.Request;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Calendar;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PreparedStatementTest {
  Fixture f;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    c = f.connect();
    c.createStatement().executeUpdate(Fixture.CREATE_ALL);
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  private Object[] stored(long id) {
    return f.peer.row("ALL_TYPES", id);
  }

  @Test
  void typedSettersRoundTripAllThirteenTypes() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      ps.setLong(1, 1);
      ps.setLong(2, Long.MAX_VALUE);
      ps.setInt(3, Integer.MIN_VALUE);
      ps.setShort(4, Short.MAX_VALUE);
      ps.setString(5, "héllo wörld");
      ps.setString(6, "ab");
      ps.setBoolean(7, true);
      ps.setDouble(8, -0.125);
      ps.setFloat(9, 3.5f);
      ps.setBigDecimal(10, new BigDecimal("12345678.905"));
      ps.setDate(11, Date.valueOf("2024-02-29"));
      ps.setTime(12, Time.valueOf("23:59:58"));
      ps.setTimestamp(13, Timestamp.valueOf("2024-02-29 13:14:15.123456789"));
      ps.setBytes(14, new byte[] {0, 1, 2, 3});
      assertEquals(1, ps.executeUpdate());
    }
    Object[] row = stored(1);
    assertEquals(Long.MAX_VALUE, row[1]);
    assertEquals(Integer.MIN_VALUE, row[2]);
    assertEquals(Short.MAX_VALUE, row[3]);
    assertEquals("ab   ", row[5]);
    assertEquals(new BigDecimal("12345678.91"), row[9]);
    assertEquals(LocalDate.of(2024, 2, 29), row[10]);
    assertEquals(LocalTime.of(23, 59, 58), row[11]);
    assertEquals(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123456789), row[12]);

    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_ALL)) {
      ps.setLong(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(1L, rs.getLong(1));
        assertEquals(Long.MAX_VALUE, rs.getLong(2));
        assertEquals(Integer.MIN_VALUE, rs.getInt(3));
        assertEquals(Short.MAX_VALUE, rs.getShort(4));
        assertEquals("héllo wörld", rs.getString(5));
        assertEquals("ab   ", rs.getString(6));
        assertTrue(rs.getBoolean(7));
        assertEquals(-0.125, rs.getDouble(8));
        assertEquals(3.5f, rs.getFloat(9));
        assertEquals(new BigDecimal("12345678.91"), rs.getBigDecimal(10));
        assertEquals(Date.valueOf("2024-02-29"), rs.getDate(11));
        assertEquals(Time.valueOf("23:59:58"), rs.getTime(12));
        assertEquals(Timestamp.valueOf("2024-02-29 13:14:15.123456789"), rs.getTimestamp(13));
        assertArrayEquals(new byte[] {0, 1, 2, 3}, rs.getBytes(14));
        assertFalse(rs.next());
      }
      ps.setLong(1, 2);
      try (ResultSet rs = ps.executeQuery()) {
        assertFalse(rs.next(), "a missing key reads no row");
      }
    }
  }

  @Test
  void setObjectWithJavaTimeAndLooseTypes() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      ps.setObject(1, 7);
      ps.setObject(2, "123");
      ps.setObject(3, 42L);
      ps.setObject(4, (byte) 5);
      ps.setObject(5, 'c');
      ps.setObject(6, 12);
      ps.setObject(7, "false");
      ps.setObject(8, new BigDecimal("0.5"));
      ps.setObject(9, 1);
      ps.setObject(10, 3.14159);
      ps.setObject(11, LocalDate.of(1999, 12, 31));
      ps.setObject(12, LocalTime.of(0, 0, 1, 500));
      ps.setObject(13, LocalDateTime.of(2000, 1, 1, 0, 0));
      ps.setObject(14, new byte[] {9});
      assertEquals(1, ps.executeUpdate());
    }
    Object[] row = stored(7);
    assertEquals(7L, row[0]);
    assertEquals(123L, row[1]);
    assertEquals(42, row[2]);
    assertEquals((short) 5, row[3]);
    assertEquals("c", row[4]);
    assertEquals("12   ", row[5]);
    assertEquals(false, row[6]);
    assertEquals(0.5, row[7]);
    assertEquals(1.0f, row[8]);
    assertEquals(new BigDecimal("3.14"), row[9]);
    assertEquals(LocalTime.of(0, 0, 1, 500), row[11]);
    assertEquals(LocalDateTime.of(2000, 1, 1, 0, 0), row[12]);
  }

  @Test
  void setObjectWithTargetTypes() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      ps.setObject(1, "8", Types.BIGINT);
      ps.setObject(2, 1.9, Types.INTEGER);
      ps.setObject(3, "3", JDBCType.SMALLINT);
      ps.setObject(4, true, Types.TINYINT);
      ps.setObject(5, 12.5, Types.VARCHAR);
      ps.setObject(6, null, Types.CHAR);
      ps.setObject(7, 1, Types.BOOLEAN);
      ps.setObject(8, "2.5", Types.DOUBLE);
      ps.setObject(9, "1e3", Types.REAL);
      ps.setObject(10, "1.005", Types.DECIMAL, 2);
      ps.setObject(11, "2020-01-02", Types.DATE);
      ps.setObject(12, "10:11:12", Types.TIME);
      ps.setObject(13, "2020-01-02 10:11:12", Types.TIMESTAMP);
      ps.setObject(14, new byte[] {1}, Types.VARBINARY);
      assertEquals(1, ps.executeUpdate());
      assertEquals("0A000", assertThrows(SQLFeatureNotSupportedException.class,
          () -> ps.setObject(1, "x", Types.ARRAY)).getSQLState());
      SQLDataException bad = assertThrows(SQLDataException.class,
          () -> ps.setObject(2, "abc", Types.INTEGER));
      assertTrue(bad.getMessage().startsWith("parameter 2: cannot convert 'abc' to INTEGER"),
          bad.getMessage());
    }
    Object[] row = stored(8);
    assertEquals(1L, row[1]);
    assertEquals(3, row[2]);
    assertEquals((short) 1, row[3]);
    assertEquals("12.5", row[4]);
    assertNull(row[5]);
    assertEquals(true, row[6]);
    assertEquals(new BigDecimal("1.01"), row[9]);
    assertEquals(LocalDate.of(2020, 1, 2), row[10]);
  }

  @Test
  void calendarsShiftToTheirZone() throws SQLException {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    Timestamp instant = Timestamp.from(java.time.Instant.parse("2024-06-01T10:00:00Z"));
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      ps.setLong(1, 9);
      for (int i = 2; i <= 14; i++) {
        ps.setNull(i, Types.NULL);
      }
      ps.setTimestamp(13, instant, utc);
      ps.setDate(11, new Date(instant.getTime()), utc);
      ps.setTime(12, new Time(instant.getTime()), utc);
      ps.executeUpdate();
    }
    Object[] row = stored(9);
    assertEquals(LocalDateTime.of(2024, 6, 1, 10, 0), row[12]);
    assertEquals(LocalDate.of(2024, 6, 1), row[10]);
    assertEquals(LocalTime.of(10, 0), row[11]);
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_ALL)) {
      ps.setLong(1, 9);
      ResultSet rs = ps.executeQuery();
      assertTrue(rs.next());
      assertEquals(instant, rs.getTimestamp(13, utc));
    }
  }

  @Test
  void nullsEverywhereButTheKey() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      ps.setLong(1, 3);
      for (int i = 2; i <= 14; i++) {
        ps.setNull(i, Types.OTHER);
      }
      ps.executeUpdate();
      ps.setNull(1, Types.BIGINT);
      SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
      assertEquals("23502", e.getSQLState());
      assertTrue(e.getMessage().contains("key column ID of table ALL_TYPES is NULL"));
    }
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_ALL)) {
      ps.setLong(1, 3);
      ResultSet rs = ps.executeQuery();
      assertTrue(rs.next());
      assertFalse(rs.wasNull());
      for (int i = 2; i <= 14; i++) {
        assertNull(rs.getObject(i));
        assertTrue(rs.wasNull());
        assertEquals(0, rs.getLong(i));
        assertTrue(rs.wasNull());
      }
      ps.setNull(1, Types.BIGINT);
      long gets = f.peer.count(Request.Get.class);
      assertFalse(ps.executeQuery().next(), "key = NULL matches nothing");
      assertEquals(gets, f.peer.count(Request.Get.class), "and asks no peer");
    }
  }

  @Test
  void parameterIndexesAndMissingParameters() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_ALL)) {
      SQLException low = assertThrows(SQLException.class, () -> ps.setInt(0, 1));
      assertEquals("07009", low.getSQLState());
      assertEquals("parameter index 0 is out of range: the statement has 1 parameter (1 to 1)",
          low.getMessage());
      assertEquals("07009", assertThrows(SQLException.class, () -> ps.setString(2, "x"))
          .getSQLState());
      SQLException missing = assertThrows(SQLException.class, ps::executeQuery);
      assertEquals("07001", missing.getSQLState());
      assertTrue(missing.getMessage().startsWith("parameter 1 is not set"));
      ps.setLong(1, 1);
      ps.executeQuery();
      ps.clearParameters();
      assertEquals("07001", assertThrows(SQLException.class, ps::executeQuery).getSQLState());
    }
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      for (int i = 1; i <= 13; i++) {
        ps.setNull(i, Types.NULL);
      }
      SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
      assertTrue(e.getMessage().startsWith("parameter 14 is not set"), e.getMessage());
    }
  }

  @Test
  void valuesThatDoNotFitFailWith22xxxNamingTheParameter() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.UPDATE_VARCHAR)) {
      ps.setLong(2, 1);
      ps.setString(1, "x".repeat(21));
      SQLDataException e = assertThrows(SQLDataException.class, ps::executeUpdate);
      assertEquals("22001", e.getSQLState());
      assertEquals("parameter 1: a string of length 21 does not fit VARCHAR(20)", e.getMessage());
      ps.setString(1, "ok");
      ps.setString(2, "abc");
      SQLDataException cast = assertThrows(SQLDataException.class, ps::executeUpdate);
      assertEquals("22018", cast.getSQLState());
      assertTrue(cast.getMessage().startsWith("parameter 2: cannot convert 'abc' to BIGINT"));
    }
    try (PreparedStatement ps = c.prepareStatement(Fixture.INSERT_ALL)) {
      ps.setLong(1, 1);
      ps.setLong(4, 100_000);
      for (int i = 2; i <= 14; i++) {
        if (i != 4) {
          ps.setNull(i, Types.NULL);
        }
      }
      assertEquals("22003", assertThrows(SQLDataException.class, ps::executeUpdate)
          .getSQLState());
    }
    assertEquals(0, f.peer.count(Request.Write.class), "nothing was sent");
  }

  @Test
  void streamSettersAreNotSupportedAndSayWhich() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.UPDATE_VARCHAR)) {
      SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
          () -> ps.setBinaryStream(1, new ByteArrayInputStream(new byte[0])));
      assertEquals("PreparedStatement.setBinaryStream is not supported by Meridian",
          e.getMessage());
      assertThrows(SQLFeatureNotSupportedException.class,
          () -> ps.setCharacterStream(1, new StringReader("x"), 1));
      assertThrows(SQLFeatureNotSupportedException.class, () -> ps.setClob(1, (java.sql.Clob) null));
      assertThrows(SQLFeatureNotSupportedException.class, () -> ps.setArray(1, null));
      assertEquals("07009", assertThrows(SQLException.class,
          () -> ps.setAsciiStream(9, null)).getSQLState());
      ps.setNString(1, "n");
      ps.setLong(2, 1);
      assertEquals(0, ps.executeUpdate());
    }
  }

  @Test
  void metadataBeforeExecution() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_IN)) {
      ParameterMetaData pm = ps.getParameterMetaData();
      assertEquals(3, pm.getParameterCount());
      assertEquals(Types.BIGINT, pm.getParameterType(1));
      assertEquals("BIGINT", pm.getParameterTypeName(2));
      assertEquals("java.lang.Long", pm.getParameterClassName(3));
      assertEquals(ParameterMetaData.parameterModeIn, pm.getParameterMode(1));
      assertEquals(ParameterMetaData.parameterNullableUnknown, pm.isNullable(1));
      assertTrue(pm.isSigned(1));
      assertEquals(19, pm.getPrecision(1));
      assertEquals("07009", assertThrows(SQLException.class, () -> pm.getParameterType(4))
          .getSQLState());
      ResultSetMetaData md = ps.getMetaData();
      assertEquals(2, md.getColumnCount());
      assertEquals("NAME", md.getColumnLabel(2));
      assertEquals("C_VARCHAR", md.getColumnName(2));
      assertEquals("ALL_TYPES", md.getTableName(2));
      assertEquals(Types.VARCHAR, md.getColumnType(2));
      assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(1));
    }
    try (PreparedStatement ps = c.prepareStatement(Fixture.UPDATE_VARCHAR)) {
      assertNull(ps.getMetaData());
      assertEquals(Types.VARCHAR, ps.getParameterMetaData().getParameterType(1));
      assertEquals(20, ps.getParameterMetaData().getPrecision(1));
    }
  }

  @Test
  void inListReadsEachKeyOnceInOrder() throws SQLException {
    try (PreparedStatement ins = c.prepareStatement(Fixture.INSERT_ALL)) {
      for (long id = 1; id <= 3; id++) {
        ins.setLong(1, id);
        for (int i = 2; i <= 14; i++) {
          ins.setNull(i, Types.NULL);
        }
        ins.setString(5, "n" + id);
        ins.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_IN)) {
      ps.setLong(1, 3);
      ps.setLong(2, 9);
      ps.setLong(3, 3);
      ResultSet rs = ps.executeQuery();
      assertTrue(rs.next());
      assertEquals(3, rs.getLong("id"));
      assertEquals("n3", rs.getString("name"));
      assertFalse(rs.next());
      Request.Get last = (Request.Get) f.peer.received().get(f.peer.received().size() - 1);
      assertEquals(2, last.keys().size(), "k IN (3, 9, 3) asks for 3 once");
    }
  }

  @Test
  void preparedUpdateAndDelete() throws SQLException {
    try (PreparedStatement ins = c.prepareStatement(Fixture.INSERT_ALL)) {
      ins.setLong(1, 1);
      for (int i = 2; i <= 14; i++) {
        ins.setNull(i, Types.NULL);
      }
      ins.executeUpdate();
    }
    try (PreparedStatement up = c.prepareStatement(Fixture.UPDATE_VARCHAR);
        PreparedStatement del = c.prepareStatement(Fixture.DELETE_ALL)) {
      up.setString(1, "new");
      up.setLong(2, 1);
      assertEquals(1, up.executeUpdate());
      assertEquals("new", stored(1)[4]);
      up.setLong(2, 2);
      assertEquals(0, up.executeUpdate());
      up.setNull(2, Types.BIGINT);
      assertEquals(0, up.executeUpdate(), "key = NULL updates nothing");
      del.setLong(1, 1);
      assertFalse(del.execute());
      assertEquals(1, del.getUpdateCount());
      assertEquals(0, del.executeLargeUpdate());
    }
  }

  @Test
  void sqlTextMethodsAreRefused() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_ALL)) {
      SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
          () -> ps.executeQuery(Fixture.SELECT_ALL));
      assertTrue(e.getMessage().startsWith("PreparedStatement.executeQuery(String)"));
      assertThrows(SQLFeatureNotSupportedException.class, () -> ps.addBatch("x"));
      assertThrows(SQLFeatureNotSupportedException.class, () -> ps.executeUpdate("x"));
    }
    assertEquals("42000", assertThrows(SQLException.class,
        () -> c.prepareStatement("nonsense")).getSQLState());
  }
}
