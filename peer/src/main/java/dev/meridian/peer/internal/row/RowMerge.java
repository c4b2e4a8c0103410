package dev.meridian.peer.internal.row;

import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.Arrays;

/**
 * The merge (join) of two {@link StoredRow}s: the one function that applies a write, local or
 * remote, to a stored row.
 *
 * <p>Both resolutions first join per cell and per tombstone:
 * <ul>
 *   <li>tombstone: the higher of the two (absent is lowest);
 *   <li>each column: the cell with the higher stamp. Stamps are unique per write, so equal
 *       stamps mean equal values; should they ever differ (a corrupt or hostile peer), the
 *       value whose encoding is greater as unsigned bytes wins, which keeps the merge a join.
 *   <li>a COUNTER column ({@link Counter}): per region, the higher-stamped contribution; the
 *       tombstone drops the contributions stamped at or below it. This is the cell rule applied
 *       per (column, region), so everything below holds for counters too.
 * </ul>
 * and then keep the result in normal form, dropping what can never be visible again:
 * <ul>
 *   <li>{@link ConflictResolution#CELL}: drop cells whose stamp is not above the tombstone.
 *   <li>{@link ConflictResolution#ROW}: let {@code M} be the highest stamp in the result
 *       (tombstone included). Keep only the cells whose stamp is {@code M} and above the
 *       tombstone. The row is then exactly the write with the highest stamp: its cells if it
 *       was a write, nothing if it was a DELETE. Writes to ROW tables store a full image of
 *       the row (see the write path), so this is DynamoDB's item-level last-writer-wins.
 * </ul>
 * Why this is still a join: in either mode the normal form of a set of fragments depends only
 * on the global per-column maxima, the global tombstone and the global {@code M}; a cell
 * dropped early had a stamp below a tombstone or below an {@code M} that only grows, so it
 * would have been dropped at the end too. Hence merge is commutative, associative and
 * idempotent on normal-form rows, and any order of delivery, with duplicates, gives the same
 * bytes ({@code RowMergeTest} checks this by property).
 *
 * <p>Pure, stateless and thread-safe.
 */
public final class RowMerge {
  private RowMerge() {}

  /** Joins two rows of a table with the given resolution; the result is in normal form. */
  public static StoredRow merge(StoredRow a, StoredRow b, ConflictResolution resolution) {
    Stamp tombstone = maxNullable(a.tombstone(), b.tombstone());
    Cell[] joined = new Cell[a.cellCount() + b.cellCount()];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < a.cellCount() || j < b.cellCount()) {
      Cell x = i < a.cellCount() ? a.cellAt(i) : null;
      Cell y = j < b.cellCount() ? b.cellAt(j) : null;
      Cell pick;
      if (y == null || (x != null && x.column() < y.column())) {
        pick = x;
        i++;
      } else if (x == null || y.column() < x.column()) {
        pick = y;
        j++;
      } else {
        pick = winner(x, y);
        i++;
        j++;
      }
      if (pick.isCounter() && tombstone != null) {
        Counter kept = pick.counter().after(tombstone);
        pick = kept == null ? null : Cell.counter(pick.column(), kept);
      }
      if (pick != null && (tombstone == null || pick.stamp().after(tombstone))) {
        joined[n++] = pick;
      }
    }
    if (resolution == ConflictResolution.ROW && n > 0) {
      Stamp max = joined[0].stamp();
      for (int k = 1; k < n; k++) {
        max = Stamp.max(max, joined[k].stamp());
      }
      int kept = 0;
      for (int k = 0; k < n; k++) {
        if (joined[k].stamp().equals(max)) {
          joined[kept++] = joined[k];
        }
      }
      n = kept;
    }
    return new StoredRow(tombstone, n == joined.length ? joined : Arrays.copyOf(joined, n));
  }

  private static Cell winner(Cell x, Cell y) {
    if (x.isCounter() && y.isCounter()) {
      Counter merged = x.counter().merge(y.counter());
      return Cell.counter(x.column(), merged);
    }
    int c = x.stamp().compareTo(y.stamp());
    if (c == 0) {
      c = Arrays.compareUnsigned(x.encodedValue(), y.encodedValue());
    }
    return c >= 0 ? x : y;
  }

  private static Stamp maxNullable(Stamp a, Stamp b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Stamp.max(a, b);
  }
}
