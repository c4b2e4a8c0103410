package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.RowExprs;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans statements and runs their plans in the regions a connection's {@link RegionRouter}
 * picks: point reads become {@link Request.Get}, queries of system tables
 * {@link Request.ReadSystemTable} (filtered, sorted and projected here by
 * {@link SystemTableQuery}), writes {@link PipelinedWrite}s, DDL its own requests.
 *
 * <p>The catalog is reloaded and the statement planned again once when the planner names an
 * unknown table or a peer answers a read or write with {@code 42P01} (the table was dropped or
 * re-created since the catalog was loaded). Thread-safe; each call is independent.
 */
final class PlanExecutor {
  private final RegionRouter router;
  private final RowAccess access;
  private final CatalogCache catalog;
  private final StatementPlanner planner;
  private final GeneralQueries queries;
  private final IndexReads indexReads;

  /**
   * Limits a statement puts on its results.
   *
   * @param fetchSize the rows a streamed query asks the peer for at a time; 0 for the default
   */
  record Limits(long maxRows, int maxFieldSize, int fetchSize) {
    static final Limits NONE = new Limits(0, 0, 0);

    Limits(long maxRows, int maxFieldSize) {
      this(maxRows, maxFieldSize, 0);
    }
  }

  PlanExecutor(RegionRouter router, ResidencyRouting residency, CatalogCache catalog,
      StatementPlanner planner) {
    this.router = router;
    this.access = new RowAccess(router, residency);
    this.catalog = catalog;
    this.planner = planner;
    this.queries = new GeneralQueries(router, access, catalog);
    this.indexReads = new IndexReads(router, queries);
  }

  CatalogCache catalog() {
    return catalog;
  }

  RegionRouter router() {
    return router;
  }

  /** Loads the catalog if it never was. */
  void ensureCatalog(Execution execution) {
    if (!catalog.isLoaded()) {
      refreshCatalog(execution);
    }
  }

  /** Reloads the catalog from the first region that answers. */
  void refreshCatalog(Execution execution) {
    router.run(RegionRouter.Call.METADATA, null, execution, ch -> {
      catalog.refresh(ch, execution);
      return null;
    });
  }

  /**
   * Plans a statement, reloading the catalog once if the planner names an unknown table or
   * column, or finds a literal too long or large for its column: another connection may have
   * created or altered (widened) it.
   */
  Plan plan(String sql, Execution execution) {
    ensureCatalog(execution);
    try {
      return planner.plan(sql, catalog);
    } catch (MeridianException e) {
      if (e.state() != SqlState.UNDEFINED_TABLE && e.state() != SqlState.UNDEFINED_COLUMN
          && e.state() != SqlState.STRING_DATA_RIGHT_TRUNCATION
          && e.state() != SqlState.NUMERIC_VALUE_OUT_OF_RANGE) {
        throw e;
      }
      long before = catalog.version();
      refreshCatalog(execution);
      if (catalog.version() == before) {
        throw e;
      }
      return planner.plan(sql, catalog);
    }
  }

  /** Whether a plan produces rows. */
  static boolean isQuery(Plan plan) {
    return plan instanceof Plan.PointSelect || plan instanceof Plan.Constant
        || plan instanceof Plan.SystemQuery || plan instanceof Plan.Query
        || plan instanceof Plan.IndexRead || plan instanceof Plan.Explain;
  }

  /** Whether a plan changes data or definitions. */
  static boolean isWrite(Plan plan) {
    return plan instanceof Plan.Write || plan instanceof Plan.CreateTable
        || plan instanceof Plan.DropTable || plan instanceof Plan.AlterTable
        || plan instanceof Plan.ScanWrite
        || plan instanceof Plan.CreateIndex || plan instanceof Plan.DropIndex
        || isUserCommand(plan);
  }

  /** Whether a plan manages users or grants. */
  static boolean isUserCommand(Plan plan) {
    return plan instanceof Plan.SetUser || plan instanceof Plan.DropUser
        || plan instanceof Plan.Grant;
  }

