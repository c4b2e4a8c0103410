package dev.meridian.sql.api;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowExpr;
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

  /**
   * {@code CREATE USER name [IF NOT EXISTS] WITH PASSWORD '…'} ({@code create}) or
   * {@code ALTER USER name WITH PASSWORD '…'}. The executor turns the password into a SCRAM
   * verifier before anything leaves the driver.
   */
  record SetUser(String user, String password, boolean create, boolean ifNotExists)
      implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }

    /** Never the password. */
    @Override
    public String toString() {
      return "SetUser[" + user + (create ? ", create" : ", alter") + "]";
    }
  }

  /** {@code DROP USER [IF EXISTS] name}. */
  record DropUser(String user, boolean ifExists) implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }
  }

  /**
   * {@code GRANT}/{@code REVOKE} of table privileges (bits of
   * {@link dev.meridian.protocol.auth.Privilege}) on one table or on every table
   * ({@code table} is {@value dev.meridian.protocol.auth.UserRecord#ALL_TABLES}), or of the
   * {@code ADMIN} right.
   */
  record Grant(String user, String table, int privileges, boolean admin, boolean revoke)
      implements Plan {
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
   * {@code ALTER TABLE}: replace the definition of {@code table}, planned at the version it had,
   * by {@code next} (one version later); or, when {@code next} is null, nothing to do
   * ({@code ADD COLUMN IF NOT EXISTS} of a column that exists, {@code DROP COLUMN IF EXISTS} of
   * one that does not), with {@code notice} saying so.
   */
  record AlterTable(String table, TableSchema next, String notice) implements Plan {
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
   * {@code SELECT} from a system table in schema {@code MERIDIAN}
   * ({@link dev.meridian.protocol.types.SystemTables}). The serving peer computes the whole
   * table, which holds a few rows per region; the executor then keeps the rows that pass every
   * comparison of {@code filter}, sorts them by {@code order} (stable: rows equal on every sort
   * key keep the peer's order), keeps the first {@code limit} and projects each onto
   * {@code projection} ({@code table}'s column indexes, labelled by {@code labels}).
   *
   * @param limit how many rows to return at most, or -1 for all
   */
  record SystemQuery(TableSchema table, int[] projection, List<String> labels,
      List<Comparison> filter, List<SortKey> order, long limit,
      List<ColumnType> parameterTypes) implements Plan {}

  /**
   * One condition of a {@link SystemQuery}'s filter: {@code column op value}. The value is
   * coerced to the column's type, so both sides compare as values of that type; like SQL, a
   * comparison involving NULL holds for no row.
   *
   * @param column the index of the compared column in the table
   */
  record Comparison(int column, Op op, Operand value) {

    /** A comparison operator. */
    public enum Op {
      EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

      private final String sql;

      Op(String sql) {
        this.sql = sql;
      }

      /** The operator as SQL writes it. */
      public String sql() {
        return sql;
      }

      /** The operator with its operands swapped: {@code 1 < a} is {@code a > 1}. */
      public Op flipped() {
        return switch (this) {
          case LT -> GT;
          case LE -> GE;
          case GT -> LT;
          case GE -> LE;
          default -> this;
        };
      }

      /** Whether the operator holds for a {@code compareTo} result of left against right. */
      public boolean holds(int comparison) {
        return switch (this) {
          case EQ -> comparison == 0;
          case NE -> comparison != 0;
          case LT -> comparison < 0;
          case LE -> comparison <= 0;
          case GT -> comparison > 0;
          case GE -> comparison >= 0;
        };
      }
    }
  }

  /**
   * One key of a {@link SystemQuery}'s order.
   *
   * @param column the index of the column in the table (not in the projection)
   * @param descending whether larger values come first
   * @param nullsFirst whether NULLs come before every value (the default: only when descending,
   *     as NULL sorts above every value)
   */
  record SortKey(int column, boolean descending, boolean nullsFirst) {}

  /**
   * Any other query, run by Calcite over scans of the serving region's replica
   * ({@link QueryConnections}): the statement as written, validated against the catalog.
   *
   * @param columns the result's columns, in order
   */
  record Query(String sql, List<QueryColumn> columns, List<ColumnType> parameterTypes)
      implements Plan {}

  /**
   * One column of a {@link Query}'s result.
   *
   * @param label the column's label ({@code AS} name, else what Calcite derives)
   * @param table the table it is read from unchanged, or "" when computed
   * @param column the column's name in that table, or the label when computed
   * @param nullable whether it may be NULL
   */
  record QueryColumn(String label, String table, String column, ColumnType type,
      boolean nullable) {}

  /**
   * {@code UPDATE} or {@code DELETE} on a condition that does not name one row: {@code query}
   * (a {@link Query}) finds the rows in the serving region, reading their key columns first
   * and then one column per assignment whose value it computes; each row is then written by
   * key like a {@link Write}, one at a time, not atomically as a whole.
   *
   * <p>When the condition and every computed assignment can be evaluated by the row's owner,
   * {@code condition} and {@code computed} are set instead of query columns: each found row is
   * then written with the statement's condition checked again and its values computed in the
   * write step ({@link RowTemplate}), so a row changed between the scan and its write is
   * judged as it is then, and concurrent increments are not lost.
   *
   * @param queryParameters for each {@code ?} of the query in order, the index of the
   *     statement's parameter it stands for
   * @param columns the assigned columns (none for DELETE), ascending
   * @param values per assigned column, the operand to write, or null when the query or
   *     {@code computed} computes it (in the query: the next query column after the key and
   *     earlier computed ones)
   * @param computed null, or per assigned column the expression the row's owner computes it
   *     with (null where {@code values} has the operand)
   * @param condition null, or the statement's WHERE as the row's owner checks it
   */
  record ScanWrite(TableSchema table, WriteKind kind, Query query, int[] queryParameters,
      int[] columns, List<Operand> values, List<ColumnType> parameterTypes,
      List<RowExpr> computed, RowExpr condition) implements Plan {}

  /**
   * {@code CREATE INDEX}: the index as the serving region will store it (its table's current
   * incarnation id; {@code ready} false until the region has built it).
   */
  record CreateIndex(IndexDef index, boolean ifNotExists) implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }
  }

  /** {@code DROP INDEX}. */
  record DropIndex(String name, boolean ifExists) implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }
  }

  /**
   * A {@code SELECT} from one table served by a secondary index of the serving region instead
   * of a scan: the rows whose first index column lies between {@code low} and {@code high}
   * (null operands: unbounded), walked in the index's order or its reverse, each checked
   * against every comparison of {@code filter} (which includes the bounds), at most
   * {@code limit} of them. A top-N ({@code ORDER BY <indexed> LIMIT n}) is such a walk: each
   * member of the region returns at most n rows and the serving peer merges them.
   *
   * @param limit how many rows at most, or null for all
   * @param fallback the same statement as a general query, run instead when the read could
   *     return more rows than one index read holds, or the serving region lacks the index
   */
  record IndexRead(TableSchema table, IndexDef index, int[] projection, List<String> labels,
      List<Comparison> filter, Operand low, boolean lowInclusive, Operand high,
      boolean highInclusive, boolean reverse, Operand limit, Query fallback,
      List<ColumnType> parameterTypes) implements Plan {}

  /**
   * {@code EXPLAIN PLAN FOR <statement>}: the plan of the statement, which is not run, and its
   * description, one line per row. It takes no parameters: a {@code ?} of the statement is
   * shown, not bound.
   */
  record Explain(Plan plan, List<String> lines) implements Plan {
    @Override
    public List<ColumnType> parameterTypes() {
      return List.of();
    }
  }

  /**
   * One row of a {@link Write}: key operands in key order, and the written columns with their
   * operands. An UPDATE or DELETE by key may also read the row it writes: {@code computed}
   * gives, per written column, an expression over the row's current cells (null where
   * {@code values} has the operand, whose entry is then null), and {@code condition} a
   * predicate on the row; the row's owner evaluates both in the step that writes it, so no
   * other write comes between the read and the write.
   *
   * @param computed null when nothing is computed, else one entry per written column
   * @param condition null, or the predicate beyond the key that the row must satisfy
   */
  record RowTemplate(List<Operand> key, int[] columns, List<Operand> values,
      List<RowExpr> computed, RowExpr condition) {

    /** A row that writes operands and reads nothing. */
    public RowTemplate(List<Operand> key, int[] columns, List<Operand> values) {
      this(key, columns, values, null, null);
    }
  }
}
