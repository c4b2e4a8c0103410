package dev.meridian.peer.internal.row;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.types.Stamp;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link StoredRow#shows}, which answers a session's read after its home died, against the
 * merge itself: a row shows a write exactly when merging the write in changes nothing a read
 * sees (visible cells with their stamps).
 */
class StoredRowShowsTest {
  static final long SEED = Long.getLong("meridian.seed", 0x5E55_10AL);

  @Test
  void aRowShowsAWriteExactlyWhenMergingItChangesNothingVisible() {
    System.out.println("StoredRowShowsTest seed " + SEED);
    SplittableRandom random = new SplittableRandom(SEED);
    int shown = 0;
    int notShown = 0;
    for (RowMergeModel.Mode mode : RowMergeModel.Mode.values()) {
      for (int i = 0; i < 20_000; i++) {
        RowGen gen = new RowGen(random.split());
        StoredRow row = gen.state(mode);
        // Stamps are unique per write, as the hybrid clock makes them.
        RowGen.Fragment w = gen.fragment();
        int[] columns = w.row().cells().stream().mapToInt(Cell::column).toArray();
        boolean shows = row.shows(w.stamp(), columns, w.delete());
        List<Cell> after = RowMerge.merge(row, w.row(), mode.resolution()).visibleCells();
        boolean unchanged = after.equals(row.visibleCells());
        String what = mode + " row " + row + " write " + w + " (case " + i + ")";
        if (mode == RowMergeModel.Mode.CELL) {
          assertEquals(unchanged, shows, what);
        } else if (shows) {
          assertTrue(unchanged, what);
        }
        if (shows) {
          shown++;
        } else {
          notShown++;
        }
      }
    }
    assertTrue(shown > 1000 && notShown > 1000, shown + " shown, " + notShown + " not");
  }

  @Test
  void aCounterShowsAnIncrementWhenItsRegionsContributionIsAsRecent() {
    Stamp us = new Stamp(Stamp.hlc(10, 0), 1);
    Stamp eu = new Stamp(Stamp.hlc(11, 0), 2);
    StoredRow row = StoredRow.of(null, List.of(Cell.counter(1, Counter.of(us, 5)
        .merge(Counter.of(eu, 2)))));
    assertTrue(row.shows(us, new int[] {1}, false));
    assertTrue(row.shows(new Stamp(Stamp.hlc(9, 0), 1), new int[] {1}, false));
    // Region 2's contribution is later than this stamp of region 1, but region 1's is not.
    assertFalse(row.shows(new Stamp(Stamp.hlc(10, 5), 1), new int[] {1}, false));
    assertFalse(row.shows(new Stamp(Stamp.hlc(1, 0), 3), new int[] {1}, false));
    // An absent row shows a delete, never a write.
    assertTrue(StoredRow.EMPTY.shows(us, new int[0], true));
    assertFalse(StoredRow.EMPTY.shows(us, new int[] {0}, false));
  }
}
