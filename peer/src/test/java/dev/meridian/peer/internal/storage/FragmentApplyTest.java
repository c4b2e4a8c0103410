package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.Counter;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which incoming cells an apply reports as thrown away, and what beat each. */
class FragmentApplyTest {
  private static final int BOSTON = Stamp.regionId("us-east-1");
  private static final int DUBLIN = Stamp.regionId("eu-west-1");

  private static Stamp at(long millis, int origin) {
    return new Stamp(Stamp.hlc(millis, 0), origin);
  }

  private static StoredRow city(Stamp s, String city) {
    return StoredRow.of(null, List.of(Cell.of(0, s, 1L), Cell.of(1, s, city)));
  }

  private static List<FragmentApply.Discarded> apply(StoredRow stored, StoredRow incoming,
      ConflictResolution resolution) {
    return FragmentApply.apply(stored, incoming, resolution, null, null).discarded();
  }

  @Test
  void anOlderIncomingValueIsReportedWithTheStampThatBeatIt() {
    Stamp boston = at(1_000, BOSTON);
    Stamp dublin = at(2_000, DUBLIN);
    List<FragmentApply.Discarded> lost = apply(city(dublin, "Dublin"), city(boston, "Boston"),
        ConflictResolution.CELL);
    assertEquals(1, lost.size(), "the city, not the key cell of the same value: " + lost);
    FragmentApply.Discarded c = lost.get(0);
    assertEquals("Boston", c.lost().value());
    assertEquals(boston, c.lost().stamp());
    assertEquals(dublin, c.winner());
    assertEquals(false, c.byTombstone());
  }

  @Test
  void aNewerIncomingValueOverwritesWithoutAnEntry() {
    Stamp boston = at(1_000, BOSTON);
    Stamp dublin = at(2_000, DUBLIN);
    assertEquals(List.of(), apply(city(boston, "Boston"), city(dublin, "Dublin"),
        ConflictResolution.CELL));
    assertEquals(List.of(), apply(city(dublin, "Dublin"), city(dublin, "Dublin"),
        ConflictResolution.CELL), "a duplicate loses nothing");
    assertEquals(List.of(), apply(StoredRow.EMPTY, city(boston, "Boston"),
        ConflictResolution.CELL));
  }

  @Test
  void aCellHiddenByAHigherTombstoneIsReportedAsLostToTheDelete() {
    Stamp boston = at(1_000, BOSTON);
    Stamp delete = at(2_000, DUBLIN);
    List<FragmentApply.Discarded> lost = apply(StoredRow.deleted(delete),
        city(boston, "Boston"), ConflictResolution.CELL);
    assertEquals(2, lost.size());
    assertTrue(lost.stream().allMatch(d -> d.byTombstone() && d.winner().equals(delete)));
  }

  @Test
  void aLosingTombstoneAndCounterContributionsLoseNoValue() {
    Stamp early = at(1_000, BOSTON);
    Stamp late = at(2_000, DUBLIN);
    assertEquals(List.of(), apply(StoredRow.deleted(late), StoredRow.deleted(early),
        ConflictResolution.CELL));
    StoredRow stored = StoredRow.of(null, List.of(Cell.counter(1, Counter.of(late, 5))));
    StoredRow incoming = StoredRow.of(null, List.of(Cell.counter(1, Counter.of(early, 2))));
    assertEquals(List.of(), apply(stored, incoming, ConflictResolution.CELL));
  }

  @Test
  void perRowResolutionReportsEveryCellOfTheLosingImage() {
    Stamp boston = at(1_000, BOSTON);
    Stamp dublin = at(2_000, DUBLIN);
    StoredRow stored = StoredRow.of(null, List.of(Cell.of(0, dublin, 1L)));
    StoredRow incoming = StoredRow.of(null, List.of(Cell.of(0, boston, 1L),
        Cell.of(2, boston, "only in the loser")));
    List<FragmentApply.Discarded> lost = apply(stored, incoming, ConflictResolution.ROW);
    assertEquals(1, lost.size(), lost.toString());
    assertEquals(2, lost.get(0).lost().column());
    assertTrue(lost.stream().allMatch(d -> d.winner().equals(dublin) && !d.byTombstone()));
  }

  @Test
  void aRefusedRowLogsNothing() {
    Stamp boston = at(1_000, BOSTON);
    Stamp dublin = at(2_000, DUBLIN);
    FragmentApply.Outcome o = FragmentApply.apply(city(dublin, "Dublin"),
        city(boston, "Boston"), ConflictResolution.CELL, merged -> false, null);
    assertTrue((o.flags() & ApplyProcessor.REFUSED) != 0);
    assertEquals(List.of(), o.discarded());
  }
}
