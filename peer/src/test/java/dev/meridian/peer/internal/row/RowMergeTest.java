package dev.meridian.peer.internal.row;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.RowMergeModel.Mode;
import dev.meridian.peer.testing.SeededCases;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The merge is a join and matches the reference model, by property over seeded cases. */
class RowMergeTest {
  private static final int CASES = 5_000;

  @Test
  void mergeIsCommutative() {
    SeededCases.forAll("commutativity", CASES, random -> {
      RowGen gen = new RowGen(random);
      for (Mode mode : Mode.values()) {
        StoredRow a = gen.state(mode);
        StoredRow b = gen.state(mode);
        assertBytes(merge(a, b, mode), merge(b, a, mode));
      }
    });
  }

  @Test
  void mergeIsAssociative() {
    SeededCases.forAll("associativity", CASES, random -> {
      RowGen gen = new RowGen(random);
      for (Mode mode : Mode.values()) {
        StoredRow a = gen.state(mode);
        StoredRow b = gen.state(mode);
        StoredRow c = gen.state(mode);
        assertBytes(merge(merge(a, b, mode), c, mode), merge(a, merge(b, c, mode), mode));
      }
    });
  }

  @Test
  void mergeIsIdempotent() {
    SeededCases.forAll("idempotence", CASES, random -> {
      RowGen gen = new RowGen(random);
      for (Mode mode : Mode.values()) {
        StoredRow a = gen.state(mode);
        StoredRow b = gen.state(mode);
        assertBytes(a, merge(a, a, mode));
        StoredRow ab = merge(a, b, mode);
        assertBytes(ab, merge(ab, b, mode));
        assertBytes(ab, merge(ab, a, mode));
      }
    });
  }

  @Test
  void anyDeliveryOrderWithDuplicatesGivesTheSameBytes() {
    SeededCases.forAll("order and duplicates", CASES, random -> {
      RowGen gen = new RowGen(random);
      List<RowGen.Fragment> fragments = gen.fragments(8);
      for (Mode mode : Mode.values()) {
        byte[] first = RowFormat.encode(foldInOrder(shuffledWithDuplicates(fragments, random),
            mode));
        byte[] second = RowFormat.encode(foldInOrder(shuffledWithDuplicates(fragments, random),
            mode));
        byte[] tree = RowFormat.encode(foldAsTree(shuffledWithDuplicates(fragments, random),
            mode, random));
        assertArrayEquals(first, second);
        assertArrayEquals(first, tree);
      }
    });
  }

  @Test
  void resultEqualsTheReferenceModel() {
    SeededCases.forAll("reference model", CASES, random -> {
      RowGen gen = new RowGen(random);
      List<RowGen.Fragment> fragments = gen.fragments(8);
      for (Mode mode : Mode.values()) {
        StoredRow merged = foldInOrder(shuffledWithDuplicates(fragments, random), mode);
        assertEquals(RowMergeModel.expected(fragments, mode), merged, mode.name());
        assertArrayEquals(RowMergeModel.expectedValues(fragments, mode, RowGen.COLUMNS),
            merged.visibleValues(RowGen.COLUMNS), mode.name());
      }
    });
  }

  @Test
  void equalStampsWithDifferentValuesStillJoin() {
    // Stamps are unique per write, but a corrupt or hostile peer may send a clash; replicas
    // must still agree, whatever order the clash arrives in.
    SeededCases.forAll("adversarial ties", CASES, random -> {
      RowGen gen = new RowGen(random);
      for (Mode mode : Mode.values()) {
        StoredRow a = clashing(gen, mode);
        StoredRow b = clashing(gen, mode);
        StoredRow c = clashing(gen, mode);
        assertBytes(merge(a, b, mode), merge(b, a, mode));
        assertBytes(merge(merge(a, b, mode), c, mode), merge(a, merge(b, c, mode), mode));
        assertBytes(merge(a, b, mode), merge(merge(a, b, mode), b, mode));
      }
    });
  }

  @Test
  void deleteHidesOlderCellsAndLaterWritesReturn() {
    Stamp s1 = new Stamp(10, 1);
    Stamp s2 = new Stamp(20, 1);
    Stamp s3 = new Stamp(30, 2);
    StoredRow written = StoredRow.of(null, List.of(Cell.of(0, s1, 7L), Cell.of(1, s1, "a"),
        Cell.of(2, s1, "b")));
    StoredRow deleted = merge(written, StoredRow.deleted(s2), Mode.CELL);
    assertFalse(deleted.isVisible());
    assertNull(deleted.visibleValues(3));
    assertEquals(0, deleted.cellCount(), "cells under the tombstone are dropped");

    StoredRow back = merge(deleted, StoredRow.of(null, List.of(Cell.of(0, s3, 7L),
        Cell.of(2, s3, "c"))), Mode.CELL);
    assertArrayEquals(new Object[] {7L, null, "c"}, back.visibleValues(3));

    StoredRow lateOld = merge(back, written, Mode.CELL);
    assertEquals(back, lateOld, "a write older than the delete stays hidden");
  }

