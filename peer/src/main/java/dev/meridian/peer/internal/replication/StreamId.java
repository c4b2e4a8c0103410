package dev.meridian.peer.internal.replication;

/**
 * One ordered change stream: the changes of one partition of one table incarnation, in the
 * order the partition owner applied them. Links keep one position per stream and target.
 *
 * @param tableId the table incarnation
 * @param partition the Hazelcast partition id
 */
public record StreamId(long tableId, int partition) {
  @Override
  public String toString() {
    return Long.toHexString(tableId) + "/" + partition;
  }
}
