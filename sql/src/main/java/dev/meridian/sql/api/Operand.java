package dev.meridian.sql.api;

import dev.meridian.protocol.types.ColumnType;

/**
 * A value in a plan: a literal already coerced to its column's type, or a {@code ?} parameter
 * to be bound and coerced at execution.
 */
public sealed interface Operand {

  /** Resolves this operand against bound parameter values (0-based array). */
  Object resolve(Object[] parameters);

  /** A literal, already in the canonical form of its target type. */
  record Literal(Object value) implements Operand {
    @Override
    public Object resolve(Object[] parameters) {
      return value;
    }
  }

  /**
   * The {@code index}-th {@code ?} of the statement (0-based), coerced to {@code type} when
   * resolved.
   */
  record Parameter(int index, ColumnType type) implements Operand {
    @Override
    public Object resolve(Object[] parameters) {
      return type.coerce(parameters[index]);
    }
  }
}
