package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.peer.internal.storage.FragmentApply;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the conflict log must record for one apply, written from the rules of visibility rather
 * than from the merge: an incoming value cell is thrown away when the row already holds a higher
 * cell of its column with another value, when a row tombstone at or above its stamp hides it,
 * or (per-row tables) when a higher write's image replaces the row. Stateless.
 */
final class ConflictOracle {
  private ConflictOracle() {}

  static List<FragmentApply.Discarded> discarded(StoredRow stored, StoredRow incoming,
      ConflictResolution resolution) {
    Stamp tombstone = max(stored.tombstone(), incoming.tombstone());
    Stamp highest = Stamp.max(stored.maxStamp(), incoming.maxStamp());
    List<FragmentApply.Discarded> out = new ArrayList<>();
    for (Cell c : incoming.cells()) {
      if (c.isCounter()) {
        continue;
      }
      Cell held = stored.cell(c.column());
      boolean heldVisible = held != null && (tombstone == null || held.stamp().after(tombstone));
      boolean heldWins = heldVisible && held.stamp().after(c.stamp())
          && (resolution == ConflictResolution.CELL || held.stamp().equals(highest));
      if (heldWins) {
        if (!Arrays.equals(held.encodedValue(), c.encodedValue())) {
          out.add(new FragmentApply.Discarded(c, held.stamp(), false));
        }
      } else if (tombstone != null && !c.stamp().after(tombstone)) {
        out.add(new FragmentApply.Discarded(c, tombstone, true));
      } else if (resolution == ConflictResolution.ROW && !c.stamp().equals(highest)) {
        out.add(new FragmentApply.Discarded(c, highest, false));
      }
    }
    return out;
  }

  private static Stamp max(Stamp a, Stamp b) {
    return a == null ? b : b == null ? a : Stamp.max(a, b);
  }
}
