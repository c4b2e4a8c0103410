/**
 * Capacity limits per table and region, enforced by each peer of the serving region on the
 * requests that its region's applications send: a token bucket per table and direction (write,
 * read) holding this peer's share of the region's limit, the last minute's consumption, and
 * the meters. Records applied from other regions, repair, backfill and residency moves never
 * pass through here. Depends on {@code storage}'s table definitions only through
 * {@code protocol}'s {@code TableSchema}; nothing below it depends on this package.
 */
package dev.meridian.peer.internal.capacity;
