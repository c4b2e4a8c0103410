package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.sql.api.Operand;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * Reads a WHERE clause that names rows by full primary key: a conjunction in which every key
 * column appears exactly once, as {@code k = value} (either side) or, where allowed,
 * {@code k IN (v, ...)} or {@code (k1, k2) IN ((v, v), ...)}. The result is the list of keys,
 * in key column order, as the cartesian product of the conditions: the condition on the first
 * key column varies slowest, values keep their written order, and literal duplicates are
 * dropped.
 *
 * <p>Anything else is {@code 0A000}, with the message chosen by the caller (UPDATE/DELETE and
 * SELECT word it differently). Not thread-safe; one instance per statement.
 */
final class KeyConditions {
  /** Upper bound on keys one statement may name, so a few IN lists cannot exhaust memory. */
  static final int MAX_KEYS = 65_536;

  private final TableRef table;
  private final Operands operands;
  private final SourceText text;
  private final boolean allowIn;
  private final BiFunction<String, SqlNode, MeridianException> unsupported;

  /** One conjunct: key positions it constrains and the tuples of operands it allows. */
  private record Condition(int[] keyPositions, List<List<Operand>> tuples) {}

  /**
   * @param allowIn whether IN lists are accepted (SELECT) or only equalities (UPDATE, DELETE)
   * @param unsupported builds the {@code 0A000} for a construct, given what to name and where
   */
  KeyConditions(TableRef table, Operands operands, SourceText text, boolean allowIn,
      BiFunction<String, SqlNode, MeridianException> unsupported) {
    this.table = table;
    this.operands = operands;
    this.text = text;
    this.allowIn = allowIn;
    this.unsupported = unsupported;
  }

  /** The keys {@code where} names; {@code where} is not null. */
  List<List<Operand>> keys(SqlNode where) {
    return keys(where, null);
  }

  /**
   * The keys {@code where} names, with its other conjuncts (conditions on non-key columns, or a
   * key column constrained again) added to {@code rest} when it is not null, instead of
   * refused.
   */
  List<List<Operand>> keys(SqlNode where, List<SqlNode> rest) {
    List<SqlNode> conjuncts = new ArrayList<>();
    flatten(where, conjuncts);
    TableSchema schema = table.schema();
    Condition[] byKeyPosition = new Condition[schema.keyColumns().size()];
    List<Condition> conditions = new ArrayList<>();
    for (SqlNode conjunct : conjuncts) {
      if (rest != null && !isKeyCondition(conjunct, byKeyPosition)) {
        rest.add(conjunct);
        continue;
      }
      Condition condition = condition(conjunct);
      for (int k : condition.keyPositions()) {
        if (byKeyPosition[k] != null) {
          throw unsupported.apply("key column " + keyName(k) + " constrained twice", conjunct);
        }
        byKeyPosition[k] = condition;
      }
      conditions.add(condition);
    }
    List<String> missing = new ArrayList<>();
    for (int k = 0; k < byKeyPosition.length; k++) {
      if (byKeyPosition[k] == null) {
        missing.add(keyName(k));
      }
    }
    if (!missing.isEmpty()) {
      throw unsupported.apply("a WHERE clause without key column "
          + String.join(", ", missing), where);
    }
    conditions.sort((a, b) -> Integer.compare(min(a.keyPositions()), min(b.keyPositions())));
    return product(conditions, byKeyPosition.length, where);
  }

  /**
   * Whether a conjunct fixes key columns not fixed yet: {@code k = value} with a value that is
   * no column, or {@code k IN (values)} where IN is allowed.
   */
  private boolean isKeyCondition(SqlNode node, Condition[] byKeyPosition) {
    List<SqlNode> columns;
    if (node.getKind() == SqlKind.EQUALS) {
      SqlNode left = ((SqlCall) node).operand(0);
      SqlNode right = ((SqlCall) node).operand(1);
      if ((left instanceof SqlIdentifier) == (right instanceof SqlIdentifier)) {
        return false;
      }
      if (!Literals.isConstant(left instanceof SqlIdentifier ? right : left)
          && Operands.parameterOf(left instanceof SqlIdentifier ? right : left) == null) {
        return false;
      }
      columns = List.of(left instanceof SqlIdentifier ? left : right);
    } else if (node.getKind() == SqlKind.IN && allowIn
        && ((SqlCall) node).operand(1) instanceof SqlNodeList) {
      SqlNode left = ((SqlCall) node).operand(0);
      columns = left.getKind() == SqlKind.ROW ? ((SqlCall) left).getOperandList() : List.of(left);
    } else {
      return false;
    }
    for (SqlNode c : columns) {
      if (!(c instanceof SqlIdentifier id)) {
        return false;
      }
      int k = table.schema().keyPosition(table.column(id));
      if (k < 0 || byKeyPosition[k] != null) {
        return false;
      }
    }
    return true;
  }

  private static void flatten(SqlNode node, List<SqlNode> out) {
    if (node.getKind() == SqlKind.AND) {
      for (SqlNode operand : ((SqlCall) node).getOperandList()) {
        flatten(operand, out);
      }
    } else {
      out.add(node);
    }
  }

