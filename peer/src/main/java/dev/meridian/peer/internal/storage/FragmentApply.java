package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowMerge;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ConflictResolution;
import java.util.function.Predicate;

/**
 * What applying a row fragment received from another region (a change record, or a row shipped
 * by repair) does to the stored row, apart from Hazelcast: the merge, the residency refusal, the
 * {@link ApplyProcessor} result bits and whether the region's own-origin part changed.
 * {@link ApplyProcessor} runs it on the partition owner, and the replication simulation runs the
 * same code, so what the simulation proves holds for the processor's decisions. Stateless; the
 * clock is advanced past the fragment's stamps.
 */
public final class FragmentApply {
  private FragmentApply() {}

  /**
   * The outcome of one apply.
   *
   * @param merged the row to store (equal to the stored row when nothing changed)
   * @param flags {@link ApplyProcessor#CONFLICT}, {@link ApplyProcessor#SKEW} and
   *     {@link ApplyProcessor#REFUSED} bits
   * @param ownPartChanged whether the part of the row this region's writes made changed (only
   *     after the region lost its data and gets its own writes back); those changes must go on
   *     to the regions that lack them
   */
  public record Outcome(StoredRow merged, int flags, boolean ownPartChanged) {}

  /**
   * Applies {@code incoming} to {@code row}.
   *
   * @param mayHold whether this region may hold a row (its residency rule), or null for a table
   *     without one; a merged row it may not hold gets only the fragment's tombstone, never its
   *     cells
   * @param clock this region's clock, observing the fragment's highest stamp; null only where no
   *     clock is installed (the own-origin part then counts as unchanged)
   */
  public static Outcome apply(StoredRow row, StoredRow incoming, ConflictResolution resolution,
      Predicate<StoredRow> mayHold, HybridClock clock) {
    StoredRow merged = RowMerge.merge(row, incoming, resolution);
    int flags = 0;
    if (mayHold != null && merged.isVisible() && !mayHold.test(merged)) {
      flags |= ApplyProcessor.REFUSED;
      incoming = incoming.tombstone() == null ? StoredRow.EMPTY
          : StoredRow.deleted(incoming.tombstone());
      merged = RowMerge.merge(row, incoming, resolution);
    }
    if (lost(incoming, merged)) {
      flags |= ApplyProcessor.CONFLICT;
    }
    if (clock != null && !incoming.isEmpty() && clock.observe(incoming.maxStamp().hlc())) {
      flags |= ApplyProcessor.SKEW;
    }
    boolean ownPartChanged = clock != null
        && !merged.originatedIn(clock.regionId()).equals(row.originatedIn(clock.regionId()));
    return new Outcome(merged, flags, ownPartChanged);
  }

  /** Whether some part of the fragment is not in the merged row (a newer stamp beat it). */
  static boolean lost(StoredRow incoming, StoredRow merged) {
    if (incoming.tombstone() != null && !incoming.tombstone().equals(merged.tombstone())) {
      return true;
    }
    for (Cell c : incoming.cells()) {
      Cell kept = merged.cell(c.column());
      if (kept == null || !kept.covers(c)) {
        return true;
      }
    }
    return false;
  }
}
