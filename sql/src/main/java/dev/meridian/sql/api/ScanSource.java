package dev.meridian.sql.api;

import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ScanFilter;

/**
 * Where the rows of a general query come from: the driver implements it with scans of the
 * serving region ({@link dev.meridian.protocol.wire.Request.Scan}), Calcite
 * ({@link QueryConnections}) pulls from it. Implementations must be thread-safe; each cursor is
 * used by one thread.
 */
public interface ScanSource {

  /**
   * Starts a scan of a table.
   *
   * @param columns the table columns wanted, in this order
   * @param filter the condition rows must meet, or null for every row
   */
  Cursor open(TableSchema table, int[] columns, ScanFilter filter);

  /** The rows of one scan, pulled one at a time. Not thread-safe. */
  interface Cursor extends AutoCloseable {
    /** The next row's canonical values in the asked column order, or null after the last. */
    Object[] next();

    /** Stops the scan early; idempotent. */
    @Override
    void close();
  }
}
