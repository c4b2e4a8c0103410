package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;

/**
 * Plans queries of the system tables in schema {@code MERIDIAN} ({@link SystemTables}) into
 * {@link Plan.SystemQuery}: columns or {@code *} (with aliases), a WHERE of column-to-value
 * comparisons joined by AND, ORDER BY columns and LIMIT. The driver applies all of them to the
 * few rows the serving peer computes, so none needs a key or an index. Anything else on a
 * system table is {@code 0A000} naming it, positioned like every planner error. Not
 * thread-safe; one instance per statement.
 */
final class SystemQueryPlanner {
  private static final String SHAPE = "SELECT <columns> FROM " + SystemTables.SCHEMA
      + ".<table> [WHERE <column> <op> <value> [AND ...]] [ORDER BY <columns>] [LIMIT <n>]";

  private static final Map<SqlKind, Plan.Comparison.Op> OPS = Map.of(
      SqlKind.EQUALS, Plan.Comparison.Op.EQ,
      SqlKind.NOT_EQUALS, Plan.Comparison.Op.NE,
      SqlKind.LESS_THAN, Plan.Comparison.Op.LT,
      SqlKind.LESS_THAN_OR_EQUAL, Plan.Comparison.Op.LE,
      SqlKind.GREATER_THAN, Plan.Comparison.Op.GT,
      SqlKind.GREATER_THAN_OR_EQUAL, Plan.Comparison.Op.GE);

  /**
   * Aggregate functions by name: without a validator, the parser leaves most functions
   * unresolved, so {@code isAggregator()} alone misses them.
   */
  private static final Set<String> AGGREGATES = Set.of("COUNT", "SUM", "AVG", "MIN", "MAX",
      "ANY_VALUE", "EVERY", "SOME", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE",
      "VAR_POP", "VAR_SAMP", "LISTAGG", "STRING_AGG", "ARRAY_AGG", "COLLECT", "BIT_AND",
      "BIT_OR", "BIT_XOR");

  private final SourceText text;
  private final Operands operands;

  SystemQueryPlanner(SourceText text) {
    this(text, new Operands(text));
  }

  /** A planner whose operands (and so parameter numbering) the caller shares. */
  SystemQueryPlanner(SourceText text, Operands operands) {
    this.text = text;
    this.operands = operands;
  }

