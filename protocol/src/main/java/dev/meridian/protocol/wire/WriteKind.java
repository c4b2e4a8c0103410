package dev.meridian.protocol.wire;

/** What a {@link RowWrite} does to its row (DESIGN.md, "SQL semantics"). */
public enum WriteKind {
  /** Writes every column; fails with {@code 23505} when the row is visible in the region. */
  INSERT,
  /** Writes the given cells whether or not the row exists. */
  UPSERT,
  /** Writes the given cells only when the row is visible; else counts 0. */
  UPDATE,
  /** Writes a row tombstone when the row is visible; else counts 0. */
  DELETE
}
