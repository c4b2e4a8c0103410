package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.sql.api.Plan;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement: planned once when prepared (planned again, from the planner's cache,
 * when the catalog changed), run with the bound parameters.
 *
 * <p>Batches are pipelined: {@link #addBatch()} checks the row's values against their columns
 * at once, and {@link #executeBatch()} binds every row, sends them in requests of up to
 * {@value PipelinedWrite#MAX_ROWS_PER_REQUEST} rows, all before awaiting any answer. A batch
 * with failed rows throws a {@link BatchUpdateException} whose counts hold
 * {@link Statement#EXECUTE_FAILED} for those rows and whose message names them.
 *
 * <p>Unset parameters fail with {@code 07001}, indexes out of range with {@code 07009}, values
 * that do not fit their column with {@code 22xxx}. Not thread-safe, except {@link #cancel()}.
 */
final class MeridianPreparedStatement extends MeridianStatement implements PreparedStatement {
  private final String sql;
  private Plan plan;
  private long planVersion;
  private final BoundParameters parameters;
  private final List<Object[]> batch = new ArrayList<>();

  MeridianPreparedStatement(MeridianConnection connection, String sql) throws SQLException {
    super(connection);
    if (sql == null || sql.isBlank()) {
      throw SqlExceptions.of(SqlState.SYNTAX_ERROR, "the SQL text is empty");
    }
    this.sql = sql;
    try {
      currentPlan(newExecution());
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
    this.parameters = new BoundParameters(plan.parameterTypes().size());
  }

  /** The plan, planned again when the catalog changed since. */
  private Plan currentPlan(Execution execution) {
    CatalogCache catalog = connection.executor().catalog();
    if (plan == null || catalog.version() != planVersion) {
      plan = connection.executor().plan(sql, execution);
      planVersion = catalog.version();
    }
    return plan;
  }

  private SQLException notOnPrepared(String method) throws SQLException {
    checkOpen();
    return SqlExceptions.notSupported("PreparedStatement." + method + "(String) (the statement"
        + " has its SQL already: call " + method + "())");
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    checkOpen();
    run(sql, this::currentPlan, parameters.snapshot(), Expect.QUERY);
    return getResultSet();
  }

  @Override
  public int executeUpdate() throws SQLException {
    return saturate(executeLargeUpdate());
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    checkOpen();
    run(sql, this::currentPlan, parameters.snapshot(), Expect.UPDATE);
    return getLargeUpdateCount();
  }

  @Override
  public boolean execute() throws SQLException {
    checkOpen();
    return run(sql, this::currentPlan, parameters.snapshot(), Expect.ANY);
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    throw notOnPrepared("executeQuery");
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    throw notOnPrepared("executeUpdate");
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    throw notOnPrepared("executeLargeUpdate");
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    throw notOnPrepared("execute");
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    throw notOnPrepared("addBatch");
  }

  /** Adds the bound values as one batch entry, checking them against their columns now. */
  @Override
  public void addBatch() throws SQLException {
    checkOpen();
    Object[] values = parameters.snapshot();
    try {
      Plan p = currentPlan(newExecution());
      if (PlanExecutor.isQuery(p)) {
        throw SqlExceptions.notSupported("batching a SELECT (batches hold INSERT, UPSERT,"
            + " UPDATE, DELETE and DDL)");
      }
      if (p instanceof Plan.Write w) {
        PlanExecutor.bind(w, values, batch.size());
      }
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
    batch.add(values);
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    batch.clear();
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    List<Object[]> sets = new ArrayList<>(batch);
    batch.clear();
    if (sets.isEmpty()) {
      return new long[0];
    }
    Execution execution = newExecution();
    try {
      Plan p = currentPlan(execution);
      connection.checkWritable(p);
      if (p instanceof Plan.Write w) {
        running = execution;
        try {
          return connection.executeBatch(sql, w, sets, execution);
        } finally {
          running = null;
        }
      }
      long[] counts = new long[sets.size()];
      for (int i = 0; i < sets.size(); i++) {
        run(sql, this::currentPlan, sets.get(i), Expect.UPDATE);
        counts[i] = getLargeUpdateCount();
      }
      return counts;
    } catch (BatchFailure f) {
      throw new BatchUpdateException(f.getMessage(), f.state().code(), 0,
          f.largeUpdateCounts(), f);
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  @Override
  public void clearParameters() throws SQLException {
    checkOpen();
    parameters.clear();
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    try {
      List<ResultColumn> columns = PlanExecutor.resultColumns(currentPlan(newExecution()));
      return columns == null ? null : new MeridianResultSetMetaData(columns);
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    checkOpen();
    try {
      return new MeridianParameterMetaData(currentPlan(newExecution()).parameterTypes());
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  private void bind(int index, Object value) throws SQLException {
    checkOpen();
    parameters.set(index, value);
  }

  @Override
  public void setNull(int parameterIndex, int sqlType) throws SQLException {
    bind(parameterIndex, null);
  }

  @Override
  public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
    bind(parameterIndex, null);
  }

  @Override
  public void setBoolean(int parameterIndex, boolean x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setByte(int parameterIndex, byte x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setShort(int parameterIndex, short x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setInt(int parameterIndex, int x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setLong(int parameterIndex, long x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setFloat(int parameterIndex, float x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setDouble(int parameterIndex, double x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setString(int parameterIndex, String x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setNString(int parameterIndex, String value) throws SQLException {
    bind(parameterIndex, value);
  }

  @Override
  public void setBytes(int parameterIndex, byte[] x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.clone());
  }

  @Override
  public void setDate(int parameterIndex, Date x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toLocalDate());
  }

  @Override
  public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
    bind(parameterIndex, x == null ? null : cal == null ? x.toLocalDate()
        : Instant.ofEpochMilli(x.getTime()).atZone(zone(cal)).toLocalDate());
  }

  @Override
  public void setTime(int parameterIndex, Time x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toLocalTime().withNano(
        (int) Math.floorMod(x.getTime(), 1000L) * 1_000_000));
  }

  @Override
  public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
    if (cal == null) {
      setTime(parameterIndex, x);
      return;
    }
    bind(parameterIndex, x == null ? null
        : Instant.ofEpochMilli(x.getTime()).atZone(zone(cal)).toLocalTime());
  }

  @Override
  public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toLocalDateTime());
  }

  @Override
  public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
    bind(parameterIndex, x == null ? null : cal == null ? x.toLocalDateTime()
        : x.toInstant().atZone(zone(cal)).toLocalDateTime());
  }

  private static ZoneId zone(Calendar cal) {
    return cal.getTimeZone().toZoneId();
  }

  @Override
  public void setObject(int parameterIndex, Object x) throws SQLException {
    Object v = x;
    if (x instanceof Character c) {
      v = String.valueOf(c);
    } else if (x instanceof Calendar c) {
      v = new Timestamp(c.getTimeInMillis());
    } else if (x instanceof java.util.Date d && !(x instanceof Date) && !(x instanceof Time)
        && !(x instanceof Timestamp)) {
      v = new Timestamp(d.getTime());
    } else if (x instanceof byte[] b) {
      v = b.clone();
    }
    bind(parameterIndex, v);
  }

  @Override
  public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    setObject(parameterIndex, x, targetSqlType, null);
  }

  @Override
  public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength)
      throws SQLException {
    setObject(parameterIndex, x, targetSqlType, Integer.valueOf(scaleOrLength));
  }

  private void setObject(int parameterIndex, Object x, int targetSqlType, Integer scale)
      throws SQLException {
    checkOpen();
    parameters.check(parameterIndex);
    try {
      setObject(parameterIndex, BoundParameters.forTarget(x, targetSqlType, scale));
    } catch (MeridianException e) {
      throw SqlExceptions.of(e.state(), "parameter " + parameterIndex + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
    setObject(parameterIndex, x, vendorType(targetSqlType), null);
  }

  @Override
  public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength)
      throws SQLException {
    setObject(parameterIndex, x, vendorType(targetSqlType), Integer.valueOf(scaleOrLength));
  }

  private static int vendorType(SQLType type) throws SQLException {
    if (type == null || type.getVendorTypeNumber() == null) {
      throw SqlExceptions.notSupported("setObject with target type " + type);
    }
    return type.getVendorTypeNumber();
  }

  private SQLException unsupportedSetter(String method, int parameterIndex) throws SQLException {
    checkOpen();
    parameters.check(parameterIndex);
    return SqlExceptions.notSupported("PreparedStatement." + method);
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
    throw unsupportedSetter("setAsciiStream", parameterIndex);
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x, long length)
      throws SQLException {
    throw unsupportedSetter("setAsciiStream", parameterIndex);
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
    throw unsupportedSetter("setAsciiStream", parameterIndex);
  }

  @Override
  @Deprecated
  public void setUnicodeStream(int parameterIndex, InputStream x, int length)
      throws SQLException {
    throw unsupportedSetter("setUnicodeStream", parameterIndex);
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x, int length)
      throws SQLException {
    throw unsupportedSetter("setBinaryStream", parameterIndex);
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x, long length)
      throws SQLException {
    throw unsupportedSetter("setBinaryStream", parameterIndex);
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
    throw unsupportedSetter("setBinaryStream", parameterIndex);
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader, int length)
      throws SQLException {
    throw unsupportedSetter("setCharacterStream", parameterIndex);
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader, long length)
      throws SQLException {
    throw unsupportedSetter("setCharacterStream", parameterIndex);
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
    throw unsupportedSetter("setCharacterStream", parameterIndex);
  }

  @Override
  public void setNCharacterStream(int parameterIndex, Reader value, long length)
      throws SQLException {
    throw unsupportedSetter("setNCharacterStream", parameterIndex);
  }

  @Override
  public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
    throw unsupportedSetter("setNCharacterStream", parameterIndex);
  }

  @Override
  public void setRef(int parameterIndex, Ref x) throws SQLException {
    throw unsupportedSetter("setRef", parameterIndex);
  }

  @Override
  public void setBlob(int parameterIndex, Blob x) throws SQLException {
    throw unsupportedSetter("setBlob", parameterIndex);
  }

  @Override
  public void setBlob(int parameterIndex, InputStream inputStream, long length)
      throws SQLException {
    throw unsupportedSetter("setBlob", parameterIndex);
  }

  @Override
  public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
    throw unsupportedSetter("setBlob", parameterIndex);
  }

  @Override
  public void setClob(int parameterIndex, Clob x) throws SQLException {
    throw unsupportedSetter("setClob", parameterIndex);
  }

  @Override
  public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
    throw unsupportedSetter("setClob", parameterIndex);
  }

  @Override
  public void setClob(int parameterIndex, Reader reader) throws SQLException {
    throw unsupportedSetter("setClob", parameterIndex);
  }

  @Override
  public void setNClob(int parameterIndex, NClob value) throws SQLException {
    throw unsupportedSetter("setNClob", parameterIndex);
  }

  @Override
  public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
    throw unsupportedSetter("setNClob", parameterIndex);
  }

  @Override
  public void setNClob(int parameterIndex, Reader reader) throws SQLException {
    throw unsupportedSetter("setNClob", parameterIndex);
  }

  @Override
  public void setArray(int parameterIndex, Array x) throws SQLException {
    throw unsupportedSetter("setArray", parameterIndex);
  }

  @Override
  public void setURL(int parameterIndex, URL x) throws SQLException {
    throw unsupportedSetter("setURL", parameterIndex);
  }

  @Override
  public void setRowId(int parameterIndex, RowId x) throws SQLException {
    throw unsupportedSetter("setRowId", parameterIndex);
  }

  @Override
  public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
    throw unsupportedSetter("setSQLXML", parameterIndex);
  }
}
