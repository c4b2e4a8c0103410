package dev.meridian.protocol.types;

/** How concurrent writes of one row from different regions resolve (DESIGN.md). */
public enum ConflictResolution {
  /** Per cell: each column keeps the value with the highest stamp (the default, like Cassandra). */
  CELL,
  /** Per row: the write with the highest stamp wins the whole row (DynamoDB's item level). */
  ROW
}
