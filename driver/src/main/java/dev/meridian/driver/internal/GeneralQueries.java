package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.RowExprs;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.api.QueryConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs {@link Plan.Query} and {@link Plan.ScanWrite} plans: Calcite (through its own JDBC
 * driver, {@link QueryConnections}) plans and executes the query over {@link PeerScans}, and
 * its result set is read row by row as the application reads ours, so a query over a huge table
 * streams. A scan write collects the matching rows' keys (and computed values) first, then
 * writes them by key in pipelined chunks, one row at a time and not atomically.
 *
 * <p>The Calcite connection is opened on first use and lives as long as this connection's
 * executor (it holds no sockets or threads). Thread-safe: each query prepares its own Calcite
 * statement.
 */
final class GeneralQueries {
  private static final int WRITE_CHUNK = PipelinedWrite.MAX_ROWS_PER_REQUEST;

  private final RowAccess access;
  private final CatalogCache catalog;
  private final PeerScans scans;
  private Connection calcite;

  GeneralQueries(RegionRouter router, RowAccess access, CatalogCache catalog) {
    this.access = access;
    this.catalog = catalog;
    this.scans = new PeerScans(router);
  }

  private synchronized Connection calcite() {
    if (calcite == null) {
      calcite = QueryConnections.open(catalog, scans);
    }
    return calcite;
  }

  /** The result columns of a query plan. */
  static List<ResultColumn> resultColumns(Plan.Query q) {
    List<ResultColumn> out = new ArrayList<>(q.columns().size());
    for (Plan.QueryColumn c : q.columns()) {
      out.add(new ResultColumn(c.label(), c.column(), c.table(), c.type(),
          c.nullable() ? ResultSetMetaData.columnNullable : ResultSetMetaData.columnNoNulls));
    }
    return out;
  }

  /** Starts a query; its rows stream from the peers as the result set is read. */
  StatementResult query(Plan.Query q, Object[] parameters, PlanExecutor.Limits limits,
      Execution execution) {
    Object[] values = new Object[q.parameterTypes().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = PlanExecutor.resolve(new Operand.Parameter(i, q.parameterTypes().get(i)),
          parameters);
    }
    QueryRows rows = open(q, values, limits, execution);
    return StatementResult.streamed(resultColumns(q), rows);
  }

