package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowMerge;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
   * @param discarded the fragment's cells the merge threw away in favour of a higher stamp
   *     already held, for the conflict log; empty when nothing was lost or the row was refused
   */
  public record Outcome(StoredRow merged, int flags, boolean ownPartChanged,
      List<Discarded> discarded) {
    public Outcome {
      discarded = List.copyOf(discarded);
    }
  }

  /**
   * One cell of a fragment that lost to what the row already held.
   *
   * @param lost the incoming cell, with its value, stamp and origin
   * @param winner the stamp it lost to: the column's kept cell, the row tombstone that hides it,
   *     or (per-row resolution) the row's highest stamp
   * @param byTombstone whether a row tombstone hid it rather than another value of its column
   */
  public record Discarded(Cell lost, Stamp winner, boolean byTombstone) {}

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
    List<Discarded> discarded = List.of();
    if (lost(incoming, merged)) {
      flags |= ApplyProcessor.CONFLICT;
      if ((flags & ApplyProcessor.REFUSED) == 0) {
        discarded = discarded(incoming, merged);
      }
    }
    if (clock != null && !incoming.isEmpty() && clock.observe(incoming.maxStamp().hlc())) {
      flags |= ApplyProcessor.SKEW;
    }
    boolean ownPartChanged = clock != null
        && !merged.originatedIn(clock.regionId()).equals(row.originatedIn(clock.regionId()));
    return new Outcome(merged, flags, ownPartChanged, discarded);
  }

  /**
   * The fragment's value cells that are not in the merged row, each with the stamp that beat
   * it. A cell beaten by one holding the same value loses nothing (key cells, or two regions
   * writing the same value), a COUNTER cell never loses a value (contributions add up), and a
   * tombstone that loses to a higher tombstone throws no value away, so none of these is
   * listed.
   */
  static List<Discarded> discarded(StoredRow incoming, StoredRow merged) {
    List<Discarded> out = new ArrayList<>(0);
    Stamp tombstone = merged.tombstone();
    for (Cell c : incoming.cells()) {
      if (c.isCounter()) {
        continue;
      }
      Cell kept = merged.cell(c.column());
      if (kept != null && kept.covers(c)) {
        continue;
      }
      if (kept != null) {
        if (!Arrays.equals(kept.encodedValue(), c.encodedValue())) {
          out.add(new Discarded(c, kept.stamp(), false));
        }
      } else if (tombstone != null && !c.stamp().after(tombstone)) {
        out.add(new Discarded(c, tombstone, true));
      } else {
        out.add(new Discarded(c, merged.maxStamp(), false)); // per-row: a newer image won
      }
    }
    return out;
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
