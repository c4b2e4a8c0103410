package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowExprs;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.sql.api.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes a connection with autocommit off has run but not committed: key writes
 * ({@link Plan.Write}) buffered in the driver, applied at {@code commit} in statement order,
 * discarded by {@code rollback}.
 *
 * <p>What a statement sees when it runs: its values are checked against their columns at once
 * ({@code 22xxx}, {@code 23502}); an INSERT of a key that exists fails at once with
 * {@code 23505}; the update count of an UPDATE or DELETE is the number of its rows whose key
 * exists and, for one with a condition beside the key ({@code AND ver = ?}), whose condition
 * holds. "Exists" means as this transaction's earlier writes leave the key, else as the serving
 * region holds it now (one point read per statement), and the condition is checked on that row.
 * Queries do not see the buffer.
 *
 * <p>What {@link #commit} does: runs each buffered statement as autocommit would, row by row,
 * with no isolation (other connections see each row as it lands) and no atomicity (a failure
 * stops the commit; statements before it stay applied, later ones are discarded, and the
 * exception says which). A statement that changed a different number of rows at commit than it
 * reported when it ran (someone else wrote the row meanwhile) adds a warning, except a
 * conditional one that wrote fewer: the application acted on the count (JPA's version check
 * does), so the commit fails there with {@code 40001} rather than drop the write in silence.
 *
 * <p>Thread-safe: every method is synchronized.
 */
final class PendingWrites {
  /** One buffered statement: its plan, parameter sets and the counts it reported. */
  private record Entry(String sql, Plan.Write plan, List<Object[]> parameterSets,
      boolean batch, long[] reported) {}

  /** A key of a table, for the existence this transaction's writes leave it in. */
  private record TableKey(long tableId, KeyBox key) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<TableKey, Boolean> exists = new HashMap<>();

  synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  /** How many statements (a batch counts once) wait for {@code commit}. */
  synchronized int statements() {
    return entries.size();
  }

  /** How many rows wait for {@code commit}. */
  synchronized long rows() {
    long n = 0;
    for (Entry e : entries) {
      n += (long) e.plan.rows().size() * e.parameterSets.size();
    }
    return n;
  }

  /**
   * Buffers a write run once ({@code batch} false, one parameter set) or as a batch.
   *
   * @return the update count of each parameter set
   * @throws MeridianException for a value that does not fit, or {@code 23505} for an INSERT of
   *     an existing key; nothing of the statement is buffered then
   */
  synchronized long[] add(String sql, Plan.Write plan, List<Object[]> parameterSets,
      boolean batch, PlanExecutor executor, Execution execution) {
    List<List<RowWrite>> bound = new ArrayList<>(parameterSets.size());
    int firstRow = 0;
    for (Object[] set : parameterSets) {
      List<RowWrite> rows = PlanExecutor.bind(plan, set, firstRow);
      bound.add(rows);
      firstRow += rows.size();
    }
    TableSchema t = plan.table();
    Map<KeyBox, Object[]> current = new HashMap<>();
    Map<TableKey, Boolean> known = lookUp(t, bound, executor, execution, current);
    long[] counts = new long[bound.size()];
    int row = 0;
    for (int s = 0; s < bound.size(); s++) {
      for (RowWrite w : bound.get(s)) {
        row++;
        if (w == null) {
          continue; // a NULL key in UPDATE or DELETE matches nothing
        }
        TableKey k = new TableKey(t.tableId(), new KeyBox(w.key()));
        boolean there = known.get(k);
        switch (plan.kind()) {
          case INSERT -> {
            if (there) {
              throw new MeridianException(SqlState.UNIQUE_VIOLATION, "row " + row + " of the"
                  + " INSERT into " + t.name() + ": the key already exists (in the serving"
                  + " region or earlier in this transaction); nothing of the statement was"
                  + " buffered, use UPSERT to overwrite");
            }
            counts[s]++;
            known.put(k, true);
          }
          case UPSERT -> {
            counts[s]++;
            known.put(k, true);
          }
          case UPDATE -> counts[s] += there && holds(w, current) ? 1 : 0;
          case DELETE -> {
            boolean deletes = there && holds(w, current);
            counts[s] += deletes ? 1 : 0;
            if (deletes) {
              known.put(k, false);
            }
          }
        }
      }
    }
    exists.putAll(known);
    entries.add(new Entry(sql, plan, List.copyOf(parameterSets), batch, counts.clone()));
    return counts;
  }

  /**
   * Whether each key the rows name exists: as this transaction left it, else as the serving
   * region answers one read of the others.
   */
  private Map<TableKey, Boolean> lookUp(TableSchema t, List<List<RowWrite>> bound,
      PlanExecutor executor, Execution execution, Map<KeyBox, Object[]> current) {
    Map<TableKey, Boolean> known = new HashMap<>();
    List<Object[]> ask = new ArrayList<>();
    for (List<RowWrite> rows : bound) {
      for (RowWrite w : rows) {
        if (w == null) {
          continue;
        }
        TableKey k = new TableKey(t.tableId(), new KeyBox(w.key()));
        if (!known.containsKey(k)) {
          Boolean mine = exists.get(k);
          known.put(k, mine);
          if (mine == null) {
            ask.add(w.key());
          }
        }
      }
    }
    if (!ask.isEmpty()) {
      List<Object[]> rows = executor.read(t, ask, execution);
      for (int i = 0; i < ask.size(); i++) {
        known.put(new TableKey(t.tableId(), new KeyBox(ask.get(i))), rows.get(i) != null);
        if (rows.get(i) != null) {
          current.put(new KeyBox(ask.get(i)), rows.get(i));
        }
      }
    }
    return known;
  }

  /**
   * Whether a row's condition holds on the row as the serving region holds it now; true when
   * there is no condition, or when this transaction wrote the row before (its buffered state
   * is not kept, so the owner decides at commit).
   */
  private static boolean holds(RowWrite w, Map<KeyBox, Object[]> current) {
    Object[] row = current.get(new KeyBox(w.key()));
    return w.condition() == null || row == null || RowExprs.holds(w.condition(), row);
  }

  /** Whether some row of the plan carries a condition the owner checks. */
  private static boolean conditional(Plan.Write plan) {
    for (Plan.RowTemplate r : plan.rows()) {
      if (r.condition() != null) {
        return true;
      }
    }
    return false;
  }

  /** Forgets every buffered write; returns how many statements there were. */
  synchronized int discard() {
    int n = entries.size();
    entries.clear();
    exists.clear();
    return n;
  }

  /**
   * Applies the buffered statements in order and empties the buffer, whatever happens.
   *
   * @return warnings about statements whose counts at commit differ from those they reported,
   *     or an empty list
   * @throws MeridianException the first failure, saying which statements were applied and
   *     which discarded
   */
  synchronized List<String> commit(PlanExecutor executor, Execution execution) {
    List<Entry> todo = new ArrayList<>(entries);
    discard();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < todo.size(); i++) {
      Entry e = todo.get(i);
      long[] counts;
      try {
        if (e.batch) {
          counts = executor.executeBatch(e.sql, e.plan, e.parameterSets, execution);
        } else {
          counts = new long[] {executor.execute(e.sql, e.plan, e.parameterSets.get(0),
              PlanExecutor.Limits.NONE, execution).updateCount()};
        }
      } catch (MeridianException failure) {
        throw new MeridianException(failure.state(), "commit failed at statement " + (i + 1)
            + " of " + todo.size() + " (" + e.plan.kind() + " " + e.plan.table().name() + "): "
            + failure.getMessage() + "; " + (i == 0 ? "no earlier statement"
                : "statements 1-" + i + " were applied and stay applied")
            + (i + 1 < todo.size() ? ", statements " + (i + 2) + "-" + todo.size()
                + " were discarded" : "") + " (Meridian commits row by row, not atomically)",
            failure);
      }
      for (int s = 0; s < counts.length; s++) {
        if (counts[s] < e.reported[s] && conditional(e.plan)) {
          // The application acted on the count it was told (an optimistic version check, say):
          // committing on as if the statement had written would lose its write silently.
          throw new MeridianException(SqlState.SERIALIZATION_FAILURE, "commit failed at"
              + " statement " + (i + 1) + " of " + todo.size() + " (" + e.plan.kind() + " "
              + e.plan.table().name() + (e.batch ? ", batch entry " + (s + 1) : "") + "): its"
              + " condition held for " + e.reported[s] + " rows when it ran but for " + counts[s]
              + " at commit, as another connection wrote them in between; "
              + (i == 0 ? "no earlier statement was applied" : "statements 1-" + i
                  + " were applied and stay applied") + (counts[s] > 0 ? ", this one in part"
                  : "") + (i + 1 < todo.size() ? ", statements " + (i + 2) + "-" + todo.size()
                  + " were discarded" : "") + " (Meridian commits row by row, not atomically)");
        }
        if (counts[s] != e.reported[s]) {
          warnings.add("commit: statement " + (i + 1) + " (" + e.plan.kind() + " "
              + e.plan.table().name() + (e.batch ? ", batch entry " + (s + 1) : "")
              + ") changed " + counts[s] + " rows where it reported " + e.reported[s]
              + " when it ran: another connection wrote those rows in between");
        }
      }
    }
    return warnings;
  }
}
