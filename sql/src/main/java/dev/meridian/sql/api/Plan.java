package dev.meridian.sql.api;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.WriteKind;
import java.util.List;

/**
 * What a statement does, as the planner found it: one of the records below. Plans are
 * immutable and thread-safe and may be cached and executed many times with different
 * parameters.
 */
public sealed interface Plan {

  /** Types of the statement's {@code ?} parameters, in order (empty when there are none). */
  List<ColumnType> parameterTypes();

  /** {@code CREATE TABLE}; the schema's tableId is 0. */
  record CreateTable(TableSchema schema, boolean ifNotExists) implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }
  }

  /** {@code DROP TABLE}. */
  record DropTable(String table, boolean ifExists) implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }
  }

  /**
   * {@code INSERT}, {@code UPSERT}, {@code UPDATE} or {@code DELETE} of rows named by full key.
   * For INSERT every column appears in each row (unlisted ones as NULL literals); for UPSERT
   * and UPDATE only the listed or assigned columns; for DELETE none.
   */
  record Write(TableSchema table, WriteKind kind, List<RowTemplate> rows,
      List<ColumnType> parameterTypes) implements Plan {}

  /**
   * {@code SELECT} of rows named by full key ({@code k = ?} on every key column, or
   * {@code IN} lists, whose cartesian product gives {@code keys}). Each output column is a table
   * column ({@code projection}) labelled by {@code labels}.
   */
  record PointSelect(TableSchema table, List<List<Operand>> keys, int[] projection,
      List<String> labels, List<ColumnType> parameterTypes) implements Plan {}

  /** {@code SELECT} of constants without a table ({@code SELECT 1}). */
  record Constant(List<List<Operand>> rows, List<String> labels, List<ColumnType> types,
      List<ColumnType> parameterTypes) implements Plan {}

  /**
   * One row of a {@link Write}: key operands in key order, and the written columns with their
   * operands.
   */
  record RowTemplate(List<Operand> key, int[] columns, List<Operand> values) {}
}