  private Condition condition(SqlNode node) {
    if (node.getKind() == SqlKind.EQUALS) {
      SqlCall call = (SqlCall) node;
      SqlNode left = call.operand(0);
      SqlNode right = call.operand(1);
      boolean leftColumn = left instanceof SqlIdentifier;
      boolean rightColumn = right instanceof SqlIdentifier;
      if (leftColumn == rightColumn) {
        throw unsupported.apply("condition " + text.quote(node), node);
      }
      SqlIdentifier column = (SqlIdentifier) (leftColumn ? left : right);
      SqlNode value = leftColumn ? right : left;
      int k = keyPosition(column, node);
      return new Condition(new int[] {k}, List.of(List.of(keyOperand(value, k))));
    }
    if (node.getKind() == SqlKind.IN && allowIn) {
      return in((SqlCall) node);
    }
    throw unsupported.apply("condition " + text.quote(node), node);
  }

  private Condition in(SqlCall in) {
    SqlNode left = in.operand(0);
    if (!(in.operand(1) instanceof SqlNodeList values)) {
      throw unsupported.apply("IN with a subquery", in.operand(1));
    }
    List<SqlNode> columns = left.getKind() == SqlKind.ROW
        ? ((SqlCall) left).getOperandList() : List.of(left);
    int[] positions = new int[columns.size()];
    for (int i = 0; i < positions.length; i++) {
      if (!(columns.get(i) instanceof SqlIdentifier id)) {
        throw unsupported.apply("condition " + text.quote(in), in);
      }
      positions[i] = keyPosition(id, in);
    }
    List<List<Operand>> tuples = new ArrayList<>(values.size());
    for (SqlNode value : values) {
      List<SqlNode> parts = positions.length == 1 ? List.of(value)
          : value.getKind() == SqlKind.ROW ? ((SqlCall) value).getOperandList() : List.of(value);
      if (parts.size() != positions.length) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "IN value "
            + text.quote(value) + " has " + parts.size() + " values, not " + positions.length,
            value);
      }
      List<Operand> tuple = new ArrayList<>(parts.size());
      for (int i = 0; i < parts.size(); i++) {
        tuple.add(keyOperand(parts.get(i), positions[i]));
      }
      tuples.add(List.copyOf(tuple));
    }
    return new Condition(positions, tuples);
  }

  private int keyPosition(SqlIdentifier column, SqlNode condition) {
    int index = table.column(column);
    int k = table.schema().keyPosition(index);
    if (k < 0) {
      throw unsupported.apply("a condition on column " + table.schema().column(index).name()
          + ", which is not part of the primary key", condition);
    }
    return k;
  }

  private Operand keyOperand(SqlNode value, int keyPosition) {
    int columnIndex = table.schema().keyColumns().get(keyPosition);
    Operand operand = operands.forColumn(value, table.schema().column(columnIndex));
    if (operand instanceof Operand.Literal literal && literal.value() == null) {
      throw SourceText.error(SqlState.NULL_VALUE_NOT_ALLOWED, "key column "
          + keyName(keyPosition) + " compared with NULL never matches a row", value);
    }
    return operand;
  }

  private List<List<Operand>> product(List<Condition> conditions, int keySize, SqlNode where) {
    List<Operand[]> partial = new ArrayList<>();
    partial.add(new Operand[keySize]);
    for (Condition condition : conditions) {
      if ((long) partial.size() * condition.tuples().size() > MAX_KEYS) {
        throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "the WHERE clause names more"
            + " than " + MAX_KEYS + " keys, which is not supported", where);
      }
      List<Operand[]> next = new ArrayList<>(partial.size() * condition.tuples().size());
      for (Operand[] prefix : partial) {
        for (List<Operand> tuple : condition.tuples()) {
          Operand[] key = prefix.clone();
          for (int i = 0; i < tuple.size(); i++) {
            key[condition.keyPositions()[i]] = tuple.get(i);
          }
          next.add(key);
        }
      }
      partial = next;
    }
    List<List<Operand>> keys = new ArrayList<>(partial.size());
    Set<List<Object>> seen = new HashSet<>();
    for (Operand[] key : partial) {
      if (seen.add(identity(key))) {
        keys.add(List.of(key));
      }
    }
    return List.copyOf(keys);
  }

  /** Equality of keys by value (byte arrays by content; parameters by index). */
  private static List<Object> identity(Operand[] key) {
    List<Object> id = new ArrayList<>(key.length);
    for (Operand o : key) {
      id.add(o instanceof Operand.Literal l && l.value() instanceof byte[] b
          ? ByteBuffer.wrap(b) : o);
    }
    return id;
  }

  private String keyName(int keyPosition) {
    TableSchema schema = table.schema();
    return schema.column(schema.keyColumns().get(keyPosition)).name();
  }

  private static int min(int[] values) {
    return Arrays.stream(values).min().orElse(Integer.MAX_VALUE);
  }
}
