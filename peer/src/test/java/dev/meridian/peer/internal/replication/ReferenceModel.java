package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.replication.ReplicationSimulation.Table;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * What the replicas must converge to, computed from the acknowledged writes alone, without
 * {@code RowMerge}: per row the highest delete stamp is the tombstone; per cell (per-cell tables)
 * the value of the highest-stamped write of that column, or (per-row tables) the image of the
 * highest-stamped write, in both cases only above the tombstone.
 *
 * <p>A write survives unless its region lost every peer before another region held it: when
 * a region is wiped, each part of a write (a tombstone, a cell, a per-row image) that no other
 * region's replica holds or has superseded is dropped from the model. Everything else must be in
 * every replica in the end. Not thread-safe.
 */
final class ReferenceModel {

  /** An acknowledged write. */
  record Write(String region, Table table, ByteBuffer key, StoredRow fragment, boolean delete) {
    Stamp stamp() {
      return fragment.maxStamp();
    }
  }

  /** The surviving parts of the writes of one row. */
  private static final class Parts {
    final Table table;
    final TreeMap<Stamp, Boolean> tombstones = new TreeMap<>();
    /** Per-cell tables: column to stamp to encoded value. */
    final TreeMap<Integer, TreeMap<Stamp, byte[]>> cells = new TreeMap<>();
    /** Per-row tables: stamp to the image's cells. */
    final TreeMap<Stamp, List<Cell>> images = new TreeMap<>();

    Parts(Table table) {
      this.table = table;
    }
  }

  private record RowId(long tableId, ByteBuffer key) {}

  private final List<Write> writes = new ArrayList<>();
  private final Map<RowId, Parts> rows = new TreeMap<>(
      (a, b) -> a.tableId() != b.tableId() ? Long.compare(a.tableId(), b.tableId())
          : a.key().compareTo(b.key()));
  long partsLost;
  /**
   * Whether the regions purge tombstones: a purged delete leaves no tombstone, so a delete is
   * then lost only if a cell it covered shows again, and a write it covered needs no trace.
   */
  boolean purging;
  private final Map<ByteBuffer, Long> counterSums = new java.util.HashMap<>();
  private final Map<ByteBuffer, java.util.Set<String>> counterRegions = new java.util.HashMap<>();
  private final java.util.Set<ByteBuffer> inexactCounters = new java.util.HashSet<>();

  /** Records a write its region acknowledged. */
  void acknowledged(String region, Table table, byte[] key, StoredRow fragment, boolean delete) {
    Write w = new Write(region, table, ByteBuffer.wrap(key), fragment, delete);
    writes.add(w);
    Parts p = rows.computeIfAbsent(new RowId(table.id(), w.key()), id -> new Parts(table));
    if (delete) {
      p.tombstones.put(fragment.tombstone(), Boolean.TRUE);
    } else if (table.resolution() == ConflictResolution.ROW) {
      p.images.put(w.stamp(), fragment.cells());
    } else {
      for (Cell c : fragment.cells()) {
        p.cells.computeIfAbsent(c.column(), k -> new TreeMap<>()).put(c.stamp(), c.encodedValue());
      }
    }
  }

  /**
   * Records an increment of a counter row ({@code ReplicationSimulation.COUNTER_TABLE}) that its
   * region acknowledged; counters are checked by their sum, not by the per-cell rule above.
   */
  void incremented(String region, byte[] key, long delta) {
    ByteBuffer k = ByteBuffer.wrap(key);
    counterSums.merge(k, delta, Long::sum);
    counterRegions.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(region);
  }

  /** Whether a row of a table is a counter some region incremented (or created to). */
  boolean incremented(long tableId, byte[] key) {
    return tableId == ReplicationSimulation.COUNTER_TABLE.id()
        && counterSums.containsKey(ByteBuffer.wrap(key));
  }

  /**
   * The counters whose every acknowledged increment must be in every replica, with their sums:
   * those no wiped region incremented (a wiped region may lose increments no one else held).
   */
  Map<ByteBuffer, Long> exactCounters() {
    Map<ByteBuffer, Long> out = new java.util.HashMap<>(counterSums);
    out.keySet().removeAll(inexactCounters);
    return out;
  }

  /** Whether an acknowledged write of a row set this exact cell (column, stamp and value). */
  boolean wroteCell(long tableId, byte[] key, Cell cell) {
    ByteBuffer k = ByteBuffer.wrap(key);
    for (Write w : writes) {
      if (w.table().id() == tableId && w.key().equals(k)) {
        Cell c = w.fragment().cell(cell.column());
        if (c != null && c.stamp().equals(cell.stamp())
            && Arrays.equals(c.encodedValue(), cell.encodedValue())) {
          return true;
        }
      }
    }
    return false;
  }

  /** How many writes were acknowledged. */
  int acknowledgedCount() {
    return writes.size();
  }

  /**
   * A region is wiped: keeps the parts of writes that another region holds (or has superseded
   * with a higher stamp, which would win anyway), drops the rest.
   */
  void regionLost(SimRegion lost, List<SimRegion> regions) {
    counterRegions.forEach((key, writers) -> {
      if (writers.contains(lost.name)) {
        inexactCounters.add(key);
      }
    });
    rows.forEach((id, p) -> {
      List<StoredRow> held = new ArrayList<>();
      for (SimRegion r : regions) {
        byte[] bytes = r == lost || r.wiped ? null : r.row(id.tableId(), id.key().array());
        if (bytes != null) {
          held.add(RowFormat.decode(bytes));
        }
      }
      int before = count(p);
      p.tombstones.keySet().removeIf(s -> held.stream().noneMatch(r -> tombstoneHeld(r, s)));
      p.images.keySet().removeIf(s -> held.stream().noneMatch(r -> r.maxStamp().compareTo(s) >= 0));
      p.cells.forEach((column, byStamp) -> byStamp.keySet().removeIf(
          s -> held.stream().noneMatch(r -> cellHeld(r, column, s))));
      partsLost += before - count(p);
    });
  }

