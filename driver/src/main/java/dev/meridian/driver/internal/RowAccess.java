package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.router.api.RoutingPolicy.Operation;
import dev.meridian.router.api.TableResidency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Key reads and writes of rows, each sent where the {@link RegionRouter} and the residency rules
 * say (DESIGN.md, "Connections" and "Data residency").
 *
 * <ul>
 *   <li>Rows of a table without a rule go to the router's first region, as one request.
 *   <li>Rows whose allowed regions the statement tells (a key prefix rule, or an {@code INSERT}
 *       or {@code UPSERT} carrying the deciding column) go, grouped by their allowed set, to
 *       the nearest healthy allowed region.
 *   <li>Rows it cannot tell ({@code UPDATE}, {@code DELETE} and reads by key of a table pinned
 *       by a column) are searched for: the router's regions that may hold rows of the table,
 *       home first when it may, then nearest first; a row not found in one region is tried in
 *       the next. When a region that was to be searched cannot be reached and the row was not
 *       found elsewhere, the statement fails rather than report the row absent.
 * </ul>
 *
 * <p>Writes note their stamps in the session token. The region is connected to before a write
 * is sent, so an unreachable region moves the write on whole; rows whose connection broke after
 * sending stay failed as "may or may not have been applied", except {@code UPSERT} rows, which
 * are written again in the next region. Thread-safe.
 */
final class RowAccess {
  private final RegionRouter router;
  private final ResidencyRouting residency;

  RowAccess(RegionRouter router, ResidencyRouting residency) {
    this.router = router;
    this.residency = residency;
  }

