package dev.meridian.peer.internal.row;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.peer.testing.SeededCases;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * COUNTER cells merge as a join: regions increment a counter concurrently, their fragments
 * arrive in any order with duplicates, and every replica ends on the same bytes and the sum of
 * the increments (after the last DELETE, the increments stamped after it).
 */
class CounterMergeTest {
  private static final int CASES = 3_000;
  private static final int COLUMN = 1;

  /** One region's increments: cumulative contributions with rising stamps. */
  private record Fragment(StoredRow row, Stamp stamp, long delta, int origin, boolean delete) {}

  @Test
  void incrementsFromEveryRegionAllCountInAnyOrder() {
    SeededCases.forAll("counter increments", CASES, random -> {
      List<Fragment> fragments = history(random, false);
      long expected = fragments.stream().mapToLong(Fragment::delta).sum();
      byte[] first = null;
      for (int round = 0; round < 3; round++) {
        StoredRow merged = fold(shuffledWithDuplicates(fragments, random));
        assertEquals(expected, merged.cell(COLUMN) == null ? 0L : merged.cell(COLUMN).value());
        byte[] bytes = RowFormat.encode(merged);
        if (first != null) {
          assertArrayEquals(first, bytes);
        }
        first = bytes;
        assertEquals(merged, RowFormat.decode(bytes));
      }
    });
  }

  @Test
  void deletesDropWhatTheyStampOverAndTheMergeStaysAJoin() {
    SeededCases.forAll("counter deletes", CASES, random -> {
      List<Fragment> fragments = history(random, true);
      Stamp tombstone = null;
      for (Fragment f : fragments) {
        if (f.delete() && (tombstone == null || f.stamp().after(tombstone))) {
          tombstone = f.stamp();
        }
      }
      // Reference: per region, its latest contribution, when stamped after the last DELETE.
      java.util.Map<Integer, Fragment> latest = new java.util.HashMap<>();
      for (Fragment f : fragments) {
        if (!f.delete()) {
          latest.merge(f.origin(), f, (a, b) -> a.stamp().after(b.stamp()) ? a : b);
        }
      }
      long expected = 0;
      boolean any = false;
      for (Fragment f : latest.values()) {
        if (tombstone == null || f.stamp().after(tombstone)) {
          expected += Counter.decode(f.row().cell(COLUMN).encodedValue()).contribution(f.origin());
          any = true;
        }
      }
      List<StoredRow> rows = shuffledWithDuplicates(fragments, random);
      StoredRow inOrder = fold(rows);
      Collections.shuffle(rows, new java.util.Random(random.nextLong()));
      StoredRow other = fold(rows);
      assertArrayEquals(RowFormat.encode(inOrder), RowFormat.encode(other));
      Cell cell = inOrder.cell(COLUMN);
      assertEquals(any ? (Object) expected : null, cell == null ? null : cell.value());
      for (int k = 0; k < 3; k++) {
        // Idempotent and commutative on arbitrary partial merges.
        StoredRow a = fold(rows.subList(0, random.nextInt(rows.size() + 1)));
        StoredRow b = fold(rows.subList(random.nextInt(rows.size() + 1), rows.size()));
        assertArrayEquals(RowFormat.encode(merge(a, b)), RowFormat.encode(merge(b, a)));
        assertArrayEquals(RowFormat.encode(merge(a, b)), RowFormat.encode(merge(merge(a, b), b)));
      }
    });
  }

  @Test
  void aRegionsShareIsWhatItsLinkShips() {
    Stamp us = new Stamp(Stamp.hlc(10, 0), 1);
    Stamp eu = new Stamp(Stamp.hlc(12, 0), 2);
    StoredRow row = merge(counterRow(us, 5), counterRow(eu, -2));
    assertEquals(3L, row.cell(COLUMN).value());
    StoredRow mine = row.originatedIn(1);
    assertEquals(5L, mine.cell(COLUMN).value());
    assertEquals(us, mine.cell(COLUMN).stamp());
    assertEquals(-2L, row.originatedIn(2).cell(COLUMN).value());
    assertEquals(null, row.originatedIn(3).cell(COLUMN));
  }

  @Test
  void corruptCountersAreRefused() {
    Stamp s = new Stamp(Stamp.hlc(10, 0), 1);
    byte[] good = RowFormat.encode(counterRow(s, 5));
    byte[] wrongStamp = good.clone();
    // The counter cell (after the 22-byte key cell) is stamped at bytes 32-43: move its hlc.
    wrongStamp[39] ^= 1;
    assertThrows(MeridianException.class, () -> RowFormat.decode(wrongStamp));
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThrows(MeridianException.class, () -> RowFormat.decode(truncated));
    }
  }

  private static List<Fragment> history(SplittableRandom random, boolean deletes) {
    List<Fragment> out = new ArrayList<>();
    int regions = 1 + random.nextInt(4);
    long[] contribution = new long[regions];
    long[] clock = new long[regions];
    int steps = 1 + random.nextInt(12);
    for (int i = 0; i < steps; i++) {
      int r = random.nextInt(regions);
      clock[r] += 1 + random.nextInt(5);
      Stamp stamp = new Stamp(Stamp.hlc(clock[r], 0), r + 1);
      if (deletes && random.nextInt(5) == 0) {
        out.add(new Fragment(StoredRow.deleted(stamp), stamp, 0, r + 1, true));
        continue;
      }
      long delta = random.nextInt(-5, 10);
      contribution[r] += delta;
      out.add(new Fragment(counterRow(stamp, contribution[r]), stamp, delta, r + 1, false));
    }
    return out;
  }

  private static StoredRow counterRow(Stamp stamp, long contribution) {
    return StoredRow.of(null, List.of(Cell.of(0, stamp, "k"),
        Cell.counter(COLUMN, Counter.of(stamp, contribution))));
  }

  private static List<StoredRow> shuffledWithDuplicates(List<Fragment> fragments,
      SplittableRandom random) {
    List<StoredRow> rows = new ArrayList<>();
    for (Fragment f : fragments) {
      rows.add(f.row());
      if (random.nextInt(3) == 0) {
        rows.add(f.row());
      }
    }
    Collections.shuffle(rows, new java.util.Random(random.nextLong()));
    return rows;
  }

  private static StoredRow fold(List<StoredRow> rows) {
    StoredRow acc = StoredRow.EMPTY;
    for (StoredRow r : rows) {
      acc = merge(acc, r);
    }
    return acc;
  }

  private static StoredRow merge(StoredRow a, StoredRow b) {
    return RowMerge.merge(a, b, ConflictResolution.CELL);
  }
}
