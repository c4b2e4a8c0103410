package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A forward-only, read-only result set over rows already read or streamed ({@link RowCursor}):
 * canonical values per row, with the {@link ResultColumn}s that describe them. Getters convert with
 * {@link ValueConverter}; labels are found case-insensitively, the first match winning.
 *
 * <p>Errors: a column index out of range is {@code 07009}, reading before {@link #next()} or
 * after the last row is {@code 24000}, any use after close is {@code 24000} (or {@code 08003}
 * once the connection is closed). Not thread-safe.
 */
final class MeridianResultSet extends ReadOnlyResultSet {
  private final MeridianStatement statement;
  private final MeridianConnection connection;
  private final List<ResultColumn> columns;
  private final RowCursor rows;
  private boolean afterLast;
  private final Map<String, Integer> byLabel = new HashMap<>();
  private int cursor;
  private boolean closed;
  private boolean wasNull;
  private int fetchSize;

  /**
   * Creates a result set.
   *
   * @param statement the statement that produced it, or null for metadata results
   * @param connection the connection, whose closing closes this result set
   */
  MeridianResultSet(MeridianStatement statement, MeridianConnection connection,
      List<ResultColumn> columns, List<Object[]> rows) {
    this(statement, connection, columns, RowCursor.of(rows));
  }

  /** Creates a result set over a cursor, which it closes when it is closed. */
  MeridianResultSet(MeridianStatement statement, MeridianConnection connection,
      List<ResultColumn> columns, RowCursor rows) {
    this.statement = statement;
    this.connection = connection;
    this.columns = List.copyOf(columns);
    this.rows = rows;
    for (int i = columns.size() - 1; i >= 0; i--) {
      byLabel.put(columns.get(i).label().toUpperCase(Locale.ROOT), i + 1);
    }
  }

  @Override
  void checkOpen() throws SQLException {
    if (connection != null && connection.isClosed()) {
      throw SqlExceptions.of(SqlState.CONNECTION_DOES_NOT_EXIST,
          "the result set's connection is closed");
    }
    if (closed || (statement != null && statement.isClosed())) {
      throw SqlExceptions.of(SqlState.INVALID_CURSOR_STATE, "the result set is closed");
    }
  }

  /** The value at a column of the current row, recording whether it was NULL. */
  private Object value(int columnIndex) throws SQLException {
    checkOpen();
    if (columnIndex < 1 || columnIndex > columns.size()) {
      throw SqlExceptions.of(SqlState.INVALID_DESCRIPTOR_INDEX, "column index " + columnIndex
          + " is out of range: the result has " + columns.size() + " columns");
    }
    if (cursor < 1 || afterLast) {
      throw SqlExceptions.of(SqlState.INVALID_CURSOR_STATE, cursor < 1
          ? "the result set is before its first row: call next() first"
          : "the result set is after its last row");
    }
    Object v = rows.current()[columnIndex - 1];
    wasNull = v == null;
    return v;
  }

  private String label(int columnIndex) {
    return columns.get(columnIndex - 1).label();
  }

  private SQLException conversion(MeridianException e, int columnIndex) {
    return SqlExceptions.of(e.state(), "column " + columnIndex + " (" + label(columnIndex) + "): "
        + e.getMessage(), e);
  }

  @Override
  public boolean next() throws SQLException {
    checkOpen();
    if (afterLast) {
      return false;
    }
    boolean more;
    try {
      more = rows.advance();
    } catch (RuntimeException e) {
      afterLast = true;
      rows.close();
      throw SqlExceptions.of(e);
    }
    if (more) {
      cursor++;
    } else {
      afterLast = true;
      rows.close();
    }
    return more;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      rows.close();
      if (statement != null) {
        statement.resultSetClosed(this);
      }
    }
  }

  /** Closes without telling the statement (which is replacing or dropping this result). */
  void closeByStatement() {
    closed = true;
    rows.close();
  }

  @Override
  public boolean isClosed() {
    return closed || (statement != null && statement.isClosed())
        || (connection != null && connection.isClosed());
  }

  @Override
  public boolean wasNull() throws SQLException {
    checkOpen();
    return wasNull;
  }

  @Override
  public int findColumn(String columnLabel) throws SQLException {
    checkOpen();
    Integer i = columnLabel == null ? null : byLabel.get(columnLabel.toUpperCase(Locale.ROOT));
    if (i == null) {
      StringBuilder labels = new StringBuilder();
      for (ResultColumn c : columns) {
        labels.append(labels.length() == 0 ? "" : ", ").append(c.label());
      }
      throw SqlExceptions.of(SqlState.INVALID_DESCRIPTOR_INDEX, "no column labelled '"
          + columnLabel + "'; the result has " + labels);
    }
    return i;
  }

  @Override
  public String getString(int columnIndex) throws SQLException {
    return ValueConverter.toText(value(columnIndex));
  }

  @Override
  public String getNString(int columnIndex) throws SQLException {
    return getString(columnIndex);
  }

  @Override
  public boolean getBoolean(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toBoolean(v);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  private long integer(int columnIndex, long min, long max, String target) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toLong(v, min, max, target);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public byte getByte(int columnIndex) throws SQLException {
    return (byte) integer(columnIndex, Byte.MIN_VALUE, Byte.MAX_VALUE, "TINYINT");
  }

  @Override
  public short getShort(int columnIndex) throws SQLException {
    return (short) integer(columnIndex, Short.MIN_VALUE, Short.MAX_VALUE, "SMALLINT");
  }

  @Override
  public int getInt(int columnIndex) throws SQLException {
    return (int) integer(columnIndex, Integer.MIN_VALUE, Integer.MAX_VALUE, "INTEGER");
  }

  @Override
  public long getLong(int columnIndex) throws SQLException {
    return integer(columnIndex, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
  }

  @Override
  public float getFloat(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toFloat(v);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public double getDouble(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toDouble(v);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toBigDecimal(v);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  @Deprecated
  public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
    BigDecimal d = getBigDecimal(columnIndex);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public byte[] getBytes(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toBytes(v);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public Date getDate(int columnIndex) throws SQLException {
    return getDate(columnIndex, null);
  }

  @Override
  public Date getDate(int columnIndex, Calendar cal) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toDate(v, cal);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public Time getTime(int columnIndex) throws SQLException {
    return getTime(columnIndex, null);
  }

  @Override
  public Time getTime(int columnIndex, Calendar cal) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toTime(v, cal);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public Timestamp getTimestamp(int columnIndex) throws SQLException {
    return getTimestamp(columnIndex, null);
  }

  @Override
  public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
    Object v = value(columnIndex);
    try {
      return ValueConverter.toTimestamp(v, cal);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public Object getObject(int columnIndex) throws SQLException {
    return ValueConverter.toJdbcObject(value(columnIndex));
  }

  @Override
  public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
    if (type == null) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "getObject needs a class");
    }
    Object v = value(columnIndex);
    try {
      return ValueConverter.to(v, type);
    } catch (MeridianException e) {
      throw conversion(e, columnIndex);
    }
  }

  @Override
  public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
    if (map != null && !map.isEmpty()) {
      checkOpen();
      throw SqlExceptions.notSupported("ResultSet.getObject with a type map");
    }
    return getObject(columnIndex);
  }

  @Override
  public InputStream getAsciiStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  @Deprecated
  public InputStream getUnicodeStream(int columnIndex) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("ResultSet.getUnicodeStream (deprecated; use"
        + " getCharacterStream)");
  }

  @Override
  public InputStream getBinaryStream(int columnIndex) throws SQLException {
    byte[] b = getBytes(columnIndex);
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Override
  public Reader getCharacterStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new StringReader(s);
  }

  @Override
  public Reader getNCharacterStream(int columnIndex) throws SQLException {
    return getCharacterStream(columnIndex);
  }

  private SQLException unsupportedGetter(String method, int columnIndex) throws SQLException {
    value(columnIndex);
    return SqlExceptions.notSupported("ResultSet." + method);
  }

  @Override
  public Ref getRef(int columnIndex) throws SQLException {
    throw unsupportedGetter("getRef", columnIndex);
  }

  @Override
  public Blob getBlob(int columnIndex) throws SQLException {
    throw unsupportedGetter("getBlob", columnIndex);
  }

  @Override
  public Clob getClob(int columnIndex) throws SQLException {
    throw unsupportedGetter("getClob", columnIndex);
  }

  @Override
  public Array getArray(int columnIndex) throws SQLException {
    throw unsupportedGetter("getArray", columnIndex);
  }

  @Override
  public java.net.URL getURL(int columnIndex) throws SQLException {
    throw unsupportedGetter("getURL", columnIndex);
  }

  @Override
  public RowId getRowId(int columnIndex) throws SQLException {
    throw unsupportedGetter("getRowId", columnIndex);
  }

  @Override
  public NClob getNClob(int columnIndex) throws SQLException {
    throw unsupportedGetter("getNClob", columnIndex);
  }

  @Override
  public SQLXML getSQLXML(int columnIndex) throws SQLException {
    throw unsupportedGetter("getSQLXML", columnIndex);
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return null;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return new MeridianResultSetMetaData(columns);
  }

  @Override
  public boolean isBeforeFirst() throws SQLException {
    checkOpen();
    return cursor == 0 && !afterLast && rows.hasNext();
  }

  @Override
  public boolean isAfterLast() throws SQLException {
    checkOpen();
    return afterLast && cursor > 0;
  }

  @Override
  public boolean isFirst() throws SQLException {
    checkOpen();
    return cursor == 1 && !afterLast;
  }

  @Override
  public boolean isLast() throws SQLException {
    checkOpen();
    return cursor >= 1 && !afterLast && !rows.hasNext();
  }

  @Override
  public int getRow() throws SQLException {
    checkOpen();
    return cursor >= 1 && !afterLast ? cursor : 0;
  }

  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "the fetch size must be 0 or"
          + " more, not " + rows);
    }
    this.fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public Statement getStatement() throws SQLException {
    checkOpen();
    return statement;
  }
}
