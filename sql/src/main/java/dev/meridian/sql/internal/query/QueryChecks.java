package dev.meridian.sql.internal.query;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlPosition;
import dev.meridian.protocol.error.SqlState;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Refuses, with {@code 0A000} naming the construct and its position, what a general query may
 * not use although Calcite would parse it: window functions, MATCH_RECOGNIZE, TABLESAMPLE,
 * UNNEST and LATERAL, table functions, GROUPING SETS/ROLLUP/CUBE, recursive WITH, and system
 * tables mixed into a query. Everything else Calcite validates and runs. Stateless.
 */
final class QueryChecks {
  private static final Map<SqlKind, String> REFUSED = Map.ofEntries(
      Map.entry(SqlKind.OVER, "window functions (OVER)"),
      Map.entry(SqlKind.WINDOW, "WINDOW clauses"),
      Map.entry(SqlKind.MATCH_RECOGNIZE, "MATCH_RECOGNIZE"),
      Map.entry(SqlKind.TABLESAMPLE, "TABLESAMPLE"),
      Map.entry(SqlKind.UNNEST, "UNNEST"),
      Map.entry(SqlKind.LATERAL, "LATERAL"),
      Map.entry(SqlKind.COLLECTION_TABLE, "table functions (TABLE(...))"),
      Map.entry(SqlKind.GROUPING_SETS, "GROUPING SETS"),
      Map.entry(SqlKind.ROLLUP, "ROLLUP"),
      Map.entry(SqlKind.CUBE, "CUBE"),
      Map.entry(SqlKind.WITH_ITEM, "WITH RECURSIVE"),
      Map.entry(SqlKind.PIVOT, "PIVOT"),
      Map.entry(SqlKind.UNPIVOT, "UNPIVOT"),
      Map.entry(SqlKind.SNAPSHOT, "FOR SYSTEM_TIME AS OF"),
      Map.entry(SqlKind.CURSOR, "CURSOR"),
      Map.entry(SqlKind.MULTISET_VALUE_CONSTRUCTOR, "MULTISET"),
      Map.entry(SqlKind.ARRAY_VALUE_CONSTRUCTOR, "ARRAY"),
      Map.entry(SqlKind.MAP_VALUE_CONSTRUCTOR, "MAP"));

  private QueryChecks() {}

  static void check(SqlNode query) {
    query.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        String what = REFUSED.get(call.getKind());
        if (call.getKind() == SqlKind.WITH_ITEM && !isRecursive(call)) {
          what = null;
        }
        if (what != null) {
          throw refused(what, call);
        }
        if (call instanceof SqlSelect select && select.getQualify() != null) {
          throw refused("QUALIFY", select.getQualify());
        }
        return super.visit(call);
      }

      @Override
      public Void visit(org.apache.calcite.sql.SqlIdentifier id) {
        if (id.names.size() > 1 && id.names.get(0).equals("MERIDIAN")) {
          throw refused("system tables (MERIDIAN." + id.names.get(1) + ") in a query with"
              + " joins, grouping or other tables", id);
        }
        return null;
      }
    });
  }

  private static boolean isRecursive(SqlCall withItem) {
    return withItem instanceof org.apache.calcite.sql.SqlWithItem w && w.recursive != null
        && w.recursive.booleanValue();
  }

  private static MeridianException refused(String what, SqlNode at) {
    var pos = at.getParserPosition();
    SqlPosition position = pos == null || pos.getLineNum() <= 0 ? null
        : new SqlPosition(pos.getLineNum(), Math.max(1, pos.getColumnNum()));
    return new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, what
        + " is not supported in Meridian queries", position, null);
  }
}
