package dev.meridian.peer.internal.row;

import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The reference model the merge is checked against, written as plainly as DESIGN.md says it:
 * per cell the highest stamp wins, a cell shows only above the highest tombstone; per row the
 * write with the highest stamp is the row.
 */
final class RowMergeModel {
  private RowMergeModel() {}

  /** Both resolutions, for looping. */
  enum Mode {
    CELL(ConflictResolution.CELL),
    ROW(ConflictResolution.ROW);

    private final ConflictResolution resolution;

    Mode(ConflictResolution resolution) {
      this.resolution = resolution;
    }

    ConflictResolution resolution() {
      return resolution;
    }
  }

  /** The row that a set of fragments with unique stamps must merge into, in normal form. */
  static StoredRow expected(List<RowGen.Fragment> fragments, Mode mode) {
    Stamp tombstone = null;
    for (RowGen.Fragment f : fragments) {
      if (f.delete() && (tombstone == null || f.stamp().after(tombstone))) {
        tombstone = f.stamp();
      }
    }
    if (mode == Mode.ROW) {
      RowGen.Fragment last = null;
      for (RowGen.Fragment f : fragments) {
        if (last == null || f.stamp().after(last.stamp())) {
          last = f;
        }
      }
      return StoredRow.of(tombstone, last == null || last.delete() ? List.of() : last.row().cells());
    }
    TreeMap<Integer, Cell> best = new TreeMap<>();
    for (RowGen.Fragment f : fragments) {
      for (Cell c : f.row().cells()) {
        Cell seen = best.get(c.column());
        if (seen == null || c.stamp().after(seen.stamp())) {
          best.put(c.column(), c);
        }
      }
    }
    List<Cell> visible = new ArrayList<>();
    for (Cell c : best.values()) {
      if (tombstone == null || c.stamp().after(tombstone)) {
        visible.add(c);
      }
    }
    return StoredRow.of(tombstone, visible);
  }

  /** What a read must see: per column the surviving value, or null for an invisible row. */
  static Object[] expectedValues(List<RowGen.Fragment> fragments, Mode mode, int columns) {
    StoredRow row = expected(fragments, mode);
    if (row.cellCount() == 0) {
      return null;
    }
    Object[] out = new Object[columns];
    for (Cell c : row.cells()) {
      out[c.column()] = c.value();
    }
    return out;
  }
}
