package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.sql.api.Plan;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.ClientInfoStatus;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * A JDBC connection to a set of regions: its {@link RegionRouter} (a channel per region, the
 * shared routing policy, the session token), its {@link CatalogCache} and the shared planner.
 *
 * <p>Transactions: with autocommit on (the default) every statement commits on its own, row by
 * row. With autocommit off, key writes (INSERT, UPSERT, UPDATE and DELETE by key) are buffered
 * in the driver ({@link PendingWrites}) and applied at {@code commit}, row by row and not
 * atomically; {@code rollback} discards them; queries do not see them; DDL commits them first;
 * closing the connection with writes pending discards them and logs a warning. So the isolation
 * level is {@link #TRANSACTION_READ_UNCOMMITTED}: others may see part of a commit, even of one
 * that fails. Savepoints are {@code 0A000}.
 *
 * <p>Read-only mode ({@link #setReadOnly}) is enforced: writes and DDL fail with {@code 25006}.
 * The network timeout bounds every wait for a peer's answer. Every method but {@code close},
 * {@code isClosed}, {@code isValid} and {@code abort} fails with {@code 08003} once closed.
 * Thread-safe.
 */
final class MeridianConnection implements Connection, dev.meridian.driver.api.MeridianConnection {
  private static final Logger LOG = Logger.getLogger("dev.meridian.driver");
  private final DriverConfig config;
  private final RegionRouter router;
  private final PlanExecutor executor;
  private final Properties clientInfo = new Properties();
  private volatile boolean closed;
  private volatile boolean readOnly;
  private volatile int networkTimeoutMillis;
  private volatile int holdability = ResultSet.HOLD_CURSORS_OVER_COMMIT;
  private volatile SQLWarning warnings;
  private volatile boolean autoCommit = true;
  private final PendingWrites pending = new PendingWrites();

  MeridianConnection(DriverConfig config, RegionRouter router, ResidencyRouting residency,
      StatementPlanner planner) {
    this.config = config;
    this.router = router;
    this.executor = new PlanExecutor(router, residency, new CatalogCache(), planner);
    this.networkTimeoutMillis = config.networkTimeoutMillis();
    if (config.applicationName() != null) {
      clientInfo.setProperty("ApplicationName", config.applicationName());
    }
  }

  DriverConfig config() {
    return config;
  }

  PlanExecutor executor() {
    return executor;
  }

  int networkTimeoutMillis() {
    return networkTimeoutMillis;
  }

  void checkOpen() throws SQLException {
    if (closed) {
      throw SqlExceptions.of(SqlState.CONNECTION_DOES_NOT_EXIST, "the connection is closed");
    }
  }

  /** Fails with {@code 25006} when a read-only connection is asked to write. */
  void checkWritable(Plan plan) {
    if (readOnly && PlanExecutor.isWrite(plan)) {
      throw new MeridianException(SqlState.READ_ONLY_SQL_TRANSACTION, "the connection is"
          + " read-only: " + PlanExecutor.describe(plan) + " is refused; call setReadOnly(false)"
          + " to write");
    }
  }

  private static void checkResultSetOptions(int type, int concurrency) throws SQLException {
    if (type != ResultSet.TYPE_FORWARD_ONLY) {
      throw SqlExceptions.notSupported("result set type " + (type
          == ResultSet.TYPE_SCROLL_INSENSITIVE ? "TYPE_SCROLL_INSENSITIVE"
          : type == ResultSet.TYPE_SCROLL_SENSITIVE ? "TYPE_SCROLL_SENSITIVE" : type)
          + " (only TYPE_FORWARD_ONLY)");
    }
    if (concurrency != ResultSet.CONCUR_READ_ONLY) {
      throw SqlExceptions.notSupported("result set concurrency " + (concurrency
          == ResultSet.CONCUR_UPDATABLE ? "CONCUR_UPDATABLE" : concurrency)
          + " (only CONCUR_READ_ONLY)");
    }
  }

  private static void checkHoldability(int holdability) throws SQLException {
    if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT
        && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "holdability must be"
          + " ResultSet.HOLD_CURSORS_OVER_COMMIT or CLOSE_CURSORS_AT_COMMIT, not " + holdability);
    }
  }

  @Override
  public Statement createStatement() throws SQLException {
    checkOpen();
    return new MeridianStatement(this);
  }

  @Override
  public Statement createStatement(int type, int concurrency) throws SQLException {
    checkOpen();
    checkResultSetOptions(type, concurrency);
    return createStatement();
  }

  @Override
  public Statement createStatement(int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    checkResultSetOptions(type, concurrency);
    checkHoldability(holdability);
    return createStatement();
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    checkOpen();
    return new MeridianPreparedStatement(this, sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency)
      throws SQLException {
    checkOpen();
    checkResultSetOptions(type, concurrency);
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency,
      int holdability) throws SQLException {
    checkOpen();
    checkResultSetOptions(type, concurrency);
    checkHoldability(holdability);
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys)
      throws SQLException {
    checkOpen();
    MeridianStatement.checkGeneratedKeys(autoGeneratedKeys);
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.prepareStatement with generated key columns");
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames)
      throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.prepareStatement with generated key columns");
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.prepareCall (stored procedures)");
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency)
      throws SQLException {
    return prepareCall(sql);
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    return prepareCall(sql);
  }

  @Override
  public String nativeSQL(String sql) throws SQLException {
    checkOpen();
    return sql;
  }

  /**
   * Runs a planned statement: at once with autocommit on; with it off, key writes go to the
   * buffer, DDL commits the buffer first, queries run at once (without seeing the buffer), and
   * anything else is {@code 0A000}.
   */
  StatementResult execute(String sql, Plan plan, Object[] parameters, PlanExecutor.Limits limits,
      Execution execution) {
    if (autoCommit || PlanExecutor.isQuery(plan)) {
      return executor.execute(sql, plan, parameters, limits, execution);
    }
    if (plan instanceof Plan.Write w) {
      long[] counts = pending.add(sql, w, List.<Object[]>of(parameters), false, executor,
          execution);
      return StatementResult.update(counts[0], null);
    }
    if (plan instanceof Plan.CreateTable || plan instanceof Plan.DropTable
        || plan instanceof Plan.AlterTable || plan instanceof Plan.CreateIndex
        || plan instanceof Plan.DropIndex || PlanExecutor.isUserCommand(plan)) {
      // DDL is not transactional: it commits what is pending, then runs at once.
      commitPending(execution);
      return executor.execute(sql, plan, parameters, limits, execution);
    }
    throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, PlanExecutor.describe(plan)
        + " with autocommit off is not supported: only writes by key are buffered for commit;"
        + " call setAutoCommit(true) to run it");
  }

  /** Runs a batch of a key write: at once with autocommit on, else into the buffer. */
  long[] executeBatch(String sql, Plan.Write plan, List<Object[]> parameterSets,
      Execution execution) {
    if (autoCommit) {
      return executor.executeBatch(sql, plan, parameterSets, execution);
    }
    return pending.add(sql, plan, parameterSets, true, executor, execution);
  }

  private void commitPending(Execution execution) {
    for (String w : pending.commit(executor, execution)) {
      addWarning(SqlExceptions.warning(w));
    }
  }

  private synchronized void addWarning(SQLWarning w) {
    if (warnings == null) {
      warnings = w;
    } else {
      warnings.setNextWarning(w);
    }
  }

  /**
   * Turning autocommit off starts buffering key writes until {@link #commit}; turning it on
   * commits what is pending (as JDBC asks).
   */
  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (autoCommit && !this.autoCommit) {
      commit();
    }
    this.autoCommit = autoCommit;
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return autoCommit;
  }

  /**
   * Applies the buffered writes in order, row by row; a failure stops it, leaves what was
   * applied, discards the rest and says which was which. Rows that changed a different number
   * of rows than they reported add warnings to the connection.
   */
  @Override
  public void commit() throws SQLException {
    checkOpen();
    if (autoCommit) {
      throw SqlExceptions.of(SqlState.INVALID_TRANSACTION_STATE, "commit() is not allowed in"
          + " autocommit mode: every statement already committed on its own");
    }
    try {
      commitPending(new Execution(0, networkTimeoutMillis));
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  /** Discards the buffered writes; nothing of them reached a peer. */
  @Override
  public void rollback() throws SQLException {
    checkOpen();
    if (autoCommit) {
      throw SqlExceptions.of(SqlState.INVALID_TRANSACTION_STATE, "rollback() is not allowed in"
          + " autocommit mode: every statement already committed on its own");
    }
    pending.discard();
  }

  /**
   * Closes the connection to the peer, discarding writes still waiting for {@code commit} (with
   * a warning in the log). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    discardOnClose();
    router.close();
  }

  private void discardOnClose() {
    long rows = pending.rows();
    int statements = pending.discard();
    if (statements > 0) {
      LOG.warning("a Meridian connection to " + config.homeRegion() + " closed with "
          + statements + " statements (" + rows + " rows) not committed; they were discarded:"
          + " call commit() before close() to apply them");
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    return new MeridianDatabaseMetaData(this);
  }

  /**
   * Read-only connections refuse writes and DDL with {@code 25006}; {@code 25001} while writes
   * wait for commit.
   */
  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    if (readOnly != this.readOnly && !pending.isEmpty()) {
      throw SqlExceptions.of(SqlState.ACTIVE_SQL_TRANSACTION, "setReadOnly cannot change the"
          + " mode while " + pending.statements() + " statements wait for commit: call commit()"
          + " or rollback() first");
    }
    this.readOnly = readOnly;
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return readOnly;
  }

  /** Ignored: Meridian has no catalogs (JDBC asks drivers without them to ignore this). */
  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
  }

  @Override
  public String getCatalog() throws SQLException {
    checkOpen();
    return null;
  }

  /**
   * Accepts {@link #TRANSACTION_READ_UNCOMMITTED}, the only level: a commit applies its rows one
   * by one, so others can see part of it. Stronger levels are {@code 0A000}.
   */
  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    switch (level) {
      case TRANSACTION_READ_UNCOMMITTED:
        return;
      case TRANSACTION_READ_COMMITTED:
      case TRANSACTION_REPEATABLE_READ:
      case TRANSACTION_SERIALIZABLE:
        throw SqlExceptions.notSupported("Connection.setTransactionIsolation("
            + isolationName(level) + ") (a commit applies its writes row by row, so others can"
            + " see part of it: the only level is TRANSACTION_READ_UNCOMMITTED)");
      case TRANSACTION_NONE:
        throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "TRANSACTION_NONE cannot be"
            + " set; Meridian's level is TRANSACTION_READ_UNCOMMITTED");
      default:
        throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "no transaction isolation level"
            + " " + level + "; Meridian's level is TRANSACTION_READ_UNCOMMITTED");
    }
  }

  private static String isolationName(int level) {
    return switch (level) {
      case TRANSACTION_READ_COMMITTED -> "TRANSACTION_READ_COMMITTED";
      case TRANSACTION_REPEATABLE_READ -> "TRANSACTION_REPEATABLE_READ";
      default -> "TRANSACTION_SERIALIZABLE";
    };
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    return TRANSACTION_READ_UNCOMMITTED;
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
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return new HashMap<>();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    if (map != null && !map.isEmpty()) {
      throw SqlExceptions.notSupported("Connection.setTypeMap (user-defined types)");
    }
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    checkHoldability(holdability);
    this.holdability = holdability;
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return holdability;
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.setSavepoint (a rollback discards the whole"
        + " transaction)");
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    return setSavepoint();
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.rollback(Savepoint) (no savepoints)");
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.releaseSavepoint (no savepoints)");
  }

  @Override
  public Clob createClob() throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.createClob");
  }

  @Override
  public Blob createBlob() throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.createBlob");
  }

  @Override
  public NClob createNClob() throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.createNClob");
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.createSQLXML");
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.createArrayOf");
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    checkOpen();
    throw SqlExceptions.notSupported("Connection.createStruct");
  }

  /**
   * Pings the serving peer (reconnecting first if the connection to it broke) and waits at most
   * {@code timeout} seconds (0: no limit) for the answer.
   */
  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
          "isValid needs a timeout of 0 or more seconds, not " + timeout);
    }
    if (closed) {
      return false;
    }
    try {
      Execution execution = new Execution(timeout, networkTimeoutMillis);
      Response r = router.run(RegionRouter.Call.METADATA, null, execution,
          ch -> ch.await(ch.send(new Request.Ping()), execution, false));
      return r instanceof Response.Pong;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    if (closed) {
      Map<String, ClientInfoStatus> failed = new HashMap<>();
      failed.put(name, ClientInfoStatus.REASON_UNKNOWN);
      throw new SQLClientInfoException("the connection is closed",
          SqlState.CONNECTION_DOES_NOT_EXIST.code(), failed);
    }
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    if (closed) {
      Map<String, ClientInfoStatus> failed = new HashMap<>();
      for (String name : properties.stringPropertyNames()) {
        failed.put(name, ClientInfoStatus.REASON_UNKNOWN);
      }
      throw new SQLClientInfoException("the connection is closed",
          SqlState.CONNECTION_DOES_NOT_EXIST.code(), failed);
    }
    clientInfo.clear();
    for (String name : properties.stringPropertyNames()) {
      clientInfo.setProperty(name, properties.getProperty(name));
    }
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    return clientInfo.getProperty(name);
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    Properties copy = new Properties();
    copy.putAll(clientInfo);
    return copy;
  }

  /** Ignored: Meridian has no schemas (JDBC asks drivers without them to ignore this). */
  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
  }

  @Override
  public String getSchema() throws SQLException {
    checkOpen();
    return null;
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (executor == null) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE, "abort needs an executor");
    }
    if (closed) {
      return;
    }
    closed = true;
    discardOnClose();
    executor.execute(router::close);
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    if (milliseconds < 0) {
      throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
          "the network timeout must be 0 (none) or more milliseconds, not " + milliseconds);
    }
    networkTimeoutMillis = milliseconds;
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    return networkTimeoutMillis;
  }

  @Override
  public String homeRegion() throws SQLException {
    checkOpen();
    return config.homeRegion();
  }

  @Override
  public String servingRegion() throws SQLException {
    checkOpen();
    return router.lastRegion();
  }

  @Override
  public String servingPeer() throws SQLException {
    checkOpen();
    PeerChannel ch = router.lastChannelOrNull();
    return ch == null ? null : ch.peer();
  }

  @Override
  public String sessionToken() throws SQLException {
    checkOpen();
    return router.token().encode();
  }

  @Override
  public void setSessionToken(String token) throws SQLException {
    checkOpen();
    try {
      router.token().replaceWith(token);
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.of(SqlState.INVALID_PARAMETER_VALUE,
        "a Meridian connection is not a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
