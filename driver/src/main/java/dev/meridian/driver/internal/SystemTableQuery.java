package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.sql.api.Plan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs a {@link Plan.SystemQuery} over the rows a peer computed for a system table: checks
 * their shape, keeps the rows that pass the filter, sorts them (stably), cuts them to the limit
 * and projects them. A system table holds a few rows per region, so all of it happens in memory
 * on the calling thread.
 *
 * <p>Values compare as SQL does for one type: a comparison with NULL holds for no row, and NULL
 * sorts above every value (so last ascending, first descending) unless the plan says otherwise.
 * Stateless and thread-safe.
 */
final class SystemTableQuery {
  private SystemTableQuery() {}

  /**
   * The result rows of {@code query}.
   *
   * @param rows the table's rows as the peer sent them, in its column order
   * @param parameters the bound {@code ?} values (raw; coerced to their columns here)
   * @param maxRows the statement's row limit, or 0 for none
   * @throws MeridianException {@code 08P01} for rows that do not fit the table's columns,
   *     {@code 07001} or {@code 22xxx} for a missing or unfit parameter
   */
  static List<Object[]> run(Plan.SystemQuery query, List<Object[]> rows, Object[] parameters,
      long maxRows) {
    TableSchema table = query.table();
    List<Plan.Comparison> filter = query.filter();
    Object[] values = new Object[filter.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = PlanExecutor.resolve(filter.get(i).value(), parameters);
    }
    List<Object[]> kept = new ArrayList<>();
    for (Object[] row : rows) {
      Object[] checked = checked(table, row);
      if (passes(filter, values, checked)) {
        kept.add(checked);
      }
    }
    if (!query.order().isEmpty()) {
      kept.sort(order(query.order()));
    }
    long limit = query.limit() < 0 ? Long.MAX_VALUE : query.limit();
    if (maxRows > 0) {
      limit = Math.min(limit, maxRows);
    }
    int[] projection = query.projection();
    List<Object[]> out = new ArrayList<>((int) Math.min(kept.size(), limit));
    for (Object[] row : kept) {
      if (out.size() >= limit) {
        break;
      }
      Object[] projected = new Object[projection.length];
      for (int i = 0; i < projection.length; i++) {
        projected[i] = row[projection[i]];
      }
      out.add(projected);
    }
    return out;
  }

  /**
   * A copy of a peer's row with each value in its column's canonical form, so that values of
   * a column always compare as one type.
   */
  private static Object[] checked(TableSchema table, Object[] row) {
    String name = SystemTables.SCHEMA + "." + table.name();
    if (row == null || row.length != table.columnCount()) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "the peer sent a row of "
          + (row == null ? "no" : String.valueOf(row.length)) + " columns for system table "
          + name + ", which has " + table.columnCount());
    }
    Object[] out = new Object[row.length];
    for (int c = 0; c < row.length; c++) {
      ColumnDef def = table.column(c);
      try {
        out[c] = def.type().coerce(row[c]);
      } catch (MeridianException e) {
        throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "the peer sent a value for"
            + " column " + def.name() + " of system table " + name + " that is not a "
            + def.type().sqlName() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static boolean passes(List<Plan.Comparison> filter, Object[] values, Object[] row) {
    for (int i = 0; i < values.length; i++) {
      Plan.Comparison condition = filter.get(i);
      Object cell = row[condition.column()];
      if (cell == null || values[i] == null
          || !condition.op().holds(compare(cell, values[i]))) {
        return false;
      }
    }
    return true;
  }

  private static Comparator<Object[]> order(List<Plan.SortKey> keys) {
    return (a, b) -> {
      for (Plan.SortKey key : keys) {
        Object x = a[key.column()];
        Object y = b[key.column()];
        int c;
        if (x == null || y == null) {
          c = x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
        } else {
          c = key.descending() ? compare(y, x) : compare(x, y);
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  /** Compares two non-null canonical values of one column type. */
  static int compare(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      return x.doubleValue() == y.doubleValue() ? 0 : Double.compare(x, y); // -0.0 = 0.0
    }
    if (a instanceof Float x && b instanceof Float y) {
      return x.floatValue() == y.floatValue() ? 0 : Float.compare(x, y);
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    if (a instanceof Comparable<?> && a.getClass() == b.getClass()) {
      @SuppressWarnings("unchecked") // same class, and every canonical class is Comparable<itself>
      Comparable<Object> c = (Comparable<Object>) a;
      return c.compareTo(b);
    }
    // Both sides were coerced to the column's type, so this is a bug, not bad input.
    throw new MeridianException(SqlState.INTERNAL_ERROR, "cannot compare "
        + a.getClass().getSimpleName() + " with " + b.getClass().getSimpleName());
  }
}