  /** The statement kind for messages: {@code SELECT}, {@code INSERT}, {@code CREATE TABLE}... */
  static String describe(Plan plan) {
    if (plan instanceof Plan.Write w) {
      return w.kind().name();
    }
    if (plan instanceof Plan.ScanWrite w) {
      return w.kind().name();
    }
    if (plan instanceof Plan.CreateTable) {
      return "CREATE TABLE";
    }
    if (plan instanceof Plan.DropTable) {
      return "DROP TABLE";
    }
    if (plan instanceof Plan.AlterTable) {
      return "ALTER TABLE";
    }
    if (plan instanceof Plan.CreateIndex) {
      return "CREATE INDEX";
    }
    if (plan instanceof Plan.DropIndex) {
      return "DROP INDEX";
    }
    if (plan instanceof Plan.SetUser u) {
      return u.create() ? "CREATE USER" : "ALTER USER";
    }
    if (plan instanceof Plan.DropUser) {
      return "DROP USER";
    }
    if (plan instanceof Plan.Grant g) {
      return g.revoke() ? "REVOKE" : "GRANT";
    }
    return isQuery(plan) ? "SELECT" : plan.getClass().getSimpleName();
  }

  /**
   * Runs a plan with bound parameters (0-based, raw values; coerced here).
   *
   * @param sql the statement's text, to plan again when the peer's catalog moved on
   */
  StatementResult execute(String sql, Plan plan, Object[] parameters, Limits limits,
      Execution execution) {
    if (plan instanceof Plan.AlterTable a) {
      return alter(sql, a, execution);
    }
    try {
      return executeOnce(plan, parameters, limits, execution);
    } catch (MeridianException e) {
      boolean stale = e.state() == SqlState.UNDEFINED_TABLE
          || e.state() == SqlState.UNDEFINED_COLUMN;
      if (!stale || !(plan instanceof Plan.PointSelect || plan instanceof Plan.Write)) {
        throw e;
      }
      // Planned on a definition the peer has moved past (dropped, or a column dropped).
      refreshCatalog(execution);
      return executeOnce(planner.plan(sql, catalog), parameters, limits, execution);
    }
  }

