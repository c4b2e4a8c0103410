package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.Counter;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.RowMerge;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.RowExprs;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.WriteKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one client write does to its row on the partition owner, as plain code: the existence
 * check of its kind, the condition and computed values evaluated on the row as merged there, a
 * stamp above every stamp the row holds, the merge of the write's fragment, and residency's
 * refusal or move. {@link WriteProcessor} runs it inside Hazelcast's entry operation; the
 * replication simulation runs the same code on its own rows.
 *
 * <p>Expiry ({@link Expiry}): a row of a table with a ttl column whose time has passed is, to
 * the write, absent. An UPDATE or DELETE counts 0; an INSERT or UPSERT writes as onto an absent
 * row: its cells go above a tombstone that covers every cell the row held, so no column of the
 * expired row (its ttl value included) shows through. The sweep's delete ({@link #sweep})
 * re-checks expiry here, against the row as it is now: a row written since with a later time
 * is left alone.
 *
 * <p>Immutable; {@link #apply} is a function of its arguments except for the stamps it takes
 * from the clock.
 */
public final class OwnerWrite {

  /**
   * What the write decided.
   *
   * @param result the outcome to answer, with what a move out of this region ships
   * @param stored the row bytes to store, or null when nothing changes here
   * @param fragment what the write itself wrote (its cells or tombstone, with its stamp), or
   *     null when it wrote nothing
   */
  public record Result(WriteResult result, byte[] stored, StoredRow fragment) {

    Result(WriteResult result, byte[] stored) {
      this(result, stored, null);
    }

    /** The row's outcome. */
    public RowOutcome outcome() {
      return result.outcome();
    }

    /** For a move out of this region, the full row to store in {@link #movedTo()}; else null. */
    public byte[] moved() {
      return result.moved();
    }

    /** For a move out of this region, the regions the row may now live in. */
    public List<String> movedTo() {
      return result.movedTo();
    }

    /** For a move out of this region, the tombstone to store here once the row arrived. */
    public Stamp moveTombstone() {
      return result.tombstone();
    }
  }

  private final WriteKind kind;
  private final ConflictResolution resolution;
  private final int[] columns;
  private final byte[][] values;
  private final TableSchema schema;
  private final RowExpr[] computed;
  private final RowExpr condition;
  private final int ttlColumn;
  private final long now;
  private final boolean sweep;

  /**
   * A write of {@code values} (encoded) into {@code columns}, ascending; {@code schema},
   * {@code computed} and {@code condition} only for a write that reads its row (null
   * otherwise), as {@link CheckedWrite} describes them.
   */
  public OwnerWrite(WriteKind kind, ConflictResolution resolution, int[] columns,
      byte[][] values, TableSchema schema, RowExpr[] computed, RowExpr condition) {
    this(kind, resolution, columns, values, schema, computed, condition, TableSchema.NO_TTL,
        Expiry.NEVER, false);
  }

  /**
   * As the plain constructor, judging expiry of the row by its {@code ttlColumn} at
   * {@code now} ({@link Expiry#NEVER} or {@link TableSchema#NO_TTL} for none).
   */
  public OwnerWrite(WriteKind kind, ConflictResolution resolution, int[] columns,
      byte[][] values, TableSchema schema, RowExpr[] computed, RowExpr condition, int ttlColumn,
      long now) {
    this(kind, resolution, columns, values, schema, computed, condition, ttlColumn, now, false);
  }

  private OwnerWrite(WriteKind kind, ConflictResolution resolution, int[] columns,
      byte[][] values, TableSchema schema, RowExpr[] computed, RowExpr condition, int ttlColumn,
      long now, boolean sweep) {
    this.ttlColumn = ttlColumn;
    this.now = now;
    this.sweep = sweep;
    this.kind = kind;
    this.resolution = resolution;
    this.columns = columns;
    this.values = values;
    this.schema = schema;
    this.computed = computed;
    this.condition = condition;
  }

  /**
   * The sweep's delete of a row it found expired: a stamped tombstone if the row, as the owner
   * holds it, is still expired at {@code now}; else nothing ("not found").
   */
  public static OwnerWrite sweep(ConflictResolution resolution, int ttlColumn, long now) {
    return new OwnerWrite(WriteKind.DELETE, resolution, new int[0], new byte[0][], null, null,
        null, ttlColumn, now, true);
  }

  /**
   * Applies the write to {@code row}, the current state of {@code key}.
   *
   * @param pin the table's residency pin, or null when its rows may live anywhere
   * @param here this region's name (for residency)
   * @throws MeridianException a SQL error of a computed value ({@code 22xxx}, {@code 23502})
   */
  public Result apply(StoredRow row, byte[] key, HybridClock clock, Residency.Pin pin,
      String here) {
    boolean expired = row.isVisible() && Expiry.expired(row, ttlColumn, now);
    if (sweep) {
      if (!expired) {
        return new Result(new WriteResult(RowOutcome.notFound()), null);
      }
      StoredRow tombstone = StoredRow.deleted(clock.stampAfter(row.maxStamp()));
      return new Result(new WriteResult(RowOutcome.applied(tombstone.tombstone())),
          RowFormat.encode(RowMerge.merge(row, tombstone, resolution)), tombstone);
    }
    if (expired) {
      // Absent to this write: its cells go above a tombstone over every cell the row held.
      StoredRow buried = StoredRow.deleted(clock.stampAfter(row.maxStamp()));
      Result r = apply(RowMerge.merge(row, buried, resolution), key, clock, pin, here);
      return r.fragment() == null ? r : new Result(r.result(), r.stored(),
          RowMerge.merge(buried, r.fragment(), resolution));
    }
    boolean visible = row.isVisible();
    if (kind == WriteKind.INSERT && visible) {
      return new Result(new WriteResult(RowOutcome.duplicate()), null);
    }
    if ((kind == WriteKind.UPDATE || kind == WriteKind.DELETE) && !visible) {
      return new Result(new WriteResult(RowOutcome.notFound()), null);
    }
    Object[] current = null;
    if (schema != null) {
      current = row.visibleValues(schema.columnCount());
      if (condition != null && !RowExprs.holds(condition, current)) {
        return new Result(new WriteResult(RowOutcome.notFound()), null);
      }
    }
    Stamp stamp = clock.stampAfter(row.maxStamp());
    byte[][] values = computed == null ? this.values : compute(row, current, stamp);
    StoredRow fragment = fragment(row, stamp, values);
    StoredRow merged = RowMerge.merge(row, fragment, resolution);
    if (pin != null && kind != WriteKind.DELETE) {
      Set<String> now = pin.allowed(merged, key);
      boolean mayStayHere = Residency.contains(now, here);
      if (!visible && !mayStayHere) {
        Object value = pin.byKey() ? null : pin.decidingValue(merged);
        return new Result(new WriteResult(RowOutcome.failed(SqlState.RESIDENCY_VIOLATION,
            pin.violation(value, now, here).getMessage())), null);
      }
      if (visible && (!mayStayHere || !Objects.equals(now, pin.allowed(row, key)))) {
        return move(clock, row, merged, now, mayStayHere);
      }
    }
    return new Result(new WriteResult(RowOutcome.applied(stamp)), RowFormat.encode(merged),
        fragment);
  }

  /**
   * Moves a row whose deciding value now pins it to other regions: a tombstone above every
   * stamp it holds, then the whole visible row restamped above the tombstone, so the new
   * regions get every cell (not only the ones this write set) and the old ones, receiving the
   * tombstone, drop theirs; under last-writer-wins the restamped row beats the tombstone
   * wherever both arrive.
   */
  private Result move(HybridClock clock, StoredRow row, StoredRow merged, Set<String> now,
      boolean mayStayHere) {
    Stamp tombstone = clock.stampAfter(merged.maxStamp());
    Stamp rewritten = clock.stampAfter(tombstone);
    List<Cell> cells = new ArrayList<>();
    for (Cell c : merged.visibleCells()) {
      cells.add(c.withStamp(rewritten));
    }
    StoredRow moved = StoredRow.of(tombstone, cells);
    if (mayStayHere) {
      return new Result(new WriteResult(RowOutcome.applied(rewritten)),
          RowFormat.encode(RowMerge.merge(row, moved, resolution)));
    }
    return new Result(new WriteResult(RowOutcome.applied(rewritten), RowFormat.encode(moved),
        tombstone, new ArrayList<>(now)), null);
  }

  /**
   * The encoded values of the write, the computed ones worked out against the current row: a
   * plain column takes its expression's value coerced to the column's type; a COUNTER takes
   * this region's contribution moved by the increment, stamped with the write's stamp.
   */
  private byte[][] compute(StoredRow row, Object[] current, Stamp stamp) {
    byte[][] out = values.clone();
    for (int i = 0; i < columns.length; i++) {
      RowExpr expr = computed[i];
      if (expr == null) {
        continue;
      }
      ColumnDef column = schema.column(columns[i]);
      if (column.type().kind() == TypeKind.COUNTER) {
        out[i] = increment(row, column, columns[i], expr, current, stamp);
        continue;
      }
      Object value = column.type().coerce(RowExprs.eval(expr, current));
      if (value == null && !column.nullable()) {
        throw new MeridianException(SqlState.NOT_NULL_VIOLATION, "column " + column.name()
            + " is NOT NULL but the UPDATE computes NULL for it");
      }
      out[i] = TableKey.encodeValue(value);
    }
    return out;
  }

  private static byte[] increment(StoredRow row, ColumnDef column, int index, RowExpr expr,
      Object[] current, Stamp stamp) {
    RowExpr.Call call = CheckedWrite.increment(expr, index);
    Object delta = ColumnType.of(TypeKind.BIGINT).coerce(RowExprs.eval(call.args().get(1),
        current));
    if (delta == null) {
      throw new MeridianException(SqlState.NULL_VALUE_NOT_ALLOWED, "the increment of COUNTER "
          + column.name() + " is NULL");
    }
    Cell cell = row.cell(index);
    Counter counter = cell != null && cell.isCounter() && row.isVisible(cell) ? cell.counter()
        : null;
    long mine = counter == null ? 0 : counter.contribution(stamp.origin());
    long others = counter == null ? 0 : counter.sum() - mine;
    try {
      long step = (Long) delta;
      long next = call.fn() == RowExpr.Fn.ADD ? Math.addExact(mine, step)
          : Math.subtractExact(mine, step);
      Math.addExact(others, next);
      return Counter.of(stamp, next).encode();
    } catch (ArithmeticException e) {
      throw new MeridianException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "COUNTER "
          + column.name() + " would leave the range of BIGINT", e);
    }
  }

  private StoredRow fragment(StoredRow row, Stamp stamp, byte[][] values) {
    if (kind == WriteKind.DELETE) {
      return StoredRow.deleted(stamp);
    }
    if (resolution != ConflictResolution.ROW) {
      return StoredRow.written(stamp, columns, values);
    }
    Map<Integer, byte[]> image = new TreeMap<>();
    for (Cell c : row.visibleCells()) {
      image.put(c.column(), c.encodedValue());
    }
    for (int i = 0; i < columns.length; i++) {
      image.put(columns[i], values[i]);
    }
    int[] cols = new int[image.size()];
    byte[][] vals = new byte[image.size()][];
    int i = 0;
    for (Map.Entry<Integer, byte[]> e : image.entrySet()) {
      cols[i] = e.getKey();
      vals[i] = e.getValue();
      i++;
    }
    return StoredRow.written(stamp, cols, vals);
  }

}