  /** Whether a row shows a cell stamped at or below a delete's stamp: the delete came undone. */
  private static boolean showsBelow(StoredRow r, Stamp delete) {
    for (Cell c : r.cells()) {
      if (r.isVisible(c) && !c.stamp().after(delete)) {
        return true;
      }
    }
    return false;
  }

  private static int count(Parts p) {
    int n = p.tombstones.size() + p.images.size();
    for (TreeMap<Stamp, byte[]> m : p.cells.values()) {
      n += m.size();
    }
    return n;
  }

  private static boolean tombstoneHeld(StoredRow r, Stamp s) {
    return r.tombstone() != null && r.tombstone().compareTo(s) >= 0;
  }

  private static boolean cellHeld(StoredRow r, int column, Stamp s) {
    Cell c = r.cell(column);
    return (c != null && c.stamp().compareTo(s) >= 0)
        || (r.tombstone() != null && r.tombstone().after(s));
  }

  /** Every row the model has parts of, as (table id, key). */
  List<Map.Entry<Long, byte[]>> rowIds() {
    List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
    for (RowId id : rows.keySet()) {
      out.add(Map.entry(id.tableId(), id.key().array()));
    }
    return out;
  }

  /** The bytes every replica must hold for a row, or null when it must hold none. */
  byte[] expected(long tableId, byte[] key) {
    Parts p = rows.get(new RowId(tableId, ByteBuffer.wrap(key)));
    if (p == null) {
      return null;
    }
    Stamp tombstone = p.tombstones.isEmpty() ? null : p.tombstones.lastKey();
    List<Cell> cells = new ArrayList<>();
    if (p.table.resolution() == ConflictResolution.ROW) {
      if (!p.images.isEmpty() && (tombstone == null || p.images.lastKey().after(tombstone))) {
        cells.addAll(p.images.lastEntry().getValue());
      }
    } else {
      p.cells.forEach((column, byStamp) -> {
        if (!byStamp.isEmpty() && (tombstone == null || byStamp.lastKey().after(tombstone))) {
          cells.add(new Cell(column, byStamp.lastKey(), byStamp.lastEntry().getValue()));
        }
      });
    }
    if (tombstone == null && cells.isEmpty()) {
      return null;
    }
    return RowFormat.encode(StoredRow.of(tombstone, cells));
  }

  /**
   * Checks that no acknowledged write is lost in a final replica unless a higher stamp
   * overwrote it (or its region lost it before anyone else held it).
   *
   * @param finalRow the row's bytes in the converged replicas, by table id and key
   * @return the problems found, empty when none
   */
  List<String> lostWrites(BiFunction<Long, byte[], byte[]> finalRow) {
    return lostWrites(finalRow, (tableId, key) -> true, purging);
  }

  /**
   * As {@link #lostWrites(BiFunction)}, for the rows (table id, key) {@code include} accepts.
   *
   * @param tombstonesMayBeGone whether a delete may have left no tombstone (purged, or never
   *     sent to a region that did not hold the row), as when the regions purge
   */
  List<String> lostWrites(BiFunction<Long, byte[], byte[]> finalRow,
      java.util.function.BiPredicate<Long, byte[]> include, boolean tombstonesMayBeGone) {
    List<String> problems = new ArrayList<>();
    for (Write w : writes) {
      if (!include.test(w.table().id(), w.key().array())) {
        continue;
      }
      Parts p = rows.get(new RowId(w.table().id(), w.key()));
      byte[] bytes = finalRow.apply(w.table().id(), w.key().array());
      StoredRow r = bytes == null ? StoredRow.EMPTY : RowFormat.decode(bytes);
      Stamp s = w.stamp();
      Stamp covering = p.tombstones.isEmpty() ? null : p.tombstones.lastKey();
      boolean covered = tombstonesMayBeGone && covering != null && covering.after(s);
      if (w.delete()) {
        if (p.tombstones.containsKey(s) && !tombstoneHeld(r, s)
            && (!tombstonesMayBeGone || showsBelow(r, s))) {
          problems.add("delete lost: " + w + " final " + r);
        }
      } else if (w.table().resolution() == ConflictResolution.ROW) {
        if (!covered && p.images.containsKey(s) && r.maxStamp().compareTo(s) <= 0
            && !(r.maxStamp().equals(s) && r.cells().equals(w.fragment().cells()))) {
          problems.add("row write lost: " + w + " final " + r);
        }
      } else {
        for (Cell c : w.fragment().cells()) {
          if (covered || !p.cells.get(c.column()).containsKey(s)) {
            continue;
          }
          Cell now = r.cell(c.column());
          boolean overwritten = (now != null && now.stamp().after(s))
              || (r.tombstone() != null && r.tombstone().after(s));
          boolean kept = now != null && now.stamp().equals(s)
              && Arrays.equals(now.encodedValue(), c.encodedValue());
          if (!overwritten && !kept) {
            problems.add("cell write lost: " + c + " of " + w + " final " + r);
          }
        }
      }
    }
    return problems;
  }
}