  private StatementResult executeOnce(Plan plan, Object[] parameters, Limits limits,
      Execution execution) {
    if (plan instanceof Plan.PointSelect p) {
      return pointSelect(p, parameters, limits, execution);
    }
    if (plan instanceof Plan.Constant c) {
      return constant(c, parameters, limits);
    }
    if (plan instanceof Plan.SystemQuery q) {
      return systemQuery(q, parameters, limits, execution);
    }
    if (plan instanceof Plan.Query q) {
      return queries.query(q, parameters, limits, execution);
    }
    if (plan instanceof Plan.IndexRead r) {
      return indexReads.read(r, parameters, limits, execution);
    }
    if (plan instanceof Plan.Explain e) {
      List<Object[]> rows = new ArrayList<>();
      for (String line : e.lines()) {
        rows.add(new Object[] {line});
      }
      return StatementResult.query(resultColumns(e), rows);
    }
    if (plan instanceof Plan.CreateIndex c) {
      Response r = router.run(RegionRouter.Call.DDL, null, execution,
          ch -> ch.call(new Request.CreateIndex(c.index(), c.ifNotExists()), execution, false));
      Response.IndexCreated created = ServingChannel.expect(r, Response.IndexCreated.class,
          "CREATE INDEX");
      refreshCatalog(execution);
      return StatementResult.update(0, created.created() ? null
          : "index " + c.index().name() + " already exists; nothing was created");
    }
    if (plan instanceof Plan.DropIndex d) {
      Response r = router.run(RegionRouter.Call.DDL, null, execution,
          ch -> ch.call(new Request.DropIndex(d.name(), d.ifExists()), execution, false));
      Response.IndexDropped dropped = ServingChannel.expect(r, Response.IndexDropped.class,
          "DROP INDEX");
      refreshCatalog(execution);
      return StatementResult.update(0, dropped.dropped() ? null
          : "index " + d.name() + " does not exist; nothing was dropped");
    }
    if (plan instanceof Plan.ScanWrite w) {
      return StatementResult.update(queries.scanWrite(w, parameters, execution), null);
    }
    if (isUserCommand(plan)) {
      return userCommand(plan, execution);
    }
    if (plan instanceof Plan.Write w) {
      List<RowWrite> rows = bind(w, parameters, 0);
      RowResult[] results = write(w.table(), w.kind(), rows, execution);
      if (PipelinedWrite.staleTable(results)) {
        throw new MeridianException(SqlState.UNDEFINED_TABLE, "table " + w.table().name()
            + " is unknown to the peer", firstError(results));
      }
      return StatementResult.update(
          WriteOutcomes.statementCount(w.table(), w.kind(), rows, results), null);
    }
    if (plan instanceof Plan.CreateTable c) {
      Response r = router.run(RegionRouter.Call.DDL, null, execution,
          ch -> ch.call(new Request.CreateTable(c.schema(), c.ifNotExists()), execution, false));
      Response.TableCreated created = ServingChannel.expect(r, Response.TableCreated.class,
          "CREATE TABLE");
      refreshCatalog(execution);
      return StatementResult.update(0, created.created() ? null
          : "table " + c.schema().name() + " already exists; nothing was created");
    }
    if (plan instanceof Plan.DropTable d) {
      Response r = router.run(RegionRouter.Call.DDL, null, execution,
          ch -> ch.call(new Request.DropTable(d.table(), d.ifExists()), execution, false));
      Response.TableDropped dropped = ServingChannel.expect(r, Response.TableDropped.class,
          "DROP TABLE");
      refreshCatalog(execution);
      return StatementResult.update(0, dropped.dropped() ? null
          : "table " + d.table() + " does not exist; nothing was dropped");
    }
    throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "this driver cannot run a "
        + plan.getClass().getSimpleName() + " plan yet");
  }

  /**
   * Runs an ALTER TABLE. The peer stores the new definition only over the version it was
   * planned on; when another change came first ({@code 40001}), plans again on the reloaded
   * catalog, a few times.
   */
  private StatementResult alter(String sql, Plan.AlterTable plan, Execution execution) {
    Plan.AlterTable current = plan;
    for (int attempt = 1; ; attempt++) {
      if (current.next() == null) {
        return StatementResult.update(0, current.notice());
      }
      Plan.AlterTable sent = current;
      try {
        Response r = router.run(RegionRouter.Call.DDL, null, execution, ch -> ch.call(
            new Request.AlterTable(sent.table(), sent.next()), execution, false));
        ServingChannel.expect(r, Response.TableAltered.class, "ALTER TABLE");
        refreshCatalog(execution);
        return StatementResult.update(0, null);
      } catch (MeridianException e) {
        if (e.state() != SqlState.SERIALIZATION_FAILURE || attempt >= 5) {
          throw e;
        }
        refreshCatalog(execution);
        current = (Plan.AlterTable) planner.plan(sql, catalog);
      }
    }
  }

  /**
   * Runs a user or grant statement in the serving region, which replicates it to the others.
   * A password becomes a SCRAM verifier here: the password itself never leaves the driver.
   */
  private StatementResult userCommand(Plan plan, Execution execution) {
    Request request;
    String nothing;
    if (plan instanceof Plan.SetUser u) {
      request = new Request.PutUser(u.user(), dev.meridian.protocol.auth.Scram.verifier(
          u.password()), u.create(), u.ifNotExists());
      nothing = "user " + u.user() + " already exists; nothing was created";
    } else if (plan instanceof Plan.DropUser d) {
      request = new Request.DropUser(d.user(), d.ifExists());
      nothing = "user " + d.user() + " does not exist; nothing was dropped";
    } else {
      Plan.Grant g = (Plan.Grant) plan;
      request = new Request.Grant(g.user(), g.table(), g.privileges(), g.admin(), g.revoke());
      nothing = "user " + g.user() + " already " + (g.revoke() ? "lacked" : "had")
          + " that; nothing changed";
    }
    Response r = router.run(RegionRouter.Call.DDL, null, execution,
        ch -> ch.call(request, execution, false));
    Response.UserChanged changed = ServingChannel.expect(r, Response.UserChanged.class,
        describe(plan));
    return StatementResult.update(0, changed.changed() ? null : nothing);
  }

  /** Reads rows by key where the router and the residency rules say; per key, in order. */
  List<Object[]> read(TableSchema table, List<Object[]> keys, Execution execution) {
    return access.get(table, keys, execution);
  }

  /**
   * Writes rows where the router and the residency rules send them (see {@link RowAccess}).
   */
  RowResult[] write(TableSchema table, WriteKind kind, List<RowWrite> rows,
      Execution execution) {
    return access.write(table, kind, rows, execution);
  }

  /**
   * Binds one parameter set to a write plan's rows; rows whose key holds a NULL become null
   * entries for UPDATE and DELETE (they match nothing).
   *
   * @param firstRow the number of the first row for messages, less one
   * @throws MeridianException {@code 22xxx} for a value that does not fit its column,
   *     {@code 23502} for NULL in a key or NOT NULL column of an inserted row
   */
  static List<RowWrite> bind(Plan.Write w, Object[] parameters, int firstRow) {
    TableSchema t = w.table();
    List<RowWrite> rows = new ArrayList<>(w.rows().size());
    boolean rowsMayVanish = w.kind() == WriteKind.UPDATE || w.kind() == WriteKind.DELETE;
    int n = firstRow;
    for (Plan.RowTemplate template : w.rows()) {
      n++;
      Object[] key = resolveAll(template.key(), parameters);
      Object[] values = resolveAll(template.values(), parameters);
      if (Arrays.asList(key).contains(null)) {
        if (rowsMayVanish) {
          rows.add(null);
          continue;
        }
        for (int k = 0; k < key.length; k++) {
          if (key[k] == null) {
            throw new MeridianException(SqlState.NOT_NULL_VIOLATION, "key column "
                + t.column(t.keyColumns().get(k)).name() + " of table " + t.name()
                + " is NULL in row " + n + "; a key cannot be NULL");
          }
        }
      }
      int[] columns = template.columns();
      RowExpr[] computed = null;
      if (template.computed() != null) {
        computed = new RowExpr[columns.length];
        for (int c = 0; c < columns.length; c++) {
          RowExpr e = template.computed().get(c);
          computed[c] = e == null ? null : RowExprs.bind(e, parameters);
        }
      }
      RowExpr condition = template.condition() == null ? null
          : RowExprs.bind(template.condition(), parameters);
      for (int c = 0; c < columns.length; c++) {
        ColumnDef def = t.column(columns[c]);
        if (values[c] == null && !def.nullable() && (computed == null || computed[c] == null)) {
          throw new MeridianException(SqlState.NOT_NULL_VIOLATION, "column " + def.name()
              + " of table " + t.name() + " is NOT NULL but row " + n + " sets it to NULL");
        }
      }
      rows.add(new RowWrite(key, columns.clone(), values, computed, condition));
    }
    return rows;
  }

  private StatementResult pointSelect(Plan.PointSelect p, Object[] parameters, Limits limits,
      Execution execution) {
    TableSchema t = p.table();
    List<ResultColumn> columns = resultColumns(p);
    List<Object[]> keys = new ArrayList<>(p.keys().size());
    Set<KeyBox> seen = new HashSet<>();
    for (List<Operand> k : p.keys()) {
      Object[] key = resolveAll(k, parameters);
      // k = NULL matches nothing; k IN (1, 1) returns the row once.
      if (!Arrays.asList(key).contains(null) && seen.add(new KeyBox(key))) {
        keys.add(key);
      }
    }
    List<Object[]> out = new ArrayList<>();
    if (keys.isEmpty()) {
      return StatementResult.query(columns, out);
    }
    List<Object[]> rows = access.get(t, keys, execution);
    for (Object[] row : rows) {
      if (row == null) {
        continue;
      }
      if (limits.maxRows() > 0 && out.size() >= limits.maxRows()) {
        break;
      }
      Object[] projected = new Object[p.projection().length];
      for (int i = 0; i < projected.length; i++) {
        int c = p.projection()[i];
        // A column added after the peer's version of the table has no cell there yet.
        projected[i] = c < row.length ? truncate(row[c], limits.maxFieldSize()) : null;
      }
      out.add(projected);
    }
    return StatementResult.query(columns, out);
  }

  private static StatementResult constant(Plan.Constant c, Object[] parameters, Limits limits) {
    List<ResultColumn> columns = resultColumns(c);
    List<Object[]> out = new ArrayList<>(c.rows().size());
    for (List<Operand> row : c.rows()) {
      if (limits.maxRows() > 0 && out.size() >= limits.maxRows()) {
        break;
      }
      Object[] values = resolveAll(row, parameters);
      for (int i = 0; i < values.length; i++) {
        values[i] = truncate(values[i], limits.maxFieldSize());
      }
      out.add(values);
    }
    return StatementResult.query(columns, out);
  }

  /**
   * Reads a whole system table from the serving peer and answers the query from its rows. Not
   * retried on {@code 42P01}: the system tables are not in the catalog, so reloading it cannot
   * help.
   */
  private StatementResult systemQuery(Plan.SystemQuery q, Object[] parameters, Limits limits,
      Execution execution) {
    Request.ReadSystemTable read = new Request.ReadSystemTable(q.table().name());
    Response r = router.run(RegionRouter.Call.METADATA, null, execution,
        ch -> ch.call(read, execution, true));
    List<Object[]> rows = ServingChannel.expect(r, Response.Rows.class,
        "a read of system table " + q.table().name()).rows();
    List<Object[]> out = SystemTableQuery.run(q, rows, parameters, limits.maxRows());
    for (Object[] row : out) {
      for (int i = 0; i < row.length; i++) {
        row[i] = truncate(row[i], limits.maxFieldSize());
      }
    }
    return StatementResult.query(resultColumns(q), out);
  }

  /** Every row of a system table as the serving peer computes it, unfiltered. */
  List<Object[]> systemRows(TableSchema table, Execution execution) {
    Request.ReadSystemTable read = new Request.ReadSystemTable(table.name());
    Response r = router.run(RegionRouter.Call.METADATA, null, execution,
        ch -> ch.call(read, execution, true));
    return ServingChannel.expect(r, Response.Rows.class,
        "a read of system table " + table.name()).rows();
  }

  /** Resolves operands, naming the parameter whose value does not fit. */
  static Object[] resolveAll(List<Operand> operands, Object[] parameters) {
    Object[] out = new Object[operands.size()];
    for (int i = 0; i < out.length; i++) {
      Operand o = operands.get(i);
      out[i] = o == null ? null : resolve(o, parameters);
    }
    return out;
  }

  static Object resolve(Operand operand, Object[] parameters) {
    if (operand instanceof Operand.Parameter p) {
      if (p.index() >= parameters.length) {
        throw new MeridianException(SqlState.WRONG_PARAMETER_COUNT, "parameter " + (p.index() + 1)
            + " is not set: the statement has " + parameters.length + " parameter values");
      }
      try {
        return p.resolve(parameters);
      } catch (MeridianException e) {
        throw new MeridianException(e.state(), "parameter " + (p.index() + 1) + ": "
            + e.getMessage(), e);
      }
    }
    return operand.resolve(parameters);
  }

  static Object truncate(Object v, int maxFieldSize) {
    if (maxFieldSize <= 0) {
      return v;
    }
    if (v instanceof String s && s.length() > maxFieldSize) {
      return s.substring(0, maxFieldSize);
    }
    if (v instanceof byte[] b && b.length > maxFieldSize) {
      return Arrays.copyOf(b, maxFieldSize);
    }
    return v;
  }

  private static MeridianException firstError(RowResult[] results) {
    for (RowResult r : results) {
      if (r.error() != null) {
        return r.error();
      }
    }
    return null;
  }

  /** The column types of a plan's result, for metadata before execution; null for updates. */
  static List<ResultColumn> resultColumns(Plan plan) {
    if (plan instanceof Plan.PointSelect p) {
      List<ResultColumn> columns = new ArrayList<>();
      for (int i = 0; i < p.projection().length; i++) {
        ColumnDef def = p.table().column(p.projection()[i]);
        columns.add(new ResultColumn(p.labels().get(i), def.name(), p.table().name(), def.type(),
            def.nullable() ? ResultSetMetaData.columnNullable : ResultSetMetaData.columnNoNulls));
      }
      return columns;
    }
    if (plan instanceof Plan.SystemQuery q) {
      List<ResultColumn> columns = new ArrayList<>();
      for (int i = 0; i < q.projection().length; i++) {
        ColumnDef def = q.table().column(q.projection()[i]);
        columns.add(new ResultColumn(q.labels().get(i), def.name(), q.table().name(), def.type(),
            def.nullable() ? ResultSetMetaData.columnNullable : ResultSetMetaData.columnNoNulls,
            SystemTables.SCHEMA));
      }
      return columns;
    }
    if (plan instanceof Plan.Query q) {
      return GeneralQueries.resultColumns(q);
    }
    if (plan instanceof Plan.IndexRead r) {
      List<ResultColumn> columns = new ArrayList<>();
      for (int i = 0; i < r.projection().length; i++) {
        ColumnDef def = r.table().column(r.projection()[i]);
        columns.add(new ResultColumn(r.labels().get(i), def.name(), r.table().name(), def.type(),
            def.nullable() ? ResultSetMetaData.columnNullable : ResultSetMetaData.columnNoNulls));
      }
      return columns;
    }
    if (plan instanceof Plan.Explain) {
      return List.of(ResultColumn.computed("PLAN", ColumnType.of(TypeKind.VARCHAR, 4096)));
    }
    if (plan instanceof Plan.Constant c) {
      List<ResultColumn> columns = new ArrayList<>();
      for (int i = 0; i < c.labels().size(); i++) {
        columns.add(ResultColumn.computed(c.labels().get(i), c.types().get(i)));
      }
      return columns;
    }
    return null;
  }

  /**
   * Runs a write plan once per parameter set, pipelined: every row of every set is bound
   * first, then all are sent before any answer is awaited.
   *
   * @return per parameter set, the rows it applied
   * @throws BatchFailure when any set failed, with per-set counts
   */
  long[] executeBatch(String sql, Plan.Write plan, List<Object[]> parameterSets,
      Execution execution) {
    BoundBatch batch = BoundBatch.bind(plan, parameterSets);
    RowResult[] results = write(plan.table(), plan.kind(), batch.rows, execution);
    Plan.Write used = plan;
    if (PipelinedWrite.staleTable(results)) {
      refreshCatalog(execution);
      Plan again = planner.plan(sql, catalog);
      if (!(again instanceof Plan.Write w)) {
        throw new MeridianException(SqlState.UNDEFINED_TABLE, "table " + plan.table().name()
            + " changed into something this batch cannot write");
      }
      used = w;
      batch = BoundBatch.bind(used, parameterSets);
      results = write(used.table(), used.kind(), batch.rows, execution);
    }
    return WriteOutcomes.batchCounts(used.table(), batch.rows, results, batch.entryStarts,
        batch.entryErrors);
  }

  /** The rows of a batch, with where each parameter set's rows start and binding errors. */
  private static final class BoundBatch {
    final List<RowWrite> rows = new ArrayList<>();
    final int[] entryStarts;
    final MeridianException[] entryErrors;

    private BoundBatch(int entries) {
      entryStarts = new int[entries];
      entryErrors = new MeridianException[entries];
    }

    static BoundBatch bind(Plan.Write plan, List<Object[]> parameterSets) {
      BoundBatch b = new BoundBatch(parameterSets.size());
      for (int e = 0; e < parameterSets.size(); e++) {
        b.entryStarts[e] = b.rows.size();
        try {
          b.rows.addAll(PlanExecutor.bind(plan, parameterSets.get(e), 0));
        } catch (MeridianException ex) {
          b.entryErrors[e] = ex;
        }
      }
      return b;
    }
  }
}
