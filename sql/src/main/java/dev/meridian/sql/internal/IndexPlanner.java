package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;

/**
 * Finds a ready secondary index, or else the table's implicit primary-key index
 * ({@link IndexDef#primaryKey}), that serves a query of one user table, so that it reads
 * entries instead of scanning the table ({@link Plan.IndexRead}). The query must have the
 * shape {@link SystemQueryPlanner} reads (columns, a WHERE of column-to-value comparisons
 * joined by AND, ORDER BY columns, LIMIT), and either
 * <ul>
 *   <li>an ORDER BY whose columns are the index's first columns, all in the index's direction
 *       or all in the reverse one, with the default NULL order, and a LIMIT: a top-N; or
 *   <li>no ORDER BY and a comparison on the index's first column: an equality (preferred) or a
 *       range.
 * </ul>
 * Otherwise, or for anything the shape does not allow, there is no index plan and the query is
 * Calcite's. Not thread-safe; one per statement.
 */
final class IndexPlanner {
  private static final ColumnDef LIMIT = new ColumnDef("LIMIT", ColumnType.of(TypeKind.BIGINT),
      false);

  private final Catalog catalog;
  private final SourceText text;

  IndexPlanner(Catalog catalog, SourceText text) {
    this.catalog = catalog;
    this.text = text;
  }

  /**
   * The index read for a query, or null when no index serves it.
   *
   * @param orderBy the ORDER BY / LIMIT around the query, or null
   * @param general the query as Calcite plans it (run instead when an index read cannot
   *     answer: more rows than one read returns, or no such index in the serving region)
   */
  Plan.IndexRead plan(SqlSelect select, SqlOrderBy orderBy,
      java.util.function.Supplier<Plan.Query> general) {
    SqlNode offset = orderBy != null ? orderBy.offset : select.getOffset();
    SqlNode fetch = orderBy != null ? orderBy.fetch : select.getFetch();
    if (offset != null || select.getFrom() == null) {
      return null;
    }
    TableRef.Aliased aliased = TableRef.aliased(select.getFrom());
    if (aliased == null || !(aliased.table() instanceof SqlIdentifier id)
        || TableRef.isSystem(id)) {
      return null;
    }
    Operands operands = new Operands(text);
    Plan.SystemQuery shape;
    Operand limit = null;
    try {
      String name = TableRef.tableName(id, "SELECT");
      if (catalog.table(name) == null) {
        return null;
      }
      TableRef ref = new TableRef(catalog.table(name), aliased.alias());
      SqlOrderBy order = orderBy == null ? null : new SqlOrderBy(orderBy.getParserPosition(),
          orderBy.query, orderBy.orderList, null, null);
      SqlSelect bare = select;
      if (select.getFetch() != null || select.getOrderList() != null) {
        bare = (SqlSelect) select.clone(select.getParserPosition());
        if (order == null && select.getOrderList() != null) {
          order = new SqlOrderBy(select.getParserPosition(), bare, select.getOrderList(), null,
              null);
        }
        bare.setFetch(null);
        bare.setOrderBy(null);
      }
      shape = new SystemQueryPlanner(text, operands).shape(ref, bare, order);
      if (fetch != null) {
        limit = operands.forColumn(fetch, LIMIT);
      }
    } catch (MeridianException e) {
      // Not this planner's shape: Calcite plans it, and reports its errors its own way.
      return null;
    }
    List<IndexDef> candidates = new java.util.ArrayList<>(catalog.indexes(shape.table().name()));
    // Every table's key is an index of its own, kept by the peers once a read asks for it.
    candidates.add(IndexDef.primaryKey(shape.table()));
    for (IndexDef index : candidates) {
      if (!index.ready()) {
        continue;
      }
      // Without a LIMIT a read through the key could return the whole table: Calcite's scan.
      if (index.primaryKey() && limit == null) {
        continue;
      }
      Plan.IndexRead read = shape.order().isEmpty()
          ? byCondition(shape, index, limit, operands)
          : byOrder(shape, index, limit, operands);
      if (read != null) {
        return withFallback(read, general.get());
      }
    }
    return null;
  }

  private static Plan.IndexRead withFallback(Plan.IndexRead r, Plan.Query fallback) {
    return new Plan.IndexRead(r.table(), r.index(), r.projection(), r.labels(), r.filter(),
        r.low(), r.lowInclusive(), r.high(), r.highInclusive(), r.reverse(), r.limit(),
        fallback, r.parameterTypes());
  }