  private QueryRows open(Plan.Query q, Object[] values, PlanExecutor.Limits limits,
      Execution execution) {
    PeerScans.Context context = PeerScans.Context.of(execution, limits.fetchSize());
    PreparedStatement ps = null;
    try {
      ps = calcite().prepareStatement(q.sql());
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, toJdbc(values[i]));
      }
      PreparedStatement statement = ps;
      ResultSet rs = PeerScans.with(context, () -> {
        try {
          return statement.executeQuery();
        } catch (SQLException e) {
          throw failure(e);
        }
      });
      return new QueryRows(statement, rs, q, context, limits.maxFieldSize(), limits.maxRows());
    } catch (SQLException | RuntimeException e) {
      closeQuietly(ps);
      throw e instanceof SQLException s ? failure(s) : unwrap((RuntimeException) e);
    }
  }

  /**
   * Runs a scan write.
   *
   * @return the rows written
   * @throws MeridianException when a row fails, saying how many rows were written before
   */
  long scanWrite(Plan.ScanWrite w, Object[] parameters, Execution execution) {
    TableSchema t = w.table();
    int[] mapped = w.queryParameters();
    Object[] queryValues = new Object[mapped.length];
    for (int j = 0; j < mapped.length; j++) {
      queryValues[j] = PlanExecutor.resolve(new Operand.Parameter(mapped[j],
          w.query().parameterTypes().get(j)), parameters);
    }
    Object[] fixed = new Object[w.columns().length];
    for (int i = 0; i < fixed.length; i++) {
      Operand operand = w.values().get(i);
      fixed[i] = operand == null ? null : PlanExecutor.resolve(operand, parameters);
    }
    RowExpr[] computed = null;
    if (w.computed() != null) {
      computed = new RowExpr[w.columns().length];
      for (int i = 0; i < computed.length; i++) {
        RowExpr e = w.computed().get(i);
        computed[i] = e == null ? null : RowExprs.bind(e, parameters);
      }
    }
    RowExpr condition = w.condition() == null ? null : RowExprs.bind(w.condition(), parameters);
    boolean atOwners = computed != null || condition != null;
    // Every match first, then the writes: a write never meets a row it already wrote.
    List<RowWrite> writes = new ArrayList<>();
    int keys = t.keyColumns().size();
    try (QueryRows rows = open(w.query(), queryValues, PlanExecutor.Limits.NONE, execution)) {
      while (rows.advance()) {
        Object[] row = rows.current();
        Object[] key = Arrays.copyOf(row, keys);
        Object[] values = new Object[fixed.length];
        int fromQuery = keys;
        for (int i = 0; i < values.length; i++) {
          ColumnDef def = t.column(w.columns()[i]);
          if (atOwners && w.values().get(i) == null) {
            continue; // the row's owner computes it
          }
          Object v = w.values().get(i) == null ? coerce(def, row[fromQuery++]) : fixed[i];
          if (v == null && !def.nullable()) {
            throw new MeridianException(SqlState.NOT_NULL_VIOLATION, "column " + def.name()
                + " of table " + t.name() + " is NOT NULL but the UPDATE sets it to NULL for"
                + " the row with key " + Arrays.toString(key) + "; no row was written");
          }
          values[i] = v;
        }
        writes.add(atOwners ? new RowWrite(key, w.columns().clone(), values,
            computed == null ? null : computed.clone(), condition)
            : new RowWrite(key, w.columns().clone(), values));
      }
    }
    long written = 0;
    for (int from = 0; from < writes.size(); from += WRITE_CHUNK) {
      List<RowWrite> chunk = writes.subList(from, Math.min(writes.size(), from + WRITE_CHUNK));
      RowResult[] results = access.write(t, w.kind(), chunk, execution);
      try {
        written += WriteOutcomes.statementCount(t, w.kind(), chunk, results);
      } catch (MeridianException e) {
        long before = written;
        for (RowResult r : results) {
          written += r.applied() ? 1 : 0;
        }
        throw new MeridianException(e.state(), w.kind() + " of " + t.name() + " matched "
            + writes.size() + " rows and wrote " + written + " of them before failing ("
            + before + " in earlier chunks); it is not atomic, the rows written stay written: "
            + e.getMessage(), e);
      }
    }
    return written;
  }

  private static Object coerce(ColumnDef def, Object v) {
    try {
      return def.type().coerce(v);
    } catch (MeridianException e) {
      throw new MeridianException(e.state(), "the value computed for column " + def.name()
          + " does not fit it: " + e.getMessage(), e);
    }
  }

  private static Object toJdbc(Object v) {
    if (v instanceof LocalDate d) {
      return java.sql.Date.valueOf(d);
    }
    if (v instanceof LocalTime t) {
      return java.sql.Time.valueOf(t);
    }
    if (v instanceof LocalDateTime ts) {
      return java.sql.Timestamp.valueOf(ts);
    }
    return v;
  }

  /** The Meridian error inside a Calcite failure, or the failure as a Meridian error. */
  static MeridianException failure(SQLException e) {
    MeridianException inner = find(e);
    if (inner != null) {
      return inner;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    SqlState state = root instanceof ArithmeticException ? SqlState.NUMERIC_VALUE_OUT_OF_RANGE
        : SqlState.INTERNAL_ERROR;
    return new MeridianException(state, "the query failed: " + root.getMessage(), e);
  }

  static MeridianException unwrap(RuntimeException e) {
    MeridianException inner = find(e);
    return inner != null ? inner
        : new MeridianException(SqlState.INTERNAL_ERROR, "the query failed: " + e, e);
  }

  private static MeridianException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MeridianException m) {
        return m;
      }
    }
    return null;
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // nothing more to release
      }
    }
  }

  /** Calcite's result set as Meridian rows, pulled with the statement's scan context. */
  private static final class QueryRows implements RowCursor {
    private final PreparedStatement statement;
    private final ResultSet rs;
    private final List<ColumnType> types;
    private final PeerScans.Context context;
    private final int maxFieldSize;
    private final long maxRows;
    private long read;
    private Object[] current;
    private Object[] ahead;
    private boolean done;
    private boolean closed;

    QueryRows(PreparedStatement statement, ResultSet rs, Plan.Query q,
        PeerScans.Context context, int maxFieldSize, long maxRows) {
      this.statement = statement;
      this.rs = rs;
      this.types = q.columns().stream().map(Plan.QueryColumn::type).toList();
      this.context = context;
      this.maxFieldSize = maxFieldSize;
      this.maxRows = maxRows;
    }

    @Override
    public boolean advance() {
      if (ahead != null) {
        current = ahead;
        ahead = null;
        return true;
      }
      current = read();
      return current != null;
    }

    private Object[] read() {
      if (done || closed) {
        return null;
      }
      if (maxRows > 0 && read >= maxRows) {
        // setMaxRows: the rest is dropped and the scans behind it are closed.
        done = true;
        close();
        return null;
      }
      read++;
      return PeerScans.with(context, () -> {
        try {
          if (!rs.next()) {
            done = true;
            close();
            return null;
          }
          Object[] row = new Object[types.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = PlanExecutor.truncate(
                dev.meridian.sql.internal.query.CalciteTypes.toCanonical(rs.getObject(i + 1),
                    types.get(i)), maxFieldSize);
          }
          return row;
        } catch (SQLException e) {
          close();
          throw failure(e);
        } catch (RuntimeException e) {
          close();
          throw unwrap(e);
        }
      });
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean hasNext() {
      if (ahead == null) {
        ahead = read();
      }
      return ahead != null;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        closeQuietly(rs);
        closeQuietly(statement);
      }
    }
  }
}
