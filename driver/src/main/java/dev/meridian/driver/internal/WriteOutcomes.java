package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns the per-row results of a write into an update count, or into an exception that says
 * exactly which rows were written, which failed and why (DESIGN.md: nothing half-applies
 * silently). Rows are numbered from 1 in statement (or batch) order. Stateless and thread-safe.
 */
final class WriteOutcomes {
  /** How many failures a message details before summing up the rest. */
  static final int DETAILED_FAILURES = 10;

  private WriteOutcomes() {}

  /**
   * The update count of one statement: the rows applied.
   *
   * @param rows the bound rows (null entries matched nothing), for key descriptions
   * @throws MeridianException when any row failed, with the first failure's SQLState
   */
  static long statementCount(TableSchema table, WriteKind kind, List<RowWrite> rows,
      RowResult[] results) {
    long applied = 0;
    List<Integer> written = new ArrayList<>();
    List<Integer> unmatched = new ArrayList<>();
    List<Integer> problems = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      RowResult r = results[i];
      if (r.applied()) {
        applied++;
        written.add(i + 1);
      } else if (r.problem()) {
        problems.add(i);
      } else {
        unmatched.add(i + 1);
      }
    }
    if (problems.isEmpty()) {
      return applied;
    }
    RowResult first = results[problems.get(0)];
    String what = kind + (kind == WriteKind.INSERT || kind == WriteKind.UPSERT ? " into " : " of ")
        + table.name();
    if (results.length == 1) {
      throw new MeridianException(first.state(), what + " failed: "
          + reason(table, rows.get(0), first), first.error());
    }
    StringBuilder b = new StringBuilder(what).append(" wrote ").append(applied).append(" of ")
        .append(results.length).append(" rows: ");
    b.append(written.isEmpty() ? "no row was written" : rowWord(written) + " " + ranges(written)
        + (written.size() == 1 ? " was" : " were") + " written");
    if (!unmatched.isEmpty()) {
      b.append("; ").append(rowWord(unmatched)).append(' ').append(ranges(unmatched))
          .append(unmatched.size() == 1 ? " matches" : " match").append(" no row");
    }
    appendProblems(b, problems, table, rows, results, "row");
    throw new MeridianException(first.state(), b.toString(), first.error());
  }

  /**
   * The update counts of a batch: per entry, the rows it applied.
   *
   * @param entryStarts index of each entry's first row in {@code rows}, ascending; an entry
   *     owns the rows up to the next entry's first
   * @param entryErrors per entry, an error that kept it from being sent at all, or null
   * @throws BatchFailure when any entry failed; its counts hold {@link Statement#EXECUTE_FAILED}
   *     for failed entries
   */
  static long[] batchCounts(TableSchema table, List<RowWrite> rows, RowResult[] results,
      int[] entryStarts, MeridianException[] entryErrors) {
    int entries = entryStarts.length;
    long[] counts = new long[entries];
    List<Integer> failed = new ArrayList<>();
    boolean multiRow = false;
    SqlState state = null;
    Throwable cause = null;
    StringBuilder details = new StringBuilder();
    int detailed = 0;
    for (int e = 0; e < entries; e++) {
      int from = entryStarts[e];
      int to = e + 1 < entries ? entryStarts[e + 1] : results.length;
      multiRow |= to - from > 1;
      long applied = 0;
      String problem = null;
      SqlState problemState = null;
      Throwable problemCause = null;
      if (entryErrors[e] != null) {
        problem = "[" + entryErrors[e].state().code() + "] " + entryErrors[e].getMessage()
            + " (not sent)";
        problemState = entryErrors[e].state();
        problemCause = entryErrors[e];
      }
      for (int i = from; i < to && problem == null; i++) {
        if (results[i].applied()) {
          applied++;
        }
      }
      for (int i = from; i < to && problem == null; i++) {
        RowResult r = results[i];
        if (r.problem()) {
          problem = (to - from > 1 ? "its row " + (i - from + 1) + ": " : "")
              + reason(table, rows.get(i), r);
          if (to - from > 1 && applied > 0) {
            problem += " (" + applied + " of its " + (to - from) + " rows were written)";
          }
          problemState = r.state();
          problemCause = r.error();
        }
      }
      if (problem == null) {
        counts[e] = applied;
        continue;
      }
      counts[e] = Statement.EXECUTE_FAILED;
      failed.add(e + 1);
      if (state == null) {
        state = problemState;
        cause = problemCause;
      }
      if (detailed < DETAILED_FAILURES) {
        details.append("; ").append(multiRow ? "entry " : "row ").append(e + 1).append(": ")
            .append(problem);
        detailed++;
      }
    }
    if (failed.isEmpty()) {
      return counts;
    }
    String unit = multiRow ? "entries" : "rows";
    StringBuilder b = new StringBuilder("batch of ").append(entries).append(' ').append(unit)
        .append(" into ").append(table.name()).append(": ").append(entries - failed.size())
        .append(" succeeded, ").append(failed.size()).append(" failed (").append(unit)
        .append(' ').append(ranges(failed)).append(")").append(details);
    if (failed.size() > detailed) {
      b.append("; and ").append(failed.size() - detailed).append(" more failures");
    }
    throw new BatchFailure(state, b.toString(), counts, cause);
  }

  private static void appendProblems(StringBuilder b, List<Integer> problems, TableSchema table,
      List<RowWrite> rows, RowResult[] results, String unit) {
    int shown = 0;
    for (int i : problems) {
      if (shown == DETAILED_FAILURES) {
        b.append("; and ").append(problems.size() - shown).append(" more failures");
        break;
      }
      RowResult r = results[i];
      b.append("; ").append(unit).append(' ').append(i + 1)
          .append(r.maybeApplied() ? " may or may not have been written: " : " failed: ")
          .append(reason(table, rows.get(i), r));
      shown++;
    }
  }

  /** Why one row failed, with its SQLState and key. */
  static String reason(TableSchema table, RowWrite row, RowResult r) {
    String key = row == null ? "" : " " + describeKey(table, row.key());
    if (r.error() != null) {
      return "[" + r.error().state().code() + "] " + r.error().getMessage();
    }
    if (r.outcome().status() == RowOutcome.Status.DUPLICATE) {
      return "[" + SqlState.UNIQUE_VIOLATION.code() + "] key" + key + " already exists";
    }
    String message = r.outcome().message() == null ? "rejected" : r.outcome().message();
    return "[" + r.state().code() + "] " + message + " (key" + key + ")";
  }

  /** {@code (ID=7, NAME='x')}. */
  static String describeKey(TableSchema table, Object[] key) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < key.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      String name = i < table.keyColumns().size()
          ? table.column(table.keyColumns().get(i)).name() : "?";
      b.append(name).append('=').append(describeValue(key[i]));
    }
    return b.append(')').toString();
  }

  static String describeValue(Object v) {
    String s;
    if (v == null) {
      return "NULL";
    } else if (v instanceof byte[] bytes) {
      String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16));
      return "X'" + hex + (bytes.length > 16 ? "...'" : "'");
    } else if (v instanceof String str) {
      s = str.length() > 40 ? str.substring(0, 37) + "..." : str;
      return "'" + s.replace("'", "''") + "'";
    }
    return String.valueOf(v);
  }

  private static String rowWord(List<Integer> rows) {
    return rows.size() == 1 ? "row" : "rows";
  }

  /** {@code 1-3, 5, 7-9} for ascending 1-based numbers. */
  static String ranges(List<Integer> ascending) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < ascending.size()) {
      int start = ascending.get(i);
      int end = start;
      while (i + 1 < ascending.size() && ascending.get(i + 1) == end + 1) {
        end = ascending.get(++i);
      }
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(start);
      if (end > start) {
        b.append('-').append(end);
      }
      i++;
    }
    return b.toString();
  }
}
