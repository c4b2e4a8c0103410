package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.RowFormat;

/**
 * Decodes a stored row for a scan once, although Hazelcast hands the same entry first to the
 * {@link ScanPredicate} and then to the {@link ScanProjection}: the last decoded value is kept
 * per thread and reused when the same byte array comes again. Thread-safe (per-thread state).
 */
final class ScanRows {
  private static final ThreadLocal<ScanRows> LAST = ThreadLocal.withInitial(ScanRows::new);

  private byte[] bytes;
  private int columnCount;
  private Object[] values;

  private ScanRows() {}

  /** The row's visible values in column order, or null when no cell is visible. */
  static Object[] visible(byte[] stored, int columnCount) {
    ScanRows last = LAST.get();
    if (last.bytes != stored || last.columnCount != columnCount) {
      last.values = stored == null ? null
          : RowFormat.decode(stored).visibleValues(columnCount);
      last.bytes = stored;
      last.columnCount = columnCount;
    }
    return last.values;
  }
}
