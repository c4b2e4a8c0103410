package dev.meridian.peer.internal.row;

import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The stored state of one row, and equally the fragment that one write contributes to it (a
 * change record): an optional row tombstone stamp and the cells of the columns ever written.
 *
 * <p>Visibility (DESIGN.md): a cell is visible only if its stamp is higher than the tombstone;
 * the row is visible if any cell is. Writes store the key columns' cells too, so every visible
 * row has its key cells visible and can be rebuilt from its value alone.
 *
 * <p>Rows are combined only by {@link RowMerge#merge}, for local writes and remote change
 * records alike, and stored with {@link RowFormat}. Immutable and thread-safe; cells are kept
 * sorted by column, at most one per column.
 */
public final class StoredRow {

  /** The row nobody wrote: no tombstone, no cells. */
  public static final StoredRow EMPTY = new StoredRow(null, new Cell[0]);

  private static final Comparator<Cell> BY_COLUMN = Comparator.comparingInt(Cell::column);

  private final Stamp tombstone;
  private final Cell[] cells;

  /** Trusted constructor: {@code cells} sorted by column, distinct columns, owned by this row. */
  StoredRow(Stamp tombstone, Cell[] cells) {
    this.tombstone = tombstone;
    this.cells = cells;
  }

  /**
   * A row from a tombstone and cells in any order.
   *
   * @param tombstone the row tombstone's stamp, or null when the row was never deleted
   * @param cells at most one cell per column
   * @throws IllegalArgumentException when two cells share a column
   */
  public static StoredRow of(Stamp tombstone, List<Cell> cells) {
    Cell[] sorted = cells.toArray(new Cell[0]);
    Arrays.sort(sorted, BY_COLUMN);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i].column() == sorted[i - 1].column()) {
        throw new IllegalArgumentException("two cells for column " + sorted[i].column());
      }
    }
    return new StoredRow(tombstone, sorted);
  }

  /**
   * The fragment of a write that set {@code encodedValues[i]} into column {@code columns[i]}
   * with {@code stamp}.
   *
   * @throws IllegalArgumentException when a column repeats or the arrays differ in length
   */
  public static StoredRow written(Stamp stamp, int[] columns, byte[][] encodedValues) {
    if (columns.length != encodedValues.length) {
      throw new IllegalArgumentException(columns.length + " columns, " + encodedValues.length
          + " values");
    }
    List<Cell> cells = new ArrayList<>(columns.length);
    for (int i = 0; i < columns.length; i++) {
      cells.add(new Cell(columns[i], stamp, encodedValues[i]));
    }
    return of(null, cells);
  }

  /** The fragment of a DELETE: a row tombstone with {@code stamp}. */
  public static StoredRow deleted(Stamp stamp) {
    return new StoredRow(Objects.requireNonNull(stamp, "stamp"), new Cell[0]);
  }

  /** The row tombstone's stamp, or null when there is none. */
  public Stamp tombstone() {
    return tombstone;
  }

  /** The cells, sorted by column. */
  public List<Cell> cells() {
    return List.of(cells);
  }

  /** Number of cells. */
  public int cellCount() {
    return cells.length;
  }

  /** The cell at a position in column order (0 to {@link #cellCount()} - 1). */
  Cell cellAt(int position) {
    return cells[position];
  }

  /** The cell of a column, or null. */
  public Cell cell(int column) {
    int lo = 0;
    int hi = cells.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = cells[mid].column();
      if (c == column) {
        return cells[mid];
      } else if (c < column) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return null;
  }

  /** Whether this row has neither tombstone nor cells. */
  public boolean isEmpty() {
    return tombstone == null && cells.length == 0;
  }

  /**
   * The part of this row that writes originated in one region made: the tombstone if that
   * region wrote it, and the cells it wrote. What a link ships for that region.
   */
  public StoredRow originatedIn(int regionId) {
    Stamp t = tombstone != null && tombstone.origin() == regionId ? tombstone : null;
    boolean whole = t == tombstone;
    for (int i = 0; whole && i < cells.length; i++) {
      whole = cells[i].stamp().origin() == regionId && !cells[i].isCounter();
    }
    if (whole) {
      return this; // the common case: the region wrote all of it, and no counter is shared
    }
    whole = t == tombstone;
    List<Cell> kept = new ArrayList<>(cells.length);
    for (Cell c : cells) {
      if (c.isCounter()) {
        Counter mine = c.counter().of(regionId);
        whole &= mine != null && mine.size() == c.counter().size();
        if (mine != null) {
          kept.add(mine.size() == c.counter().size() ? c : Cell.counter(c.column(), mine));
        }
      } else if (c.stamp().origin() == regionId) {
        kept.add(c);
      } else {
        whole = false;
      }
    }
    return whole ? this : new StoredRow(t, kept.toArray(new Cell[0]));
  }

  /**
   * Whether a read of this row shows a write, or a state newer than it: a DELETE when no
   * visible cell is stamped at or below it (an absent row included); any other write when each
   * written column's cell carries its stamp or a later one (for a counter, the writing
   * region's contribution does) or a tombstone at or above its stamp covers the row.
   *
   * @param columns the columns the write set (ignored for a delete)
   */
  public boolean shows(Stamp stamp, int[] columns, boolean delete) {
    if (delete) {
      for (Cell c : cells) {
        if (isVisible(c) && c.stamp().compareTo(stamp) <= 0) {
          return false;
        }
      }
      return true;
    }
    if (tombstone != null && tombstone.compareTo(stamp) >= 0) {
      return true;
    }
    for (int column : columns) {
      Cell c = cell(column);
      if (c == null) {
        return false;
      }
      Stamp held = c.stamp();
      if (c.isCounter()) {
        Counter mine = c.counter().of(stamp.origin());
        if (mine == null) {
          return false;
        }
        held = mine.maxStamp();
      }
      if (held.compareTo(stamp) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The highest stamp the row holds (tombstone or cell), or {@link Stamp#ZERO} if none. */
  public Stamp maxStamp() {
    Stamp max = tombstone == null ? Stamp.ZERO : tombstone;
    for (Cell c : cells) {
      max = Stamp.max(max, c.stamp());
    }
    return max;
  }

  /** Whether a cell's stamp is above this row's tombstone. */
  public boolean isVisible(Cell cell) {
    return tombstone == null || cell.stamp().after(tombstone);
  }

  /** Whether any cell is visible. */
  public boolean isVisible() {
    for (Cell c : cells) {
      if (isVisible(c)) {
        return true;
      }
    }
    return false;
  }

  /** The visible cells, sorted by column. */
  public List<Cell> visibleCells() {
    List<Cell> out = new ArrayList<>(cells.length);
    for (Cell c : cells) {
      if (isVisible(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * What a read sees: per column the visible cell's value or null, or null when the row is not
   * visible. Cells of columns at or beyond {@code columnCount} are ignored.
   */
  public Object[] visibleValues(int columnCount) {
    if (!isVisible()) {
      return null;
    }
    Object[] out = new Object[columnCount];
    for (Cell c : cells) {
      if (c.column() < columnCount && isVisible(c)) {
        out[c.column()] = c.value();
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredRow r && Objects.equals(tombstone, r.tombstone)
        && Arrays.equals(cells, r.cells);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(tombstone) * 31 + Arrays.hashCode(cells);
  }

  @Override
  public String toString() {
    return "StoredRow{tombstone=" + tombstone + ", cells=" + Arrays.toString(cells) + "}";
  }
}
