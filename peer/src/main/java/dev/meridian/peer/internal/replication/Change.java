package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.Set;

/**
 * A change record read from a change stream, with the commit time at its origin (the
 * physical part of its highest stamp), from which links measure their lag, and how far it may
 * travel under the residency rules.
 *
 * @param reach where the record may go, or null for every region
 */
public record Change(ChangeRecord record, long commitMillis, Reach reach) {

  /** A change of a table whose rows may live anywhere. */
  public Change(ChangeRecord record, long commitMillis) {
    this(record, commitMillis, null);
  }

  /**
   * Where a change of a pinned row may go (sets: null for any region, empty for none).
   *
   * @param whole the regions the row may live in now: they get the whole record
   * @param tombstoneOnly the regions it lived in before: those not in {@code whole} get only
   *     the record's tombstone (the row moved away or was deleted), never its cells
   * @param tombstone the record reduced to its tombstone, or null when it has none
   */
  public record Reach(Set<String> whole, Set<String> tombstoneOnly, ChangeRecord tombstone) {}

  /** What to ship of this change to {@code target}, or null when nothing may go there. */
  public ChangeRecord forTarget(String target) {
    if (reach == null || reach.whole() == null || reach.whole().contains(target)) {
      return record;
    }
    if (reach.tombstone() != null
        && (reach.tombstoneOnly() == null || reach.tombstoneOnly().contains(target))) {
      return reach.tombstone();
    }
    return null;
  }
}
