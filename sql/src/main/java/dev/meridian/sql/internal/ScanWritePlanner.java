package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.internal.query.QueryPlanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Plans UPDATE and DELETE whose WHERE does not name one row ({@link Plan.ScanWrite}). When the
 * row's owner can evaluate the WHERE and every computed assignment, the query only finds the
 * keys and each row's write checks the WHERE again and computes its values in the write step.
 * Otherwise a query
 * {@code SELECT <key columns>, <computed assignments> FROM t WHERE <condition>} finds the rows
 * and computes the assigned values that read columns; literals and bare {@code ?} assignments
 * stay operands. Not thread-safe; one per statement.
 */
final class ScanWritePlanner {
  private final Catalog catalog;
  private final SourceText text;
  private final Operands operands;

  ScanWritePlanner(Catalog catalog, SourceText text) {
    this.catalog = catalog;
    this.text = text;
    this.operands = new Operands(text);
  }

  Plan.ScanWrite update(SqlUpdate update) {
    TableRef ref = TableRef.target(catalog, update.getTargetTable(), update.getAlias(), text,
        "UPDATE");
    TreeMap<Integer, SqlNode> assigned = ref.assignments(update);
    return plan(ref, WriteKind.UPDATE, update.getAlias(), assigned, update.getCondition());
  }

  Plan.ScanWrite delete(SqlDelete delete) {
    TableRef ref = TableRef.target(catalog, delete.getTargetTable(), delete.getAlias(), text,
        "DELETE");
    return plan(ref, WriteKind.DELETE, delete.getAlias(), new TreeMap<>(),
        delete.getCondition());
  }

  /**
   * The plan whose rows' owners check the condition again and compute the values, or null when
   * some part is beyond what they evaluate (a subquery, say).
   */
  private Plan.ScanWrite atRowOwners(TableRef ref, WriteKind kind, SqlIdentifier alias,
      TreeMap<Integer, SqlNode> assigned, SqlNode where) {
    TableSchema table = ref.schema();
    Operands typed = new Operands(text);
    RowExprPlanner exprs = new RowExprPlanner(ref, typed, text, kind.name());
    int[] columns = new int[assigned.size()];
    List<Operand> values = new ArrayList<>();
    List<RowExpr> computed = new ArrayList<>();
    RowExpr condition;
    try {
      int i = 0;
      for (Map.Entry<Integer, SqlNode> e : assigned.entrySet()) {
        int c = e.getKey();
        SqlNode node = e.getValue();
        ColumnDef def = table.column(c);
        columns[i++] = c;
        if (def.type().kind() == TypeKind.COUNTER) {
          computed.add(exprs.increment(node, c));
          values.add(null);
        } else if (Operands.parameterOf(node) != null || Literals.isConstant(node)) {
          computed.add(null);
          values.add(operand(typed, node, def));
        } else {
          computed.add(exprs.value(node, def));
          values.add(null);
        }
      }
      condition = where == null ? null : exprs.condition(List.of(where));
    } catch (MeridianException e) {
      if (e.state() == SqlState.WRONG_OBJECT_TYPE) {
        throw e;
      }
      return null;
    }
    List<Integer> queryParameters = new ArrayList<>();
    Plan.Query query = query(table, selectKeys(table), alias, where, queryParameters);
    int[] mapped = queryParameters.stream().mapToInt(Integer::intValue).toArray();
    boolean anyComputed = computed.stream().anyMatch(java.util.Objects::nonNull);
    return new Plan.ScanWrite(table, kind, query, mapped, columns,
        Collections.unmodifiableList(values), typed.parameterTypes(),
        anyComputed ? Collections.unmodifiableList(computed) : null, condition);
  }