  /** Writes rows; per row, in order, what became of it. */
  RowResult[] write(TableSchema table, WriteKind kind, List<RowWrite> rows,
      Execution execution) {
    TableResidency rule = residency.rule(table);
    if (rule == null) {
      return writeIn(null, table, kind, rows, execution);
    }
    Map<Set<String>, List<Integer>> groups = new IdentityHashMap<>();
    List<Integer> anywhere = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      RowWrite row = rows.get(i);
      Set<String> allowed = row == null ? null
          : ResidencyRouting.allowed(table, rule, kind, row);
      (allowed == null ? anywhere : groups.computeIfAbsent(allowed, a -> new ArrayList<>()))
          .add(i);
    }
    RowResult[] results = new RowResult[rows.size()];
    if (!anywhere.isEmpty()) {
      scatter(results, anywhere, writeIn(null, table, kind, pick(rows, anywhere), execution));
    }
    if (!rule.byKeyPrefix() && (kind == WriteKind.INSERT || kind == WriteKind.UPSERT)) {
      regroupRowsLivingElsewhere(table, rule, rows, groups, execution);
    }
    for (Map.Entry<Set<String>, List<Integer>> g : groups.entrySet()) {
      List<RowWrite> part = pick(rows, g.getValue());
      RowResult[] r = g.getKey() == ResidencyRouting.UNKNOWN
          ? searchWrite(table, kind, part, ResidencyRouting.possible(rule), execution)
          : writeIn(g.getKey(), table, kind, part, execution);
      scatter(results, g.getValue(), r);
    }
    return results;
  }

  /**
   * An INSERT or UPSERT carrying a deciding value is bound for the regions that value allows;
   * but the row may already live elsewhere, under another value. Asks the other regions that
   * may hold rows of the table (nearest first, one read each) and sends a row found there to
   * that region instead, whose peer then moves it (UPSERT) or refuses it as a duplicate
   * (INSERT). A region that cannot be asked is passed over.
   */
  private void regroupRowsLivingElsewhere(TableSchema table, TableResidency rule,
      List<RowWrite> rows, Map<Set<String>, List<Integer>> groups, Execution execution) {
    Set<String> possible = ResidencyRouting.possible(rule);
    Map<String, List<Integer>> moved = new java.util.LinkedHashMap<>();
    for (Map.Entry<Set<String>, List<Integer>> g : groups.entrySet()) {
      Set<String> allowed = g.getKey();
      if (allowed == ResidencyRouting.UNKNOWN) {
        continue;
      }
      List<String> outside = new ArrayList<>();
      for (String r : router.candidates(Operation.READ, possible)) {
        if (!allowed.contains(r)) {
          outside.add(r);
        }
      }
      List<Integer> pending = new ArrayList<>(g.getValue());
      for (String region : outside) {
        if (pending.isEmpty()) {
          break;
        }
        List<Object[]> keys = new ArrayList<>(pending.size());
        for (int i : pending) {
          keys.add(rows.get(i).key());
        }
        Request.Get get = new Request.Get(table.tableId(), keys);
        List<Object[]> found;
        try {
          found = rows(router.runIn(List.of(region), RegionRouter.Call.METADATA, execution,
              ch -> ch.call(get, execution, true)), keys.size());
        } catch (MeridianException e) {
          if (!ServingChannel.isConnectionError(e) && e.state() != SqlState.REGION_NOT_READY) {
            throw e;
          }
          continue;
        }
        List<Integer> still = new ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
          if (found.get(k) == null) {
            still.add(pending.get(k));
          } else {
            moved.computeIfAbsent(region, x -> new ArrayList<>()).add(pending.get(k));
          }
        }
        g.getValue().removeIf(i -> !still.contains(i));
        pending = still;
      }
    }
    groups.values().removeIf(List::isEmpty);
    moved.forEach((region, indexes) -> groups.put(Set.of(region), indexes));
  }

  private RowResult[] writeIn(Set<String> allowed, TableSchema table, WriteKind kind,
      List<RowWrite> rows, Execution execution) {
    boolean idempotent = kind == WriteKind.UPSERT;
    RegionRouter.Call call = idempotent ? RegionRouter.Call.IDEMPOTENT_WRITE
        : RegionRouter.Call.WRITE;
    String[] servedBy = new String[1];
    RowResult[] results = router.run(call, allowed, execution, ch -> {
      ch.channel();
      servedBy[0] = ch.region();
      return send(ch, table, kind, rows, execution);
    });
    router.wrote(table, kind, rows, results);
    if (!idempotent || connectionFailure(results) == null || execution.cancelled()) {
      return results;
    }
    // UPSERT rows whose fate is unknown: write them again in another region.
    List<String> others = new ArrayList<>(router.candidates(call.operation, allowed));
    others.remove(servedBy[0]);
    if (others.isEmpty()) {
      return results;
    }
    List<Integer> again = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i].error() != null && ServingChannel.isConnectionError(results[i].error())) {
        again.add(i);
      }
    }
    List<RowWrite> retry = pick(rows, again);
    RowResult[] second;
    try {
      second = router.runIn(others, call, execution, ch -> {
        ch.channel();
        return PipelinedWrite.run(ch, table, kind, retry, execution);
      });
    } catch (MeridianException e) {
      return results;
    }
    router.wrote(table, kind, retry, second);
    scatter(results, again, second);
    return results;
  }

  /** Sends rows on a channel. */
  private static RowResult[] send(ServingChannel ch, TableSchema table, WriteKind kind,
      List<RowWrite> rows, Execution execution) {
    return PipelinedWrite.run(ch, table, kind, rows, execution);
  }

  /** UPDATE or DELETE of rows whose region is unknown: region by region until found. */
  private RowResult[] searchWrite(TableSchema table, WriteKind kind, List<RowWrite> rows,
      Set<String> possible, Execution execution) {
    RowResult[] results = new RowResult[rows.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      pending.add(i);
    }
    List<String> regions = router.candidates(Operation.WRITE, possible);
    MeridianException unreachable = null;
    String missed = null;
    for (String region : regions) {
      if (pending.isEmpty()) {
        break;
      }
      List<RowWrite> part = pick(rows, pending);
      RowResult[] r;
      try {
        r = router.runIn(List.of(region), RegionRouter.Call.WRITE, execution, ch -> {
          ch.channel();
          return send(ch, table, kind, part, execution);
        });
      } catch (MeridianException e) {
        if (!ServingChannel.isConnectionError(e) && e.state() != SqlState.REGION_NOT_READY) {
          throw e;
        }
        unreachable = e;
        missed = region;
        continue;
      }
      router.wrote(table, kind, part, r);
      List<Integer> still = new ArrayList<>();
      for (int k = 0; k < r.length; k++) {
        RowOutcome o = r[k].outcome();
        if (r[k].error() == null && o != null && o.status() == RowOutcome.Status.NOT_FOUND) {
          still.add(pending.get(k));
        }
        results[pending.get(k)] = r[k];
      }
      pending = still;
    }
    for (int i : pending) {
      results[i] = unreachable == null ? RowResult.notFound() : RowResult.failed(
          new MeridianException(unreachable.state(), "the row was not found in the regions"
              + " that answered, and region " + missed + ", which may hold it, could not be"
              + " asked: " + unreachable.getMessage(), unreachable));
    }
    return results;
  }

  /**
   * Reads rows by key: per key, in order, its values or null when no region holds it.
   */
  List<Object[]> get(TableSchema table, List<Object[]> keys, Execution execution) {
    TableResidency rule = residency.rule(table);
    if (rule == null) {
      return getIn(null, table, keys, execution);
    }
    if (rule.byKeyPrefix()) {
      Map<Set<String>, List<Integer>> groups = new IdentityHashMap<>();
      List<Integer> anywhere = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        Set<String> allowed = rule.allowed(keys.get(i)[0]);
        (allowed == null ? anywhere : groups.computeIfAbsent(allowed, a -> new ArrayList<>()))
            .add(i);
      }
      Object[][] out = new Object[keys.size()][];
      if (!anywhere.isEmpty()) {
        scatterRows(out, anywhere, getIn(null, table, pick(keys, anywhere), execution));
      }
      for (Map.Entry<Set<String>, List<Integer>> g : groups.entrySet()) {
        scatterRows(out, g.getValue(), getIn(g.getKey(), table, pick(keys, g.getValue()),
            execution));
      }
      return Arrays.asList(out);
    }
    return searchGet(table, keys, ResidencyRouting.possible(rule), execution);
  }

  private List<Object[]> getIn(Set<String> allowed, TableSchema table, List<Object[]> keys,
      Execution execution) {
    Request.Get get = new Request.Get(table.tableId(), keys);
    Response r = router.runPointRead(table, keys, allowed, execution,
        ch -> ch.call(get, execution, true));
    return rows(r, keys.size());
  }

  private List<Object[]> searchGet(TableSchema table, List<Object[]> keys, Set<String> possible,
      Execution execution) {
    Object[][] out = new Object[keys.size()][];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      pending.add(i);
    }
    MeridianException unreachable = null;
    for (String region : router.candidates(Operation.READ, possible)) {
      if (pending.isEmpty()) {
        break;
      }
      Request.Get get = new Request.Get(table.tableId(), pick(keys, pending));
      List<Object[]> rows;
      try {
        rows = rows(router.runPointReadIn(List.of(region), table, get.keys(), execution,
            ch -> ch.call(get, execution, true)), pending.size());
      } catch (MeridianException e) {
        if (!ServingChannel.isConnectionError(e) && e.state() != SqlState.REGION_NOT_READY) {
          throw e;
        }
        unreachable = e;
        continue;
      }
      List<Integer> still = new ArrayList<>();
      for (int k = 0; k < rows.size(); k++) {
        if (rows.get(k) == null) {
          still.add(pending.get(k));
        } else {
          out[pending.get(k)] = rows.get(k);
        }
      }
      pending = still;
    }
    if (!pending.isEmpty() && unreachable != null) {
      throw new MeridianException(unreachable.state(), "a row was not found in the regions"
          + " that answered, and a region that may hold it could not be asked: "
          + unreachable.getMessage(), unreachable);
    }
    return Arrays.asList(out);
  }

  private static List<Object[]> rows(Response r, int expected) {
    List<Object[]> rows = ServingChannel.expect(r, Response.Rows.class, "a point read").rows();
    if (rows.size() != expected) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "the peer answered a read of "
          + expected + " keys with " + rows.size() + " rows");
    }
    return rows;
  }

  /** The first connection failure among row results, or null. */
  private static MeridianException connectionFailure(RowResult[] results) {
    for (RowResult r : results) {
      if (r != null && r.error() != null && ServingChannel.isConnectionError(r.error())) {
        return r.error();
      }
    }
    return null;
  }

  private static <T> List<T> pick(List<T> all, List<Integer> indexes) {
    List<T> out = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      out.add(all.get(i));
    }
    return out;
  }

  private static void scatter(RowResult[] into, List<Integer> indexes, RowResult[] from) {
    for (int k = 0; k < indexes.size(); k++) {
      into[indexes.get(k)] = from[k];
    }
  }

  private static void scatterRows(Object[][] into, List<Integer> indexes, List<Object[]> from) {
    for (int k = 0; k < indexes.size(); k++) {
      into[indexes.get(k)] = from.get(k);
    }
  }
}
