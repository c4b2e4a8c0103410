package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUpdate;

/**
 * Plans INSERT, UPSERT, UPDATE and DELETE into {@link Plan.Write}s.
 *
 * <p>INSERT rows carry every column (unlisted ones as NULL literals); UPSERT rows carry only the
 * listed columns, which must include the whole key (Phoenix semantics: unlisted cells keep their
 * values); UPDATE and DELETE name rows by full key (equalities or IN lists), may add any
 * predicate on the row, and UPDATE may compute values from the row: both become
 * {@link dev.meridian.protocol.wire.RowExpr}s that the row's owner evaluates in the step that
 * writes it. A COUNTER column is never listed by INSERT or UPSERT, and UPDATE writes it only by
 * {@code c = c + n} / {@code c - n} ({@code 42809}). In every {@link Plan.RowTemplate} the
 * written columns are in ascending column order. A NULL literal for a key or NOT NULL column,
 * and an unlisted key column, are {@code 23502} at planning; a {@code ?} bound to NULL is the
 * executor's to check. Not thread-safe; one instance per statement.
 */
final class WritePlanner {
  private static final Operand NULL = new Operand.Literal(null);

  private final Catalog catalog;
  private final SourceText text;
  private final Operands operands;

  WritePlanner(Catalog catalog, SourceText text) {
    this.catalog = catalog;
    this.text = text;
    this.operands = new Operands(text);
  }

