/**
 * The peer's data directory: a write-ahead log of what its Hazelcast member stores as
 * partition owner, checksummed and group-committed, and its replay at start.
 *
 * <p>This package is below {@code storage}: it knows map names and opaque keys and values,
 * never rows or tables; {@code storage} decides which maps are logged and how a replayed row
 * merges into the region.
 */
package dev.meridian.peer.internal.disk;
