package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.sql.api.Plan;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A JDBC statement: plans SQL text with the connection's planner and runs the plan. Queries
 * produce a {@link MeridianResultSet} read in full; writes produce an update count (the rows
 * applied); DDL produces 0. Batches of SQL texts run one after the other and go on past a
 * failed statement.
 *
 * <p>A closed statement fails with {@code 24000}; once its connection is closed, with
 * {@code 08003}. Not thread-safe, except {@link #cancel()}.
 */
class MeridianStatement implements Statement {
  private static final Object[] NO_PARAMETERS = new Object[0];

  final MeridianConnection connection;
  private boolean closed;
  private boolean closeOnCompletion;
  private boolean poolable;
  private int queryTimeoutSeconds;
  private long maxRows;
  private int maxFieldSize;
  private int fetchSize;
  private MeridianResultSet resultSet;
  private long updateCount = -1;
  private SQLWarning warnings;
  private final List<String> batch = new ArrayList<>();
  /** The execution whose result set still streams rows, for {@link #cancel()}; or null. */
  private volatile Execution streaming;

  /** The execution in progress, for {@link #cancel()}; null when idle. */
  volatile Execution running;

  /** What an execute method accepts. */
  enum Expect {
    QUERY("executeQuery"),
    UPDATE("executeUpdate"),
    ANY("execute");

    final String method;

    Expect(String method) {
      this.method = method;
    }
  }

  MeridianStatement(MeridianConnection connection) {
    this.connection = connection;
    this.queryTimeoutSeconds = connection.config().queryTimeoutSeconds();
    this.poolable = this instanceof MeridianPreparedStatement;
  }

  /** Fails with {@code 08003} after the connection closed, {@code 24000} after this did. */
  final void checkOpen() throws SQLException {
    connection.checkOpen();
    if (closed) {
      throw SqlExceptions.of(SqlState.INVALID_CURSOR_STATE, "the statement is closed");
    }
  }

  /** A new execution with this statement's query timeout and the connection's network one. */
  final Execution newExecution() {
    return new Execution(queryTimeoutSeconds, connection.networkTimeoutMillis());
  }

  final PlanExecutor.Limits limits() {
    return new PlanExecutor.Limits(maxRows, maxFieldSize, fetchSize);
  }

  /**
   * Plans (with {@code planner}) and runs one statement, installing its result.
   *
   * @return whether the result is a result set
   */
  final boolean run(String sql, Function<Execution, Plan> planner, Object[] parameters,
      Expect expect) throws SQLException {
    checkOpen();
    closeResult();
    streaming = null;
    warnings = null;
    Execution execution = newExecution();
    running = execution;
    try {
      Plan plan = planner.apply(execution);
      checkExpected(plan, expect);
      connection.checkWritable(plan);
      StatementResult r = connection.execute(sql, plan, parameters, limits(),
          execution);
      if (r.warning() != null) {
        addWarning(SqlExceptions.warning(r.warning()));
      }
      if (r.isQuery()) {
        resultSet = new MeridianResultSet(this, connection, r.columns(), r.cursor());
        if (r.stream() != null) {
          // The scan goes on while the application reads: cancel() must still reach it.
          streaming = execution;
        }
        resultSet.setFetchSize(fetchSize);
        return true;
      }
      updateCount = r.updateCount();
      return false;
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    } finally {
      running = null;
    }
  }

  /** Fails with {@code 0A000} when the plan's kind does not fit the execute method. */
  static void checkExpected(Plan plan, Expect expect) {
    boolean query = PlanExecutor.isQuery(plan);
    if (expect == Expect.QUERY && !query) {
      throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "executeQuery cannot run "
          + article(PlanExecutor.describe(plan)) + " statement, which returns no rows: use"
          + " executeUpdate or execute; nothing was run");
    }
    if (expect == Expect.UPDATE && query) {
      throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "executeUpdate cannot run a"
          + " SELECT statement, which returns rows: use executeQuery or execute; nothing was run");
    }
  }

  private static String article(String word) {
    return ("AEIOU".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }

  private Function<Execution, Plan> planOf(String sql) throws SQLException {
    if (sql == null || sql.isBlank()) {
      throw SqlExceptions.of(SqlState.SYNTAX_ERROR, "the SQL text is empty");
    }
    return execution -> connection.executor().plan(sql, execution);
  }

  final void addWarning(SQLWarning w) {
    if (warnings == null) {
      warnings = w;
    } else {
      warnings.setNextWarning(w);
    }
  }

  private void closeResult() {
    if (resultSet != null) {
      MeridianResultSet rs = resultSet;
      resultSet = null;
      rs.closeByStatement();
    }
    updateCount = -1;
  }

  /** Called by a result set of this statement when it closes. */
  final void resultSetClosed(MeridianResultSet rs) {
    if (rs == resultSet) {
      resultSet = null;
      if (closeOnCompletion) {
        close();
      }
    }
  }

  static int saturate(long count) {
    return (int) Math.min(Integer.MAX_VALUE, count);
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    run(sql, planOf(sql), NO_PARAMETERS, Expect.QUERY);
    return resultSet;
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    return saturate(executeLargeUpdate(sql));
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    run(sql, planOf(sql), NO_PARAMETERS, Expect.UPDATE);
    return updateCount;
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    return run(sql, planOf(sql), NO_PARAMETERS, Expect.ANY);
  }

  /** Accepts {@link #NO_GENERATED_KEYS}; Meridian generates no keys. */
  static void checkGeneratedKeys(int autoGeneratedKeys) throws SQLException {
    if (autoGeneratedKeys == RETURN_GENERATED_KEYS) {
      throw SqlExceptions.notSupported("RETURN_GENERATED_KEYS (Meridian generates no keys)");
    }
    if (autoGeneratedKeys != NO_GENERATED_KEYS) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "autoGeneratedKeys must be"
          + " Statement.NO_GENERATED_KEYS or RETURN_GENERATED_KEYS, not " + autoGeneratedKeys);
    }
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    checkOpen();
    checkGeneratedKeys(autoGeneratedKeys);
    return executeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    checkOpen();
    checkGeneratedKeys(autoGeneratedKeys);
    return executeLargeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.executeUpdate with generated key columns");
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.executeLargeUpdate with generated key columns");
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.executeUpdate with generated key columns");
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.executeLargeUpdate with generated key columns");
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    checkOpen();
    checkGeneratedKeys(autoGeneratedKeys);
    return execute(sql);
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.execute with generated key columns");
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.execute with generated key columns");
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    checkOpen();
    return resultSet;
  }

  @Override
  public int getUpdateCount() throws SQLException {
    checkOpen();
    return updateCount < 0 ? -1 : saturate(updateCount);
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    checkOpen();
    return updateCount;
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return getMoreResults(CLOSE_CURRENT_RESULT);
  }

  @Override
  public boolean getMoreResults(int current) throws SQLException {
    checkOpen();
    if (current == KEEP_CURRENT_RESULT || current == CLOSE_ALL_RESULTS) {
      throw SqlExceptions.notSupported("Statement.getMoreResults("
          + (current == KEEP_CURRENT_RESULT ? "KEEP_CURRENT_RESULT" : "CLOSE_ALL_RESULTS")
          + ") (a statement has one result)");
    }
    if (current != CLOSE_CURRENT_RESULT) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "getMoreResults takes"
          + " Statement.CLOSE_CURRENT_RESULT, not " + current);
    }
    closeResult();
    return false;
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    checkOpen();
    return new MeridianResultSet(this, connection, List.of(), List.of());
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    checkOpen();
    if (sql == null || sql.isBlank()) {
      throw SqlExceptions.of(SqlState.SYNTAX_ERROR, "the SQL text is empty");
    }
    batch.add(sql);
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    batch.clear();
  }

  @Override
  public int[] executeBatch() throws SQLException {
    try {
      return toInts(executeLargeBatch());
    } catch (BatchUpdateException e) {
      throw new BatchUpdateException(e.getMessage(), e.getSQLState(), 0,
          toInts(e.getLargeUpdateCounts()), e.getCause());
    }
  }

  static int[] toInts(long[] counts) {
    int[] out = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = counts[i] < 0 ? (int) counts[i] : saturate(counts[i]);
    }
    return out;
  }

  /**
   * Runs the batched SQL texts in order; a failed one counts {@link #EXECUTE_FAILED} and the
   * rest still run.
   */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    List<String> texts = new ArrayList<>(batch);
    batch.clear();
    long[] counts = new long[texts.size()];
    List<Integer> failed = new ArrayList<>();
    StringBuilder details = new StringBuilder();
    SQLException first = null;
    for (int i = 0; i < texts.size(); i++) {
      try {
        run(texts.get(i), planOf(texts.get(i)), NO_PARAMETERS, Expect.UPDATE);
        counts[i] = updateCount;
      } catch (SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("08")
            && connection.isClosed()) {
          throw e;
        }
        counts[i] = EXECUTE_FAILED;
        failed.add(i + 1);
        if (first == null) {
          first = e;
        }
        if (failed.size() <= WriteOutcomes.DETAILED_FAILURES) {
          details.append("; statement ").append(i + 1).append(": [").append(e.getSQLState())
              .append("] ").append(e.getMessage());
        }
      }
    }
    updateCount = -1;
    if (first == null) {
      return counts;
    }
    String message = "batch of " + texts.size() + " statements: "
        + (texts.size() - failed.size()) + " succeeded, " + failed.size() + " failed (statements "
        + WriteOutcomes.ranges(failed) + ")" + details
        + (failed.size() > WriteOutcomes.DETAILED_FAILURES ? "; and "
            + (failed.size() - WriteOutcomes.DETAILED_FAILURES) + " more failures" : "");
    throw new BatchUpdateException(message, first.getSQLState(), 0, counts, first);
  }

  @Override
  public void cancel() throws SQLException {
    checkOpen();
    Execution e = running;
    if (e == null) {
      e = streaming;
    }
    if (e != null) {
      e.cancel();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeResult();
    batch.clear();
  }

  @Override
  public boolean isClosed() {
    return closed || connection.isClosed();
  }

  @Override
  public int getMaxFieldSize() throws SQLException {
    checkOpen();
    return maxFieldSize;
  }

  @Override
  public void setMaxFieldSize(int max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
          "the maximum field size must be 0 (none) or more, not " + max);
    }
    maxFieldSize = max;
  }

  @Override
  public int getMaxRows() throws SQLException {
    return saturate(getLargeMaxRows());
  }

  @Override
  public void setMaxRows(int max) throws SQLException {
    setLargeMaxRows(max);
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    checkOpen();
    return maxRows;
  }

  @Override
  public void setLargeMaxRows(long max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
          "the maximum row count must be 0 (none) or more, not " + max);
    }
    maxRows = max;
  }

  @Override
  public void setEscapeProcessing(boolean enable) throws SQLException {
    // JDBC escapes ({fn ...}, {d '...'}) are left to the SQL parser either way.
    checkOpen();
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    checkOpen();
    return queryTimeoutSeconds;
  }

  @Override
  public void setQueryTimeout(int seconds) throws SQLException {
    checkOpen();
    if (seconds < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
          "the query timeout must be 0 (none) or more seconds, not " + seconds);
    }
    queryTimeoutSeconds = seconds;
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return warnings;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
  }

  @Override
  public void setCursorName(String name) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Statement.setCursorName (positioned updates)");
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != ResultSet.FETCH_FORWARD) {
      throw SqlExceptions.notSupported("Statement.setFetchDirection(" + direction
          + ") (result sets are TYPE_FORWARD_ONLY)");
    }
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return ResultSet.FETCH_FORWARD;
  }

  /** Accepted and reported; results are read in full either way. */
  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
          "the fetch size must be 0 or more, not " + rows);
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    checkOpen();
    return ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public int getResultSetType() throws SQLException {
    checkOpen();
    return ResultSet.TYPE_FORWARD_ONLY;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public Connection getConnection() throws SQLException {
    checkOpen();
    return connection;
  }

  @Override
  public void setPoolable(boolean poolable) throws SQLException {
    checkOpen();
    this.poolable = poolable;
  }

  @Override
  public boolean isPoolable() throws SQLException {
    checkOpen();
    return poolable;
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    checkOpen();
    closeOnCompletion = true;
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    checkOpen();
    return closeOnCompletion;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
        "a Meridian statement is not a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