  Plan.Write insert(SqlInsert insert) {
    WriteKind kind = insert.isUpsert() ? WriteKind.UPSERT : WriteKind.INSERT;
    String verb = kind.name();
    TableRef ref = TableRef.target(catalog, insert.getTargetTable(), null, text, verb);
    TableSchema table = ref.schema();
    int[] targets = targets(ref, insert.getTargetColumnList());
    for (int i = 0; i < targets.length; i++) {
      if (table.column(targets[i]).type().kind() == TypeKind.COUNTER) {
        SqlNode at = insert.getTargetColumnList() != null
            ? insert.getTargetColumnList().get(i) : insert.getTargetTable();
        throw RowExprPlanner.counterOnly(table.column(targets[i]), at, text);
      }
    }
    SqlNode listed = insert.getTargetColumnList() != null ? insert.getTargetColumnList()
        : insert.getTargetTable();
    checkUnlisted(table, kind, targets, listed);
    SqlNode source = insert.getSource();
    if (source.getKind() != SqlKind.VALUES) {
      throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, verb + " ... SELECT is not"
          + " supported yet; write the rows with VALUES", source);
    }
    List<Plan.RowTemplate> rows = new ArrayList<>();
    for (SqlNode row : ((SqlCall) source).getOperandList()) {
      List<SqlNode> values = row.getKind() == SqlKind.ROW
          ? ((SqlCall) row).getOperandList() : List.of(row);
      if (values.size() != targets.length) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, verb + " has "
            + targets.length + " target columns but the row " + text.quote(row) + " has "
            + values.size() + " values", row);
      }
      TreeMap<Integer, Operand> written = new TreeMap<>();
      if (kind == WriteKind.INSERT) {
        for (int c : table.visibleColumnIds()) {
          if (table.column(c).type().kind() != TypeKind.COUNTER) {
            written.put(c, NULL);
          }
        }
      }
      for (int i = 0; i < targets.length; i++) {
        written.put(targets[i], value(values.get(i), table.column(targets[i]), table, targets[i]));
      }
      rows.add(template(table, written));
    }
    return new Plan.Write(table, kind, List.copyOf(rows), operands.parameterTypes());
  }

  Plan.Write update(SqlUpdate update) {
    TableRef ref = TableRef.target(catalog, update.getTargetTable(), update.getAlias(), text,
        "UPDATE");
    TableSchema table = ref.schema();
    List<SqlNode> rest = new ArrayList<>();
    List<List<Operand>> keys = keys(ref, update.getCondition(), "UPDATE", update, rest);
    RowExprPlanner exprs = new RowExprPlanner(ref, operands, text, "UPDATE");
    TreeMap<Integer, Operand> written = new TreeMap<>();
    TreeMap<Integer, RowExpr> computed = new TreeMap<>();
    for (java.util.Map.Entry<Integer, SqlNode> a : ref.assignments(update).entrySet()) {
      int c = a.getKey();
      SqlNode source = a.getValue();
      ColumnDef column = table.column(c);
      if (column.type().kind() == TypeKind.COUNTER) {
        computed.put(c, exprs.increment(source, c));
      } else if (Operands.parameterOf(source) != null || Literals.isConstant(source)) {
        written.put(c, value(source, column, table, c));
      } else {
        computed.put(c, exprs.value(source, column));
      }
    }
    RowExpr condition = rest.isEmpty() ? null : exprs.condition(rest);
    TreeMap<Integer, Operand> all = new TreeMap<>(written);
    for (Integer c : computed.keySet()) {
      all.put(c, null);
    }
    int[] columns = columns(all);
    List<Operand> values = new ArrayList<>(columns.length);
    List<RowExpr> computedList = computed.isEmpty() ? null : new ArrayList<>(columns.length);
    for (int c : columns) {
      values.add(all.get(c));
      if (computedList != null) {
        computedList.add(computed.get(c));
      }
    }
    List<Plan.RowTemplate> rows = new ArrayList<>(keys.size());
    for (List<Operand> key : keys) {
      rows.add(new Plan.RowTemplate(key, columns, java.util.Collections.unmodifiableList(values),
          computedList == null ? null : java.util.Collections.unmodifiableList(computedList),
          condition));
    }
    return new Plan.Write(table, WriteKind.UPDATE, List.copyOf(rows), operands.parameterTypes());
  }

  Plan.Write delete(SqlDelete delete) {
    TableRef ref = TableRef.target(catalog, delete.getTargetTable(), delete.getAlias(), text,
        "DELETE");
    List<SqlNode> rest = new ArrayList<>();
    List<List<Operand>> keys = keys(ref, delete.getCondition(), "DELETE", delete, rest);
    RowExpr condition = rest.isEmpty() ? null
        : new RowExprPlanner(ref, operands, text, "DELETE").condition(rest);
    List<Plan.RowTemplate> rows = new ArrayList<>(keys.size());
    for (List<Operand> key : keys) {
      rows.add(new Plan.RowTemplate(key, new int[0], List.of(), null, condition));
    }
    return new Plan.Write(ref.schema(), WriteKind.DELETE, List.copyOf(rows),
        operands.parameterTypes());
  }

  /** Column indexes of an INSERT's column list, or all columns in order when there is none. */
  private static int[] targets(TableRef ref, SqlNodeList columnList) {
    if (columnList == null) {
      return ref.schema().visibleColumnIds();
    }
    int[] targets = new int[columnList.size()];
    for (int i = 0; i < targets.length; i++) {
      SqlIdentifier id = (SqlIdentifier) columnList.get(i);
      targets[i] = ref.column(id);
      for (int j = 0; j < i; j++) {
        if (targets[j] == targets[i]) {
          throw SourceText.error(SqlState.DUPLICATE_COLUMN, "column "
              + ref.schema().column(targets[i]).name() + " is listed twice", id);
        }
      }
    }
    return targets;
  }

  /** 23502 for a column that needs a value and is not listed. */
  private static void checkUnlisted(TableSchema table, WriteKind kind, int[] targets,
      SqlNode at) {
    boolean[] listed = new boolean[table.columnCount()];
    for (int t : targets) {
      listed[t] = true;
    }
    for (int c = 0; c < listed.length; c++) {
      ColumnDef column = table.column(c);
      if (listed[c] || column.dropped()) {
        continue;
      }
      if (table.isKeyColumn(c)) {
        throw SourceText.error(SqlState.NOT_NULL_VIOLATION, kind + " needs a value for key column "
            + column.name(), at);
      }
      if (kind == WriteKind.INSERT && !column.nullable()) {
        throw SourceText.error(SqlState.NOT_NULL_VIOLATION, "INSERT needs a value for NOT NULL"
            + " column " + column.name(), at);
      }
    }
  }

  private Operand value(SqlNode node, ColumnDef column, TableSchema table, int c) {
    Operand operand = operands.forColumn(node, column);
    if (operand instanceof Operand.Literal literal && literal.value() == null
        && !column.nullable()) {
      String what = table.isKeyColumn(c) ? "key column " : "NOT NULL column ";
      throw SourceText.error(SqlState.NOT_NULL_VIOLATION, "NULL is not allowed in " + what
          + column.name(), node);
    }
    return operand;
  }

  private static Plan.RowTemplate template(TableSchema table, TreeMap<Integer, Operand> written) {
    List<Operand> key = new ArrayList<>(table.keyColumns().size());
    for (int k : table.keyColumns()) {
      key.add(written.get(k));
    }
    return new Plan.RowTemplate(List.copyOf(key), columns(written),
        List.copyOf(written.values()));
  }

  private static int[] columns(TreeMap<Integer, Operand> written) {
    return written.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The keys an UPDATE or DELETE names by its WHERE (equalities or IN lists on every key
   * column); its other conjuncts go to {@code rest}.
   */
  private List<List<Operand>> keys(TableRef ref, SqlNode where, String verb, SqlNode statement,
      List<SqlNode> rest) {
    if (where == null) {
      throw fullKeyOnly(verb, ref, "a " + verb + " without WHERE", statement);
    }
    KeyConditions conditions = new KeyConditions(ref, operands, text, true,
        (what, at) -> fullKeyOnly(verb, ref, what, at));
    return conditions.keys(where, rest);
  }

  private static MeridianException fullKeyOnly(String verb, TableRef ref, String what,
      SqlNode at) {
    List<String> key = new ArrayList<>();
    for (int k : ref.schema().keyColumns()) {
      key.add(ref.schema().column(k).name() + " = ...");
    }
    return new NeedsQuery(verb + " names no single row by WHERE " + String.join(" AND ", key)
        + " (" + what + ")", at);
  }
}
