package dev.meridian.protocol.wire;

/**
 * One change record (DESIGN.md): what writes did to one row of one table, as the row fragment
 * a receiver merges into its replica. The fragment is opaque here: the peer's row format
 * (cells with their stamps, and a row tombstone), which only peers read.
 *
 * @param tableId the table incarnation
 * @param key the canonical key bytes
 * @param row the fragment in the peer's row format
 */
public record ChangeRecord(long tableId, byte[] key, byte[] row) {}