  private Plan.ScanWrite plan(TableRef ref, WriteKind kind, SqlIdentifier alias,
      TreeMap<Integer, SqlNode> assigned, SqlNode where) {
    Plan.ScanWrite atOwners = atRowOwners(ref, kind, alias, assigned, where);
    if (atOwners != null) {
      return atOwners;
    }
    TableSchema table = ref.schema();
    StringBuilder select = selectKeys(table);
    List<Integer> queryParameters = new ArrayList<>();
    int[] columns = new int[assigned.size()];
    List<Operand> values = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Integer, SqlNode> e : assigned.entrySet()) {
      int c = e.getKey();
      SqlNode node = e.getValue();
      ColumnDef def = table.column(c);
      columns[i++] = c;
      if (Operands.parameterOf(node) != null || Literals.isConstant(node)) {
        values.add(operand(operands, node, def));
      } else {
        select.append(", (").append(unparse(node)).append(')');
        queryParameters.addAll(parameters(node));
        values.add(null);
      }
    }
    Plan.Query query = query(table, select, alias, where, queryParameters);
    int[] mapped = queryParameters.stream().mapToInt(Integer::intValue).toArray();
    return new Plan.ScanWrite(table, kind, query, mapped, columns,
        Collections.unmodifiableList(values), parameterTypes(query, mapped), null, null);
  }

  /** An assigned literal or {@code ?}; a NULL literal for a NOT NULL column is 23502. */
  private static Operand operand(Operands operands, SqlNode node, ColumnDef def) {
    Operand operand = operands.forColumn(node, def);
    if (operand instanceof Operand.Literal l && l.value() == null && !def.nullable()) {
      throw SourceText.error(SqlState.NOT_NULL_VIOLATION, "NULL is not allowed in NOT NULL"
          + " column " + def.name(), node);
    }
    return operand;
  }

  /** {@code SELECT <key columns>}, to which computed columns may be appended. */
  private static StringBuilder selectKeys(TableSchema table) {
    StringBuilder select = new StringBuilder("SELECT ");
    for (int k = 0; k < table.keyColumns().size(); k++) {
      select.append(k == 0 ? "" : ", ").append(quote(table.column(table.keyColumns().get(k)).name()));
    }
    return select;
  }

  /**
   * Completes {@code select} with {@code FROM t [AS alias] [WHERE ...]} and plans it; the
   * statement-wide indexes of the WHERE's {@code ?} are added to {@code queryParameters}.
   */
  private Plan.Query query(TableSchema table, StringBuilder select, SqlIdentifier alias,
      SqlNode where, List<Integer> queryParameters) {
    select.append(" FROM ").append(quote(table.name()));
    if (alias != null) {
      select.append(" AS ").append(quote(alias.getSimple()));
    }
    if (where != null) {
      select.append(" WHERE ").append(unparse(where));
      queryParameters.addAll(parameters(where));
    }
    String sql = select.toString();
    return new QueryPlanner(catalog).plan(sql, StatementParser.parse(sql));
  }

  /** The statement's parameter types: the operands' and, for the rest, the query's. */
  private List<ColumnType> parameterTypes(Plan.Query query, int[] mapped) {
    int n = operands.parameterCount();
    for (int m : mapped) {
      n = Math.max(n, m + 1);
    }
    ColumnType[] all = new ColumnType[n];
    operands.typesInto(all);
    for (int j = 0; j < mapped.length; j++) {
      all[mapped[j]] = query.parameterTypes().get(j);
    }
    for (int j = 0; j < all.length; j++) {
      if (all[j] == null) {
        throw new MeridianException(SqlState.INTERNAL_ERROR, "parameter " + (j + 1)
            + " was not given a type");
      }
    }
    return List.of(all);
  }

  /** The statement-wide indexes of the ? in a node, in text order. */
  private static List<Integer> parameters(SqlNode node) {
    List<Integer> found = new ArrayList<>();
    node.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlDynamicParam param) {
        found.add(param.getIndex());
        return null;
      }

      @Override
      public Void visit(SqlCall call) {
        return super.visit(call);
      }
    });
    Collections.sort(found);
    return found;
  }

  private static String unparse(SqlNode node) {
    return node.toSqlString(CalciteSqlDialect.DEFAULT).getSql();
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