  @Test
  void concurrentWritesOfDifferentColumnsBothSurvivePerCellButNotPerRow() {
    Stamp east = new Stamp(10, 1);
    Stamp west = new Stamp(11, 2);
    StoredRow base = StoredRow.of(null, List.of(Cell.of(0, new Stamp(1, 1), 7L),
        Cell.of(1, new Stamp(1, 1), "x"), Cell.of(2, new Stamp(1, 1), "y")));
    StoredRow fromEast = StoredRow.of(null, List.of(Cell.of(0, east, 7L), Cell.of(1, east, "E"),
        Cell.of(2, east, "y")));
    StoredRow fromWest = StoredRow.of(null, List.of(Cell.of(0, west, 7L), Cell.of(1, west, "x"),
        Cell.of(2, west, "W")));

    StoredRow cell = merge(merge(base, fromEast, Mode.CELL), fromWest, Mode.CELL);
    assertArrayEquals(new Object[] {7L, "x", "W"}, cell.visibleValues(3),
        "full images per cell: the later image wins every cell it carries");
    StoredRow eastCells = StoredRow.of(null, List.of(Cell.of(0, east, 7L), Cell.of(1, east, "E")));
    StoredRow westCells = StoredRow.of(null, List.of(Cell.of(0, west, 7L), Cell.of(2, west, "W")));
    assertArrayEquals(new Object[] {7L, "E", "W"},
        merge(merge(base, eastCells, Mode.CELL), westCells, Mode.CELL).visibleValues(3),
        "per cell, updates of different columns both survive");

    StoredRow row = merge(merge(base, fromEast, Mode.ROW), fromWest, Mode.ROW);
    assertArrayEquals(new Object[] {7L, "x", "W"}, row.visibleValues(3),
        "per row, the later write is the whole row");
    assertTrue(row.cells().stream().allMatch(c -> c.stamp().equals(west)));
  }

  private static StoredRow clashing(RowGen gen, Mode mode) {
    StoredRow row = StoredRow.EMPTY;
    int n = 1 + gen.nextInt(4);
    for (int i = 0; i < n; i++) {
      row = merge(row, gen.fragment(gen.anyStamp()).row(), mode);
    }
    return row;
  }

  private static StoredRow merge(StoredRow a, StoredRow b, Mode mode) {
    return RowMerge.merge(a, b, mode.resolution());
  }

  private static List<StoredRow> shuffledWithDuplicates(List<RowGen.Fragment> fragments,
      SplittableRandom random) {
    List<StoredRow> out = new ArrayList<>();
    for (RowGen.Fragment f : fragments) {
      int copies = 1 + random.nextInt(3);
      for (int i = 0; i < copies; i++) {
        out.add(f.row());
      }
    }
    Collections.shuffle(out, new Random(random.nextLong()));
    return out;
  }

  private static StoredRow foldInOrder(List<StoredRow> rows, Mode mode) {
    StoredRow acc = StoredRow.EMPTY;
    for (StoredRow r : rows) {
      acc = merge(acc, r, mode);
    }
    return acc;
  }

  /** Merges random neighbours until one row is left: every bracketing is reachable. */
  private static StoredRow foldAsTree(List<StoredRow> rows, Mode mode, SplittableRandom random) {
    List<StoredRow> work = new ArrayList<>(rows);
    while (work.size() > 1) {
      int i = random.nextInt(work.size() - 1);
      work.set(i, merge(work.get(i), work.remove(i + 1), mode));
    }
    return work.get(0);
  }

  private static void assertBytes(StoredRow expected, StoredRow actual) {
    assertArrayEquals(RowFormat.encode(expected), RowFormat.encode(actual),
        () -> "expected " + expected + " but was " + actual);
  }

  @Test
  void rowResolutionKeepsOnlyTheLatestWrite() {
    Stamp s1 = new Stamp(10, 1);
    Stamp s2 = new Stamp(20, 2);
    StoredRow older = StoredRow.of(null, List.of(Cell.of(0, s1, 1L), Cell.of(1, s1, "a"),
        Cell.of(2, s1, "b")));
    StoredRow newer = StoredRow.of(null, List.of(Cell.of(0, s2, 1L), Cell.of(1, s2, "z")));
    StoredRow merged = RowMerge.merge(older, newer, ConflictResolution.ROW);
    assertArrayEquals(new Object[] {1L, "z", null}, merged.visibleValues(3));
    assertEquals(merged, RowMerge.merge(newer, older, ConflictResolution.ROW));
  }
}
