package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.sql.api.Operand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Turns the value nodes of one statement into {@link Operand}s and collects the types of its
 * {@code ?} parameters, by their 0-based index (Calcite numbers them in text order).
 *
 * <p>Not thread-safe: one instance per planning of one statement.
 */
final class Operands {
  private final Literals literals;
  private ColumnType[] parameterTypes = new ColumnType[0];

  Operands(SourceText text) {
    this.literals = new Literals(text);
  }

  Literals literals() {
    return literals;
  }

  /**
   * The operand for a value written to or compared with a column: a {@code ?} (also inside a
   * CAST) takes the column's type; a constant is coerced to it now, so a bad literal fails at
   * planning with its {@code 22xxx} state and position.
   */
  Operand forColumn(SqlNode node, ColumnDef column) {
    SqlDynamicParam parameter = parameterOf(node);
    if (parameter != null) {
      return parameter(parameter, column.type());
    }
    Object value = literals.evaluate(node).value();
    return new Operand.Literal(Literals.coerce(column.type(), value, node, column.name()));
  }

  /** A {@code ?} typed by a CAST, for places without a column ({@code SELECT CAST(? AS INT)}). */
  Operand castParameter(SqlCall cast, SourceText text) {
    ColumnType type = TypeMapping.columnType((SqlDataTypeSpec) cast.operand(1), text);
    return parameter(parameterOf(cast), type);
  }

  /** The {@code ?} a node is, directly or as {@code CAST(? AS type)}, or null. */
  static SqlDynamicParam parameterOf(SqlNode node) {
    if (node instanceof SqlDynamicParam p) {
      return p;
    }
    if (node.getKind() == SqlKind.CAST && ((SqlCall) node).operand(0) instanceof SqlDynamicParam p) {
      return p;
    }
    return null;
  }

  /** Gives a {@code ?} the type its place in an expression implies. */
  Operand.Parameter typed(SqlDynamicParam parameter, ColumnType type) {
    return parameter(parameter, type);
  }

  private Operand.Parameter parameter(SqlDynamicParam parameter, ColumnType type) {
    int index = parameter.getIndex();
    if (index >= parameterTypes.length) {
      parameterTypes = Arrays.copyOf(parameterTypes, index + 1);
    }
    parameterTypes[index] = type;
    return new Operand.Parameter(index, type);
  }

  /** One more than the highest parameter index typed so far. */
  int parameterCount() {
    return parameterTypes.length;
  }

  /** Copies the types known so far into {@code into} by index (gaps stay as they are). */
  void typesInto(ColumnType[] into) {
    for (int i = 0; i < parameterTypes.length && i < into.length; i++) {
      if (parameterTypes[i] != null) {
        into[i] = parameterTypes[i];
      }
    }
  }

  /** The parameter types in {@code ?} order; every {@code ?} must have been typed. */
  List<ColumnType> parameterTypes() {
    List<ColumnType> types = new ArrayList<>(parameterTypes.length);
    for (int i = 0; i < parameterTypes.length; i++) {
      if (parameterTypes[i] == null) {
        // Every ? is visited by the planner or rejected, so a gap is a planner bug.
        throw new MeridianException(SqlState.INTERNAL_ERROR,
            "parameter " + (i + 1) + " was not given a type");
      }
      types.add(parameterTypes[i]);
    }
    return List.copyOf(types);
  }
}
