package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.wire.ScanFilters;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order of one index's entries: by the indexed values, column by column (NULL above every
 * value, each column ascending or descending as declared), then by the row's key bytes
 * (unsigned), so no two rows share a place. A probe ({@link Entry#probe}) holds a value of the
 * first column only and sorts just before or just after every entry with that value, which is
 * how ranges on the first column become sub-maps. Immutable and thread-safe.
 */
final class IndexOrder implements Comparator<IndexOrder.Entry> {

  /**
   * One place in an index.
   *
   * @param values the indexed values, in index order (only the first for a probe)
   * @param key the row's key bytes (null for a probe)
   * @param side 0 for an entry; -1 or +1 for a probe before or after its value's entries
   */
  record Entry(Object[] values, byte[] key, int side) {
    static Entry probe(Object value, int side) {
      return new Entry(new Object[] {value}, null, side);
    }
  }

  private final boolean[] descending;
  private final int[] columns;

  IndexOrder(IndexDef def) {
    columns = new int[def.keys().size()];
    descending = new boolean[columns.length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = def.keys().get(i).column();
      descending[i] = def.keys().get(i).descending();
    }
  }

  /** The table columns the index holds, in index order. */
  int[] columns() {
    return columns;
  }

  /** Whether the index's first column is descending. */
  boolean leadsDescending() {
    return descending[0];
  }

  /** The entry of a row given its visible values in table column order. */
  Entry entry(Object[] row, byte[] key) {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      values[i] = columns[i] < row.length ? row[columns[i]] : null;
    }
    return new Entry(values, key, 0);
  }

  @Override
  public int compare(Entry a, Entry b) {
    int n = Math.min(a.values.length, b.values.length);
    for (int i = 0; i < n; i++) {
      int c = compareValues(a.values[i], b.values[i]);
      if (c != 0) {
        return descending[i] ? -c : c;
      }
    }
    if (a.side != 0 || b.side != 0) {
      return Integer.compare(a.side, b.side);
    }
    return Arrays.compareUnsigned(a.key, b.key);
  }

  /** SQL values in ascending order, NULL above every value. */
  static int compareValues(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return ScanFilters.compare(a, b);
  }
}
