package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.wire.ScanFilter;

/**
 * What one read through an index asks of each member (see
 * {@link dev.meridian.protocol.wire.Request.IndexScan}).
 *
 * @param columnCount the table's column count (to decode rows for the filter)
 * @param low lowest value of the first index column, or null for unbounded
 * @param high highest value of the first index column, or null for unbounded
 * @param primaryKey the definition of the table's implicit primary-key index when that is the
 *     index read (a member registers it on the first such read), else null
 * @param ttlColumn the table's ttl column, and {@code now} the moment rows expired at are left
 *     out ({@link Expiry})
 */
record IndexRead(long tableId, String index, int columnCount, ScanFilter filter, Object low,
    boolean lowInclusive, Object high, boolean highInclusive, boolean reverse, int limit,
    dev.meridian.protocol.types.IndexDef primaryKey, int ttlColumn, long now) {}
