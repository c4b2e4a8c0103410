package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link Plan.IndexRead}s: binds the bounds, the comparisons and the limit, and asks the
 * serving region for the rows through its index ({@link Request.IndexScan}), in one round trip.
 * The plan's general query answers instead when the read could hold more rows than one index
 * read returns, or when the serving region has no such ready index (indexes are per region:
 * after failover the serving region may lack one). Thread-safe.
 */
final class IndexReads {
  /** Most rows one index read returns (the peer's page limit). */
  static final int MAX_ROWS = 65_536;

  private final RegionRouter router;
  private final GeneralQueries queries;

  IndexReads(RegionRouter router, GeneralQueries queries) {
    this.router = router;
    this.queries = queries;
  }

  StatementResult read(Plan.IndexRead r, Object[] parameters, PlanExecutor.Limits limits,
      Execution execution) {
    long limit = Long.MAX_VALUE;
    if (r.limit() != null) {
      Object v = PlanExecutor.resolve(r.limit(), parameters);
      if (v == null) {
        throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "LIMIT is NULL");
      }
      limit = ((Number) v).longValue();
      if (limit < 0) {
        throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "LIMIT " + limit
            + " is negative");
      }
    }
    if (limits.maxRows() > 0) {
      limit = Math.min(limit, limits.maxRows());
    }
    List<ScanFilter> conditions = new ArrayList<>();
    for (Plan.Comparison c : r.filter()) {
      Object value = PlanExecutor.resolve(c.value(), parameters);
      if (value == null) {
        // A comparison with NULL holds for no row.
        return StatementResult.query(PlanExecutor.resultColumns(r), new ArrayList<>());
      }
      conditions.add(new ScanFilter.Compare(c.column(), ScanFilter.Op.valueOf(c.op().name()),
          value));
    }
    if (limit == 0) {
      return StatementResult.query(PlanExecutor.resultColumns(r), new ArrayList<>());
    }
    boolean capped = limit > MAX_ROWS;
    if (capped && r.fallback() != null) {
      return queries.query(r.fallback(), parameters, limits, execution);
    }
    ScanFilter filter = conditions.isEmpty() ? null
        : conditions.size() == 1 ? conditions.get(0) : new ScanFilter.And(conditions);
    Request.IndexScan scan = new Request.IndexScan(r.table().tableId(), r.index().name(),
        r.projection().clone(), filter, bound(r.low(), parameters), r.lowInclusive(),
        bound(r.high(), parameters), r.highInclusive(), r.reverse(),
        (int) Math.min(limit, MAX_ROWS));
    Response answer = router.run(RegionRouter.Call.READ, null, execution,
        ch -> ch.call(scan, execution, true));
    if (answer instanceof Response.Error e && e.state() == SqlState.UNDEFINED_OBJECT
        && r.fallback() != null) {
      return queries.query(r.fallback(), parameters, limits, execution);
    }
    List<Object[]> rows = ServingChannel.expect(answer, Response.Rows.class, "an index read")
        .rows();
    if (capped && rows.size() == MAX_ROWS) {
      throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "a read through index "
          + r.index().name() + " found more than " + MAX_ROWS + " rows; add a LIMIT");
    }
    List<Object[]> out = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = PlanExecutor.truncate(row[i], limits.maxFieldSize());
      }
      out.add(row);
    }
    return StatementResult.query(PlanExecutor.resultColumns(r), out);
  }

  private static Object bound(Operand operand, Object[] parameters) {
    return operand == null ? null : PlanExecutor.resolve(operand, parameters);
  }
}