  private Plan.IndexRead byOrder(Plan.SystemQuery q, IndexDef index, Operand limit,
      Operands operands) {
    if (limit == null || q.order().size() > index.keys().size()) {
      return null;
    }
    Boolean reverse = null;
    for (int i = 0; i < q.order().size(); i++) {
      Plan.SortKey key = q.order().get(i);
      IndexDef.Key ik = index.keys().get(i);
      // The index keeps NULL above every value: first when descending, last when ascending.
      if (key.column() != ik.column() || key.nullsFirst() != key.descending()) {
        return null;
      }
      boolean flipped = key.descending() != ik.descending();
      if (reverse != null && reverse != flipped) {
        return null;
      }
      reverse = flipped;
    }
    return read(q, index, reverse, limit, operands);
  }

  private Plan.IndexRead byCondition(Plan.SystemQuery q, IndexDef index, Operand limit,
      Operands operands) {
    int first = index.keys().get(0).column();
    boolean bounded = q.filter().stream().anyMatch(c -> c.column() == first
        && c.op() != Plan.Comparison.Op.NE);
    return bounded ? read(q, index, false, limit, operands) : null;
  }

  private Plan.IndexRead read(Plan.SystemQuery q, IndexDef index, boolean reverse,
      Operand limit, Operands operands) {
    int first = index.keys().get(0).column();
    Operand low = null;
    Operand high = null;
    boolean lowInclusive = false;
    boolean highInclusive = false;
    // One bound a side is enough: every comparison is checked on each row anyway. An equality
    // bounds both sides and wins.
    for (Plan.Comparison c : q.filter()) {
      if (c.column() != first) {
        continue;
      }
      switch (c.op()) {
        case EQ -> {
          low = c.value();
          high = c.value();
          lowInclusive = true;
          highInclusive = true;
        }
        case GT, GE -> {
          if (low == null) {
            low = c.value();
            lowInclusive = c.op() == Plan.Comparison.Op.GE;
          }
        }
        case LT, LE -> {
          if (high == null) {
            high = c.value();
            highInclusive = c.op() == Plan.Comparison.Op.LE;
          }
        }
        default -> { }
      }
    }
    return new Plan.IndexRead(q.table(), index, q.projection(), q.labels(), q.filter(), low,
        lowInclusive, high, highInclusive, reverse, limit, null, operands.parameterTypes());
  }

  /** The lines {@code EXPLAIN PLAN FOR} shows for a plan. */
  static List<String> explain(Plan plan) {
    if (plan instanceof Plan.IndexRead r) {
      StringBuilder range = new StringBuilder();
      range.append(r.low() == null ? "(-inf" : (r.lowInclusive() ? "[" : "(") + show(r.low()))
          .append(", ")
          .append(r.high() == null ? "+inf)" : show(r.high()) + (r.highInclusive() ? "]" : ")"));
      StringBuilder keys = new StringBuilder();
      for (IndexDef.Key k : r.index().keys()) {
        keys.append(keys.length() == 0 ? "" : ", ")
            .append(r.table().column(k.column()).name()).append(k.descending() ? " DESC" : "");
      }
      String limit = r.limit() == null ? "none" : show(r.limit());
      String name = r.index().primaryKey() ? "PRIMARY KEY" : r.index().name();
      return List.of(
          "IndexRead(table=" + r.table().name() + ", index=" + name + " (" + keys
              + "), direction=" + (r.reverse() ? "reverse" : "forward") + ", range="
              + r.index().table() + "." + r.table().column(r.index().keys().get(0).column())
              .name() + " in " + range + ", limit=" + limit + ")",
          "  filter: " + (r.filter().isEmpty() ? "none" : describe(r)),
          "  each member of the serving region walks the index over the partitions it owns and"
              + " returns at most limit rows; the serving peer merges them (no table scan)");
    }
    if (plan instanceof Plan.PointSelect p) {
      return List.of("PointRead(table=" + p.table().name() + ", keys=" + p.keys().size()
          + ")");
    }
    if (plan instanceof Plan.SystemQuery q) {
      return List.of("SystemTableRead(table=" + q.table().name() + ")");
    }
    if (plan instanceof Plan.Constant) {
      return List.of("Values");
    }
    if (plan instanceof Plan.Query) {
      return List.of("Query(Calcite over scans of the serving region's tables; filters pushed"
          + " to the peers; no index)");
    }
    return List.of(plan.getClass().getSimpleName());
  }

  private static String describe(Plan.IndexRead r) {
    StringBuilder b = new StringBuilder();
    for (Plan.Comparison c : r.filter()) {
      b.append(b.length() == 0 ? "" : " AND ").append(r.table().column(c.column()).name())
          .append(' ').append(c.op().sql()).append(' ').append(show(c.value()));
    }
    return b.toString();
  }

  private static String show(Operand o) {
    return o instanceof Operand.Parameter p ? "?" + (p.index() + 1)
        : String.valueOf(((Operand.Literal) o).value());
  }
}
