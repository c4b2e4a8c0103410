package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;

/**
 * Plans the two SELECTs supported so far: point reads by full key
 * ({@link Plan.PointSelect}) and constants without FROM ({@link Plan.Constant}); a query that
 * reads a system table goes to {@link SystemQueryPlanner}. Every other query is {@code 0A000}
 * naming what made it general. Not thread-safe; one per statement.
 */
final class SelectPlanner {
  private final Catalog catalog;
  private final SourceText text;
  private final Operands operands;

  SelectPlanner(Catalog catalog, SourceText text) {
    this.catalog = catalog;
    this.text = text;
    this.operands = new Operands(text);
  }

  /** The {@code 0A000} for a query construct beyond point reads. */
  static MeridianException general(String what, SqlNode at) {
    return new NeedsQuery("not a point read (" + what + ")", at);
  }

  Plan plan(SqlSelect select) {
    if (select.getFrom() == null) {
      checkClauses(select, true);
      return constant(select);
    }
    if (SystemQueryPlanner.mentions(select.getFrom())) {
      return new SystemQueryPlanner(text).plan(select, null);
    }
    TableRef ref = from(select.getFrom());
    checkClauses(select, false);
    List<Integer> projection = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (SqlNode item : select.getSelectList()) {
      project(ref, item, projection, labels);
    }
    if (select.getWhere() == null) {
      throw general("SELECT without a WHERE clause on the primary key", select);
    }
    KeyConditions conditions = new KeyConditions(ref, operands, text, true,
        (what, at) -> general(what, at));
    List<List<Operand>> keys = conditions.keys(select.getWhere());
    return new Plan.PointSelect(ref.schema(), keys,
        projection.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(labels),
        operands.parameterTypes());
  }

  private TableRef from(SqlNode from) {
    TableRef.Aliased aliased = TableRef.aliased(from);
    if (aliased == null) {
      throw general("column aliases in FROM", from);
    }
    SqlNode table = aliased.table();
    String alias = aliased.alias();
    if (table instanceof SqlIdentifier id) {
      return new TableRef(TableRef.existing(catalog, id, "SELECT"), alias);
    }
    String what = switch (table.getKind()) {
      case JOIN -> "JOIN";
      case SELECT, UNION, INTERSECT, EXCEPT, ORDER_BY, WITH, VALUES -> "a subquery in FROM";
      case TABLE_REF -> "table hints";
      default -> "FROM " + text.quote(table);
    };
    throw general(what, table);
  }

  /**
   * Rejects DISTINCT, GROUP BY, HAVING, WINDOW and QUALIFY with the error {@code why} makes
   * for the construct and its place.
   */
  static void rejectGrouping(SqlSelect select,
      java.util.function.BiFunction<String, SqlNode, MeridianException> why) {
    if (select.isDistinct()) {
      throw why.apply("SELECT DISTINCT", select);
    }
    SqlNodeList group = select.getGroup();
    if (group != null && !group.isEmpty()) {
      throw why.apply("GROUP BY", group);
    }
    if (select.getHaving() != null) {
      throw why.apply("HAVING", select.getHaving());
    }
    SqlNodeList windows = select.getWindowList();
    if (windows != null && !windows.isEmpty()) {
      throw why.apply("WINDOW", windows);
    }
    if (select.getQualify() != null) {
      throw why.apply("QUALIFY", select.getQualify());
    }
  }

  private void checkClauses(SqlSelect select, boolean constant) {
    rejectGrouping(select, SelectPlanner::general);
    SqlNodeList order = select.getOrderList();
    if (order != null && !order.isEmpty()) {
      throw general("ORDER BY", order);
    }
    if (select.getFetch() != null || select.getOffset() != null) {
      throw general("LIMIT/OFFSET", select);
    }
    if (constant && select.getWhere() != null) {
      throw general("WHERE without FROM", select.getWhere());
    }
  }

  private void project(TableRef ref, SqlNode item, List<Integer> projection,
      List<String> labels) {
    SqlNode expr = item;
    String alias = null;
    if (item.getKind() == SqlKind.AS) {
      expr = ((SqlCall) item).operand(0);
      alias = ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple();
    }
    if (!(expr instanceof SqlIdentifier id)) {
      throw general("expression " + text.quote(expr) + " in the select list", expr);
    }
    addColumns(ref, id, alias, projection, labels);
  }

  /**
   * Adds a select-list column ({@code name}, {@code t.name}, {@code *} or {@code t.*}) to a
   * projection and its labels; 42P01 when a qualifier names another table.
   */
  static void addColumns(TableRef ref, SqlIdentifier id, String alias, List<Integer> projection,
      List<String> labels) {
    TableSchema schema = ref.schema();
    if (id.isStar()) {
      if (id.names.size() > 1 && !ref.qualifies(id.names.subList(0, id.names.size() - 1))) {
        throw SourceText.error(SqlState.UNDEFINED_TABLE, "table "
            + String.join(".", id.names.subList(0, id.names.size() - 1))
            + " is not part of this statement", id);
      }
      for (int c : schema.visibleColumnIds()) {
        projection.add(c);
        labels.add(schema.column(c).name());
      }
      return;
    }
    int c = ref.column(id);
    projection.add(c);
    labels.add(alias != null ? alias : schema.column(c).name());
  }

  private Plan.Constant constant(SqlSelect select) {
    List<Operand> row = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<ColumnType> types = new ArrayList<>();
    int i = 0;
    for (SqlNode item : select.getSelectList()) {
      SqlNode expr = item;
      String label = "EXPR$" + i++;
      if (item.getKind() == SqlKind.AS) {
        expr = ((SqlCall) item).operand(0);
        label = ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple();
      }
      labels.add(label);
      if (Operands.parameterOf(expr) != null) {
        if (expr.getKind() != SqlKind.CAST) {
          throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "a ? without a column has no"
              + " type; write CAST(? AS type)", expr);
        }
        Operand parameter = operands.castParameter((SqlCall) expr, text);
        row.add(parameter);
        types.add(((Operand.Parameter) parameter).type());
        continue;
      }
      if (expr instanceof SqlIdentifier id && id.isStar()) {
        throw general("SELECT * without FROM", expr);
      }
      if (!Literals.isConstant(expr)) {
        throw general("expression " + text.quote(expr) + " in the select list", expr);
      }
      Literals.Typed value = operands.literals().evaluate(expr);
      row.add(new Operand.Literal(Literals.coerce(value.type(), value.value(), expr, null)));
      types.add(value.type());
    }
    return new Plan.Constant(List.of(List.copyOf(row)), List.copyOf(labels),
        List.copyOf(types), operands.parameterTypes());
  }
}
