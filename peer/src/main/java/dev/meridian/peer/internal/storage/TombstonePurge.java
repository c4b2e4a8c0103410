package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.StoredRow;
import java.util.stream.LongStream;

/**
 * What tombstone purging decides: how far back every region holds every change, which deleted
 * rows that allows to remove, and whether a row chosen for removal is still the one chosen.
 * Shared by the replicator's purge, {@link PurgeProcessor} on the partition owner, and the
 * replication simulation, so that what the simulation proves is what the peers do.
 *
 * <p>A region's horizon is the least "shipped through" time over every link of every peer of
 * the region: every change made there before it has been applied by every other region. A
 * tombstone stamped before every region's horizon, less the grace period, is held everywhere,
 * and no write stamped below it can still be on its way, so removing the row cannot bring old
 * cells back. Stateless; thread-safe.
 */
public final class TombstonePurge {
  /** No purge: some horizon is unknown. */
  public static final long NONE = Long.MIN_VALUE;

  private TombstonePurge() {}

  /**
   * A region's horizon from the shipped-through figures of its links: the least of them, or 0
   * (unknown) when there are none; a figure of 0 (a link not yet caught up) makes it 0.
   */
  public static long horizon(LongStream linkFigures) {
    return linkFigures.min().orElse(0);
  }

  /**
   * The time before which a tombstone may be purged, from this region's horizon and every
   * other region's; {@link #NONE} when any of them is unknown (0 or less).
   */
  public static long cutoff(long ownHorizon, LongStream otherHorizons, long graceMillis) {
    long least = Math.min(ownHorizon, otherHorizons.min().orElse(Long.MAX_VALUE));
    return least <= 0 ? NONE : least - graceMillis;
  }

  /** Whether a stored row is a deleted row (a tombstone and no cells) stamped before the cutoff. */
  public static boolean purgeable(StoredRow row, long cutoff) {
    return row.cellCount() == 0 && row.tombstone() != null && row.tombstone().millis() < cutoff;
  }

  /**
   * Whether the row the owner holds now is still the deleted row the purge chose (the same
   * tombstone and no cells): a row written since is left alone.
   */
  public static boolean stillChosen(StoredRow row, long hlc, int origin) {
    return row.cellCount() == 0 && row.tombstone() != null && row.tombstone().hlc() == hlc
        && row.tombstone().origin() == origin;
  }
}
