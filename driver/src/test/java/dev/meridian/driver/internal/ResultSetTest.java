package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
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
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResultSetTest {
  static final List<ResultColumn> COLUMNS = List.of(
      new ResultColumn("ID", "ID", "T", ColumnType.of(TypeKind.BIGINT),
          ResultSetMetaData.columnNoNulls),
      new ResultColumn("I", "C_INT", "T", ColumnType.of(TypeKind.INTEGER),
          ResultSetMetaData.columnNullable),
      new ResultColumn("S", "C_SMALL", "T", ColumnType.of(TypeKind.SMALLINT),
          ResultSetMetaData.columnNullable),
      new ResultColumn("V", "C_VARCHAR", "T", ColumnType.of(TypeKind.VARCHAR, 30),
          ResultSetMetaData.columnNullable),
      new ResultColumn("C", "C_CHAR", "T", ColumnType.of(TypeKind.CHAR, 3),
          ResultSetMetaData.columnNullable),
      new ResultColumn("B", "C_BOOL", "T", ColumnType.of(TypeKind.BOOLEAN),
          ResultSetMetaData.columnNullable),
      new ResultColumn("D", "C_DOUBLE", "T", ColumnType.of(TypeKind.DOUBLE),
          ResultSetMetaData.columnNullable),
      new ResultColumn("R", "C_REAL", "T", ColumnType.of(TypeKind.REAL),
          ResultSetMetaData.columnNullable),
      new ResultColumn("DEC", "C_DEC", "T", ColumnType.decimal(12, 3),
          ResultSetMetaData.columnNullable),
      new ResultColumn("DT", "C_DATE", "T", ColumnType.of(TypeKind.DATE),
          ResultSetMetaData.columnNullable),
      new ResultColumn("TM", "C_TIME", "T", ColumnType.of(TypeKind.TIME),
          ResultSetMetaData.columnNullable),
      new ResultColumn("TS", "C_TS", "T", ColumnType.of(TypeKind.TIMESTAMP),
          ResultSetMetaData.columnNullable),
      new ResultColumn("BIN", "C_BIN", "T", ColumnType.of(TypeKind.VARBINARY, 8),
          ResultSetMetaData.columnNullable),
      new ResultColumn("v", "C_OTHER", "T", ColumnType.of(TypeKind.VARCHAR, 5),
          ResultSetMetaData.columnNullable));

  static final Object[] ROW = {42L, -5, (short) 7, "123", "ab ", true, 2.75, 1.5f,
      new BigDecimal("-1234.500"), LocalDate.of(2024, 1, 31), LocalTime.of(8, 0, 0, 5_000_000),
      LocalDateTime.of(2024, 1, 31, 23, 59, 59, 100), new byte[] {(byte) 0xca, (byte) 0xfe},
      "second v"};

  static MeridianResultSet rs(Object[]... rows) {
    List<Object[]> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(r.clone());
    }
    return new MeridianResultSet(null, null, COLUMNS, list);
  }

  static Object[] nulls() {
    Object[] r = new Object[ROW.length];
    r[0] = 1L;
    return r;
  }

  @Test
  void cursorPositions() throws SQLException {
    MeridianResultSet rs = rs(ROW, ROW);
    assertTrue(rs.isBeforeFirst());
    assertEquals(0, rs.getRow());
    assertEquals("24000", assertThrows(SQLException.class, () -> rs.getLong(1)).getSQLState());
    assertTrue(rs.next());
    assertTrue(rs.isFirst());
    assertFalse(rs.isLast());
    assertEquals(1, rs.getRow());
    assertTrue(rs.next());
    assertTrue(rs.isLast());
    assertFalse(rs.next());
    assertTrue(rs.isAfterLast());
    assertEquals(0, rs.getRow());
    assertFalse(rs.next());
    SQLException after = assertThrows(SQLException.class, () -> rs.getString(1));
    assertEquals("24000", after.getSQLState());
    assertEquals("the result set is after its last row", after.getMessage());

    MeridianResultSet empty = rs();
    assertFalse(empty.isBeforeFirst());
    assertFalse(empty.next());
    assertFalse(empty.isAfterLast());
    assertFalse(empty.isFirst());
    assertFalse(empty.isLast());
  }

  @Test
  void columnIndexesAndLabels() throws SQLException {
    MeridianResultSet rs = rs(ROW);
    rs.next();
    SQLException low = assertThrows(SQLException.class, () -> rs.getLong(0));
    assertEquals("07009", low.getSQLState());
    assertEquals("column index 0 is out of range: the result has 14 columns", low.getMessage());
    assertEquals("07009", assertThrows(SQLException.class, () -> rs.getLong(15)).getSQLState());
    assertEquals(4, rs.findColumn("v"), "labels are case-insensitive; the first match wins");
    assertEquals(4, rs.findColumn("V"));
    assertEquals("123", rs.getString("v"));
    SQLException unknown = assertThrows(SQLException.class, () -> rs.findColumn("nope"));
    assertEquals("07009", unknown.getSQLState());
    assertTrue(unknown.getMessage().startsWith("no column labelled 'nope'; the result has ID, I,"));
  }

  @Test
  void gettersOfEachType() throws SQLException {
    MeridianResultSet rs = rs(ROW);
    rs.next();
    assertEquals(42L, rs.getObject(1));
    assertEquals(42, rs.getInt("ID"));
    assertEquals(-5, rs.getObject("I"));
    assertEquals(7, rs.getObject("S"), "SMALLINT reads as Integer, as JDBC maps it");
    assertEquals((byte) 7, rs.getByte("S"));
    assertEquals("ab ", rs.getString("C"));
    assertEquals(Boolean.TRUE, rs.getObject("B"));
    assertEquals(2.75, rs.getObject("D"));
    assertEquals(1.5f, rs.getObject("R"));
    assertEquals(new BigDecimal("-1234.500"), rs.getObject("DEC"));
    assertEquals(Date.valueOf("2024-01-31"), rs.getObject("DT"));
    assertEquals(Time.class, rs.getObject("TM").getClass());
    assertEquals(5, Math.floorMod(rs.getTime("TM").getTime(), 1000L), "milliseconds survive");
    assertEquals(Timestamp.valueOf(LocalDateTime.of(2024, 1, 31, 23, 59, 59, 100)),
        rs.getObject("TS"));
    assertEquals(100, rs.getTimestamp("TS").getNanos());
    assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, (byte[]) rs.getObject("BIN"));
    byte[] copy = rs.getBytes("BIN");
    copy[0] = 0;
    assertEquals((byte) 0xca, rs.getBytes("BIN")[0], "getBytes returns a copy");
  }

  @Test
  void getStringOfEveryType() throws SQLException {
    MeridianResultSet rs = rs(ROW);
    rs.next();
    String[] expected = {"42", "-5", "7", "123", "ab ", "true", "2.75", "1.5", "-1234.500",
        "2024-01-31", "08:00:00.005", "2024-01-31 23:59:59.0000001", "cafe", "second v"};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], rs.getString(i + 1), "column " + (i + 1));
      assertEquals(expected[i], rs.getNString(i + 1));
    }
    MeridianResultSet whole = rs(new Object[] {1L, null, null, null, null, null, null, null,
        new BigDecimal("1E+3"), null, LocalTime.of(9, 5), LocalDateTime.of(2020, 5, 6, 7, 8),
        null, null});
    whole.next();
    assertEquals("1000", whole.getString("DEC"));
    assertEquals("09:05:00", whole.getString("TM"));
    assertEquals("2020-05-06 07:08:00", whole.getString("TS"));
  }

  @Test
  @SuppressWarnings("deprecation")
  void numericConversions() throws SQLException {
    MeridianResultSet rs = rs(ROW);
    rs.next();
    assertEquals(123, rs.getInt("V"), "numeric text converts");
    assertEquals(new BigDecimal("123"), rs.getBigDecimal("V"));
    assertEquals(2, rs.getLong("D"), "fractions are truncated");
    assertEquals(-1234, rs.getInt("DEC"));
    assertEquals(-1234.5, rs.getDouble("DEC"));
    assertEquals(1, rs.getInt("B"));
    assertEquals(42.0f, rs.getFloat("ID"));
    assertEquals(new BigDecimal("2.75"), rs.getBigDecimal("D"));
    assertEquals(new BigDecimal("-1234.50"), rs.getBigDecimal(9, 2));
    SQLDataException range = assertThrows(SQLDataException.class, () -> rs.getByte("DEC"));
    assertEquals("22003", range.getSQLState());
    assertEquals("column 9 (DEC): -1234.500 (BigDecimal) is out of range for TINYINT",
        range.getMessage());
    assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getLong("C"))
        .getSQLState());
    assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getInt(14))
        .getSQLState());
    assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getDouble("DT"))
        .getSQLState());
  }

  @Test
  void booleanConversions() throws SQLException {
    MeridianResultSet rs = rs(new Object[] {0L, 1, (short) 0, "true", "0", false, 0.0, 2f,
        BigDecimal.ZERO, null, null, null, null, "yes"});
    rs.next();
    assertFalse(rs.getBoolean("ID"));
    assertTrue(rs.getBoolean("I"));
    assertFalse(rs.getBoolean("S"));
    assertTrue(rs.getBoolean("V"));
    assertFalse(rs.getBoolean("C"));
    assertFalse(rs.getBoolean("B"));
    assertFalse(rs.getBoolean("D"));
    assertTrue(rs.getBoolean("R"));
    assertFalse(rs.getBoolean("DEC"));
    assertFalse(rs.getBoolean("DT"));
    assertTrue(rs.wasNull());
    assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getBoolean(14))
        .getSQLState());
  }

  @Test
  void dateTimeConversions() throws SQLException {
    MeridianResultSet rs = rs(new Object[] {1L, null, null, "2021-03-04", "10:11:12",
        null, null, null, null, LocalDate.of(2021, 3, 4), LocalTime.of(1, 2, 3),
        LocalDateTime.of(2021, 3, 4, 5, 6, 7, 8), null, "bad"});
    rs.next();
    assertEquals(Date.valueOf("2021-03-04"), rs.getDate("V"));
    assertEquals(Timestamp.valueOf("2021-03-04 00:00:00"), rs.getTimestamp("V"));
    assertEquals(Time.valueOf("10:11:12"), rs.getTime("C"));
    assertEquals(Timestamp.valueOf("2021-03-04 00:00:00"), rs.getTimestamp("DT"));
    assertEquals(Date.valueOf("2021-03-04"), rs.getDate("TS"));
    assertEquals(Time.valueOf("05:06:07"), rs.getTime("TS"));
    assertEquals(LocalDate.of(2021, 3, 4), rs.getObject("DT", LocalDate.class));
    assertEquals(LocalTime.of(1, 2, 3), rs.getObject("TM", LocalTime.class));
    assertEquals(LocalDateTime.of(2021, 3, 4, 5, 6, 7, 8),
        rs.getObject("TS", LocalDateTime.class));
    assertEquals(LocalDate.of(2021, 3, 4), rs.getObject("TS", LocalDate.class));
    assertEquals(LocalDateTime.of(2021, 3, 4, 0, 0), rs.getObject("DT", LocalDateTime.class));
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    assertEquals(java.time.Instant.parse("2021-03-04T05:06:07.000000008Z"),
        rs.getTimestamp("TS", utc).toInstant());
    assertEquals(java.time.Instant.parse("2021-03-04T00:00:00Z").toEpochMilli(),
        rs.getDate("DT", utc).getTime());
    assertEquals(3723000L, rs.getTime("TM", utc).getTime());
    SQLDataException bad = assertThrows(SQLDataException.class, () -> rs.getDate(14));
    assertEquals("22007", bad.getSQLState());
    assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getDate("ID"))
        .getSQLState());
    assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getTimestamp("TM"))
        .getSQLState());
  }

  @Test
  void getObjectWithAClass() throws SQLException {
    MeridianResultSet rs = rs(ROW);
    rs.next();
    assertEquals(Long.valueOf(42), rs.getObject(1, Long.class));
    assertEquals(Integer.valueOf(42), rs.getObject(1, Integer.class));
    assertEquals(Short.valueOf((short) 7), rs.getObject(3, Short.class));
    assertEquals(Byte.valueOf((byte) 7), rs.getObject(3, Byte.class));
    assertEquals("42", rs.getObject(1, String.class));
    assertEquals(BigInteger.valueOf(-1234), rs.getObject(9, BigInteger.class));
    assertEquals(Double.valueOf(2.75), rs.getObject(7, Double.class));
    assertEquals(Float.valueOf(1.5f), rs.getObject(8, Float.class));
    assertEquals(Boolean.TRUE, rs.getObject(6, Boolean.class));
    assertEquals(Date.valueOf("2024-01-31"), rs.getObject(10, Date.class));
    assertEquals(Timestamp.class, rs.getObject(12, java.util.Date.class).getClass());
    assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, rs.getObject(13, byte[].class));
    assertEquals(42L, rs.getObject(1, Object.class));
    SQLDataException e = assertThrows(SQLDataException.class, () -> rs.getObject(1, UUID.class));
    assertEquals("22018", e.getSQLState());
    assertTrue(e.getMessage().contains("as java.util.UUID"));
    assertEquals(42L, rs.getObject(1, Map.of()));
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> rs.getObject(1, Map.of("X", String.class)));
    MeridianResultSet nulls = rs(nulls());
    nulls.next();
    assertNull(nulls.getObject(2, Integer.class));
    assertNull(nulls.getObject(13, byte[].class));
  }

  @Test
  void wasNullAndNullGetters() throws SQLException {
    MeridianResultSet rs = rs(nulls());
    rs.next();
    assertEquals(1, rs.getInt(1));
    assertFalse(rs.wasNull());
    assertEquals(0, rs.getInt(2));
    assertTrue(rs.wasNull());
    assertFalse(rs.getBoolean(6));
    assertTrue(rs.wasNull());
    assertEquals(0.0, rs.getDouble(7));
    assertNull(rs.getString(4));
    assertNull(rs.getBigDecimal(9));
    assertNull(rs.getDate(10));
    assertNull(rs.getTime(11));
    assertNull(rs.getTimestamp(12));
    assertNull(rs.getBytes(13));
    assertNull(rs.getBinaryStream(13));
    assertNull(rs.getCharacterStream(4));
    assertTrue(rs.wasNull());
    assertEquals(1, rs.getLong(1));
    assertFalse(rs.wasNull());
  }

  @Test
  void streams() throws SQLException, IOException {
    MeridianResultSet rs = rs(ROW);
    rs.next();
    try (InputStream in = rs.getBinaryStream(13)) {
      assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, in.readAllBytes());
    }
    try (Reader r = rs.getCharacterStream("V")) {
      char[] buf = new char[3];
      assertEquals(3, r.read(buf));
      assertEquals("123", new String(buf));
    }
    try (InputStream in = rs.getAsciiStream("V")) {
      assertEquals("123", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII));
    }
    assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getBlob(13));
    assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getClob("V"));
  }

  @Test
  void metadata() throws SQLException {
    ResultSetMetaData md = rs(ROW).getMetaData();
    assertEquals(14, md.getColumnCount());
    assertEquals("I", md.getColumnLabel(2));
    assertEquals("C_INT", md.getColumnName(2));
    assertEquals("T", md.getTableName(2));
    assertEquals("", md.getSchemaName(2));
    assertEquals("", md.getCatalogName(2));
    int[] types = {Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.VARCHAR, Types.CHAR,
        Types.BOOLEAN, Types.DOUBLE, Types.REAL, Types.DECIMAL, Types.DATE, Types.TIME,
        Types.TIMESTAMP, Types.VARBINARY};
    String[] classes = {"java.lang.Long", "java.lang.Integer", "java.lang.Integer",
        "java.lang.String", "java.lang.String", "java.lang.Boolean", "java.lang.Double",
        "java.lang.Float", "java.math.BigDecimal", "java.sql.Date", "java.sql.Time",
        "java.sql.Timestamp", "[B"};
    MeridianResultSet rs = rs(ROW);
    rs.next();
    for (int i = 0; i < types.length; i++) {
      assertEquals(types[i], md.getColumnType(i + 1));
      assertEquals(classes[i], md.getColumnClassName(i + 1));
      Object o = rs.getObject(i + 1);
      assertEquals(classes[i], o.getClass().getName(), "getObject agrees with metadata");
      assertEquals(JdbcNames.NAMES[i], md.getColumnTypeName(i + 1));
    }
    assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(1));
    assertEquals(ResultSetMetaData.columnNullable, md.isNullable(2));
    assertEquals(12, md.getPrecision(9));
    assertEquals(3, md.getScale(9));
    assertEquals(14, md.getColumnDisplaySize(9));
    assertEquals(30, md.getPrecision(4));
    assertEquals(19, md.getPrecision(1));
    assertEquals(16, md.getColumnDisplaySize(13));
    assertEquals(0, md.getScale(1));
    assertEquals(9, md.getScale(11), "TIME: fractional digits");
    assertEquals(9, md.getScale(12), "TIMESTAMP: fractional digits");
    assertEquals(29, md.getPrecision(12));
    assertTrue(md.isWritable(2));
    assertFalse(md.isDefinitelyWritable(2));
    assertTrue(md.isSigned(1));
    assertFalse(md.isSigned(4));
    assertTrue(md.isCaseSensitive(4));
    assertFalse(md.isCaseSensitive(1));
    assertFalse(md.isAutoIncrement(1));
    assertFalse(md.isCurrency(9));
    assertTrue(md.isSearchable(1));
    assertFalse(md.isReadOnly(1));
    assertEquals("07009", assertThrows(SQLException.class, () -> md.getColumnType(15))
        .getSQLState());
    ResultSetMetaData computed = new MeridianResultSetMetaData(
        List.of(ResultColumn.computed("X", ColumnType.of(TypeKind.INTEGER))));
    assertTrue(computed.isReadOnly(1));
    assertEquals(ResultSetMetaData.columnNullableUnknown, computed.isNullable(1));
    assertEquals("", computed.getTableName(1));
  }

  /** Type names in ROW order. */
  static final class JdbcNames {
    static final String[] NAMES = {"BIGINT", "INTEGER", "SMALLINT", "VARCHAR", "CHAR", "BOOLEAN",
        "DOUBLE", "REAL", "DECIMAL", "DATE", "TIME", "TIMESTAMP", "VARBINARY"};
  }

  @Test
  void closedAndReadOnly() throws SQLException {
    MeridianResultSet rs = rs(ROW);
    assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
    assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
    assertEquals(ResultSet.FETCH_FORWARD, rs.getFetchDirection());
    assertNull(rs.getStatement());
    SQLFeatureNotSupportedException up = assertThrows(SQLFeatureNotSupportedException.class,
        () -> rs.updateInt(1, 2));
    assertTrue(up.getMessage().startsWith("ResultSet.updateInt"));
    assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateString("V", "x"));
    assertThrows(SQLFeatureNotSupportedException.class, rs::insertRow);
    SQLFeatureNotSupportedException back = assertThrows(SQLFeatureNotSupportedException.class,
        rs::previous);
    assertTrue(back.getMessage().contains("TYPE_FORWARD_ONLY"));
    assertThrows(SQLFeatureNotSupportedException.class, () -> rs.absolute(1));
    assertThrows(SQLFeatureNotSupportedException.class, rs::beforeFirst);
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> rs.setFetchDirection(ResultSet.FETCH_REVERSE));
    rs.setFetchDirection(ResultSet.FETCH_FORWARD);
    assertFalse(rs.rowDeleted());
    assertSame(rs, rs.unwrap(ResultSet.class));
    rs.close();
    rs.close();
    assertTrue(rs.isClosed());
    SQLException closed = assertThrows(SQLException.class, rs::next);
    assertEquals("24000", closed.getSQLState());
    assertEquals("the result set is closed", closed.getMessage());
    assertEquals("24000", assertThrows(SQLException.class, rs::getMetaData).getSQLState());
    assertEquals("24000", assertThrows(SQLException.class, () -> rs.getString("V"))
        .getSQLState());
  }
}