  /** The {@code 0A000} for a construct a query of a system table cannot have. */
  static MeridianException unsupported(String what, SqlNode at) {
    return SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, what + " is not supported on"
        + " system tables; a query of a system table is " + SHAPE, at);
  }

  /**
   * Whether a FROM clause (or null) reads a system table anywhere: directly, in a join, or in
   * a subquery. Such a query is this planner's, to be planned or refused in its terms.
   */
  static boolean mentions(SqlNode from) {
    if (from == null) {
      return false;
    }
    if (from instanceof SqlIdentifier id) {
      return TableRef.isSystem(id);
    }
    if (from instanceof SqlSelect select) {
      return mentions(select.getFrom());
    }
    if (from instanceof SqlCall call) {
      for (SqlNode operand : call.getOperandList()) {
        if (operand != null && !(operand instanceof SqlNodeList) && mentions(operand)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Plans a query whose FROM {@link #mentions} a system table.
   *
   * @param orderBy the ORDER BY / LIMIT around the query, or null (Calcite puts them there
   *     when they follow a whole query)
   */
  Plan.SystemQuery plan(SqlSelect select, SqlOrderBy orderBy) {
    return shape(from(select.getFrom()), select, orderBy);
  }

  /**
   * The columns, conditions, order and limit of a query of one table in this planner's terms,
   * whatever the table ({@link IndexPlanner} reads user tables the same way); {@code 0A000}
   * for anything else.
   */
  Plan.SystemQuery shape(TableRef ref, SqlSelect select, SqlOrderBy orderBy) {
    checkClauses(select);
    List<Integer> projection = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (SqlNode item : select.getSelectList()) {
      project(ref, item, projection, labels);
    }
    List<Plan.Comparison> filter = new ArrayList<>();
    if (select.getWhere() != null) {
      conditions(ref, select.getWhere(), filter);
    }
    SqlNodeList orderList = orderBy != null ? orderBy.orderList : select.getOrderList();
    SqlNode offset = orderBy != null ? orderBy.offset : select.getOffset();
    SqlNode fetch = orderBy != null ? orderBy.fetch : select.getFetch();
    if (offset != null) {
      throw unsupported("OFFSET", offset);
    }
    int[] columns = projection.stream().mapToInt(Integer::intValue).toArray();
    List<Plan.SortKey> order = new ArrayList<>();
    if (orderList != null) {
      for (SqlNode item : orderList) {
        order.add(sortKey(ref, item, columns, labels));
      }
    }
    long limit = fetch == null ? -1 : limit(fetch);
    return new Plan.SystemQuery(ref.schema(), columns, List.copyOf(labels), List.copyOf(filter),
        List.copyOf(order), limit, operands.parameterTypes());
  }

  private TableRef from(SqlNode from) {
    TableRef.Aliased aliased = TableRef.aliased(from);
    if (aliased == null) {
      throw unsupported("column aliases in FROM", from);
    }
    SqlNode table = aliased.table();
    String alias = aliased.alias();
    if (table instanceof SqlIdentifier id && TableRef.isSystem(id)) {
      return new TableRef(TableRef.system(id), alias, SystemTables.SCHEMA);
    }
    String what = switch (table.getKind()) {
      case JOIN -> ((SqlJoin) table).getJoinType() == JoinType.COMMA
          ? "a join (FROM with several tables)" : "JOIN";
      case SELECT, UNION, INTERSECT, EXCEPT, ORDER_BY, WITH, VALUES -> "a subquery in FROM";
      case TABLE_REF -> "table hints";
      default -> "FROM " + text.quote(table);
    };
    throw unsupported(what, table);
  }

  private void checkClauses(SqlSelect select) {
    SelectPlanner.rejectGrouping(select, SystemQueryPlanner::unsupported);
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
      throw unsupported(describe(expr) + " in the select list", expr);
    }
    SelectPlanner.addColumns(ref, id, alias, projection, labels);
  }

  private void conditions(TableRef ref, SqlNode node, List<Plan.Comparison> out) {
    if (node.getKind() == SqlKind.AND) {
      for (SqlNode operand : ((SqlCall) node).getOperandList()) {
        conditions(ref, operand, out);
      }
      return;
    }
    Plan.Comparison.Op op = OPS.get(node.getKind());
    if (op == null) {
      throw unsupported(containsQuery(node) ? "a subquery in WHERE"
          : "condition " + text.quote(node), node);
    }
    SqlNode left = ((SqlCall) node).operand(0);
    SqlNode right = ((SqlCall) node).operand(1);
    boolean leftColumn = left instanceof SqlIdentifier;
    boolean rightColumn = right instanceof SqlIdentifier;
    if (leftColumn && rightColumn) {
      throw unsupported("comparing two columns (" + text.quote(node) + ")", node);
    }
    if (!leftColumn && !rightColumn) {
      throw unsupported("condition " + text.quote(node) + " (it compares no column)", node);
    }
    SqlIdentifier column = (SqlIdentifier) (leftColumn ? left : right);
    SqlNode value = leftColumn ? right : left;
    if (value.getKind().belongsTo(SqlKind.QUERY)) {
      throw unsupported("a subquery in WHERE", value);
    }
    if (Operands.parameterOf(value) == null && !Literals.isConstant(value)) {
      throw unsupported("comparing with " + describe(value) + " (compare with a literal or ?)",
          value);
    }
    int c = ref.column(column);
    ColumnDef def = ref.schema().column(c);
    Operand operand = operands.forColumn(value, def);
    out.add(new Plan.Comparison(c, leftColumn ? op : op.flipped(), operand));
  }

  private static boolean containsQuery(SqlNode node) {
    if (node.getKind().belongsTo(SqlKind.QUERY)) {
      return true;
    }
    if (node instanceof SqlNodeList list) {
      for (SqlNode n : list) {
        if (n != null && containsQuery(n)) {
          return true;
        }
      }
    } else if (node instanceof SqlCall call) {
      for (SqlNode n : call.getOperandList()) {
        if (n != null && containsQuery(n)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * One ORDER BY item: a column of the table, a select-list label or a 1-based position in the
   * select list, with ASC/DESC and NULLS FIRST/LAST.
   */
  private Plan.SortKey sortKey(TableRef ref, SqlNode item, int[] projection,
      List<String> labels) {
    SqlNode node = item;
    Boolean nullsFirst = null;
    if (node.getKind() == SqlKind.NULLS_FIRST || node.getKind() == SqlKind.NULLS_LAST) {
      nullsFirst = node.getKind() == SqlKind.NULLS_FIRST;
      node = ((SqlCall) node).operand(0);
    }
    boolean descending = false;
    if (node.getKind() == SqlKind.DESCENDING) {
      descending = true;
      node = ((SqlCall) node).operand(0);
    }
    int column;
    if (node instanceof SqlIdentifier id && !id.isStar()) {
      int label = id.isSimple() ? labels.indexOf(id.getSimple()) : -1;
      column = label >= 0 ? projection[label] : ref.column(id);
    } else if (node instanceof SqlNumericLiteral n && n.isInteger()) {
      BigDecimal position = n.bigDecimalValue();
      if (position.compareTo(BigDecimal.ONE) < 0
          || position.compareTo(BigDecimal.valueOf(projection.length)) > 0) {
        throw SourceText.error(SqlState.UNDEFINED_COLUMN, "ORDER BY position "
            + text.quote(node) + " is not in the select list, which has " + projection.length
            + " columns", node);
      }
      column = projection[position.intValue() - 1];
    } else {
      throw unsupported("ORDER BY " + describe(node), node);
    }
    return new Plan.SortKey(column, descending, nullsFirst != null ? nullsFirst : descending);
  }

  private long limit(SqlNode fetch) {
    if (fetch instanceof SqlDynamicParam) {
      throw unsupported("LIMIT ?; write the number", fetch);
    }
    if (!(fetch instanceof SqlNumericLiteral n) || !n.isInteger()) {
      throw unsupported("LIMIT " + text.quote(fetch), fetch);
    }
    BigDecimal value = n.bigDecimalValue();
    if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw SourceText.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "LIMIT " + text.quote(fetch)
          + " is out of range: write a whole number from 0 to " + Long.MAX_VALUE, fetch);
    }
    return value.longValueExact();
  }

  /** How a message names an expression: a subquery, an aggregate or the expression itself. */
  private String describe(SqlNode node) {
    if (node.getKind().belongsTo(SqlKind.QUERY)) {
      return "a subquery";
    }
    if (node instanceof SqlCall call && (call.getOperator().isAggregator()
        || AGGREGATES.contains(call.getOperator().getName().toUpperCase(Locale.ROOT)))) {
      return "aggregate " + text.quote(node);
    }
    return "expression " + text.quote(node);
  }
}
