package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.internal.parser.SqlAlterTable;
import dev.meridian.sql.internal.parser.SqlCreateIndex;
import dev.meridian.sql.internal.parser.SqlCreateTable;
import dev.meridian.sql.internal.parser.SqlDropIndex;
import dev.meridian.sql.internal.parser.SqlDropTable;
import dev.meridian.sql.internal.query.QueryPlanner;
import java.util.Locale;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;

/**
 * Plans one SQL statement against a catalog, without caching: parse, then hand the statement to
 * the planner for its kind. The entry point of the internal package for
 * {@link dev.meridian.sql.api.SqlPlanner}; not part of Meridian's API.
 *
 * <p>Stateless and thread-safe. Every failure is a {@link MeridianException}.
 */
public final class StatementPlanner {
  /** What precedes the explained statement: EXPLAIN PLAN [options] FOR. */
  private static final java.util.regex.Pattern EXPLAIN_PREFIX = java.util.regex.Pattern.compile(
      "\\s*EXPLAIN\\s+PLAN\\s+(?:(?:INCLUDING|EXCLUDING)\\s+(?:ALL\\s+)?ATTRIBUTES\\s+"
          + "|WITH(?:OUT)?\\s+(?:IMPLEMENTATION|TYPE)\\s+|AS\\s+(?:TEXT|XML|JSON|DOT)\\s+)*"
          + "FOR\\s+", java.util.regex.Pattern.CASE_INSENSITIVE);

  private StatementPlanner() {}

  /** The plan for {@code sql}, or a {@link MeridianException} saying why there is none. */
  public static Plan plan(String sql, Catalog catalog) {
    Plan users = UserStatements.plan(sql, catalog);
    if (users != null) {
      return users;
    }
    SqlNode statement = StatementParser.parse(sql);
    SourceText text = new SourceText(sql);
    switch (statement.getKind()) {
      case CREATE_TABLE:
        return new DdlPlanner(text).create((SqlCreateTable) statement);
      case DROP_TABLE:
        return new DdlPlanner(text).drop((SqlDropTable) statement, catalog);
      case ALTER_TABLE:
        return new DdlPlanner(text).alter((SqlAlterTable) statement, catalog);
      case CREATE_INDEX:
        return new DdlPlanner(text).createIndex((SqlCreateIndex) statement, catalog);
      case DROP_INDEX:
        return new DdlPlanner(text).dropIndex((SqlDropIndex) statement);
      case EXPLAIN:
        return explain(sql, (SqlExplain) statement, catalog);
      case INSERT:
        return new WritePlanner(catalog, text).insert((SqlInsert) statement);
      case UPDATE:
        try {
          return new WritePlanner(catalog, text).update((SqlUpdate) statement);
        } catch (NeedsQuery e) {
          return new ScanWritePlanner(catalog, text)
              .update((SqlUpdate) StatementParser.parse(sql));
        }
      case DELETE:
        try {
          return new WritePlanner(catalog, text).delete((SqlDelete) statement);
        } catch (NeedsQuery e) {
          return new ScanWritePlanner(catalog, text)
              .delete((SqlDelete) StatementParser.parse(sql));
        }
      case SELECT:
        try {
          return new SelectPlanner(catalog, text).plan((SqlSelect) statement);
        } catch (NeedsQuery e) {
          Plan indexed = new IndexPlanner(catalog, text).plan(
              (SqlSelect) StatementParser.parse(sql), null, () -> query(sql, catalog));
          return indexed != null ? indexed : query(sql, catalog);
        }
      case ORDER_BY: {
        SqlOrderBy orderBy = (SqlOrderBy) statement;
        if (orderBy.query instanceof SqlSelect select
            && SystemQueryPlanner.mentions(select.getFrom())) {
          return new SystemQueryPlanner(text).plan(select, orderBy);
        }
        if (orderBy.query instanceof SqlSelect select) {
          Plan indexed = new IndexPlanner(catalog, text).plan(select, orderBy,
              () -> query(sql, catalog));
          if (indexed != null) {
            return indexed;
          }
        }
        return query(sql, catalog);
      }
      case UNION:
      case INTERSECT:
      case EXCEPT:
      case WITH:
      case VALUES:
        return query(sql, catalog);
      default:
        // Calcite places some statements (EXPLAIN) at their end; point at the first word.
        throw new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, name(statement)
            + " statements are not supported", UnsupportedStatements.start(sql), null);
    }
  }

  /**
   * {@code EXPLAIN PLAN FOR <statement>}: plans the statement as it would run (planned from its
   * own text, so positions in errors are the statement's) and describes the plan.
   */
  private static Plan explain(String sql, SqlExplain explain, Catalog catalog) {
    java.util.regex.Matcher prefix = EXPLAIN_PREFIX.matcher(sql);
    if (!prefix.lookingAt()) {
      throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "only EXPLAIN PLAN FOR <statement>"
          + " is supported", explain);
    }
    Plan plan = plan(sql.substring(prefix.end()), catalog);
    return new Plan.Explain(plan, IndexPlanner.explain(plan));
  }

  /** A general query, parsed afresh (the key planners may have looked into the first tree). */
  private static Plan.Query query(String sql, Catalog catalog) {
    return new QueryPlanner(catalog).plan(sql, StatementParser.parse(sql));
  }

  private static String name(SqlNode statement) {
    return switch (statement.getKind()) {
      case SET_OPTION -> "SET";
      case DESCRIBE_TABLE, DESCRIBE_SCHEMA -> "DESCRIBE";
      case PROCEDURE_CALL -> "CALL";
      default -> statement.getKind().sql.replace('_', ' ').toUpperCase(Locale.ROOT);
    };
  }
}
