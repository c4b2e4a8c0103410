package dev.meridian.peer.internal.replication;

/**
 * JMX view of one link on one peer ({@code dev.meridian:type=ReplicationLink,peer=..,from=..,
 * to=..}): the same figures as a row of {@code MERIDIAN.REPLICATION_LINKS}.
 */
public interface ReplicationLinkMXBean {
  String getFromRegion();

  String getToRegion();

  String getState();

  double getLagP50Ms();

  double getLagP99Ms();

  double getLagMaxMs();

  long getBacklog();

  long getRecordsShipped();

  /** Records shipped again after backfill (committed before the region's storage began). */
  long getReshipped();

  long getLastApplyMillis();

  long getConflictsResolved();

  long getSkewEvents();

  long getRepairs();

  long getRowsRepaired();

  long getInjectedLatencyMs();
}
