package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.protocol.types.Stamp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conflict log keeps within its bounds, per table, by count and by age. */
class ConflictLogTest {
  private static final Stamp WINNER = new Stamp(Stamp.hlc(5_000, 0), 2);

  private static List<FragmentApply.Discarded> lost(long i) {
    return List.of(new FragmentApply.Discarded(
        Cell.of(1, new Stamp(Stamp.hlc(1_000, (int) (i & 0xffff)), 1), "v" + i), WINNER, false));
  }

  @Test
  void aFloodOfConflictsKeepsTheNewestWithinTheCountPerTable() {
    ConflictLog log = new ConflictLog(100, 60_000);
    for (long i = 0; i < 10_000; i++) {
      log.record(1, new byte[] {(byte) i}, lost(i), 1_000 + i);
      log.record(2, new byte[] {(byte) i}, lost(i), 1_000 + i);
    }
    List<ConflictEntry> kept = log.entries(20_000);
    assertEquals(200, kept.size());
    assertEquals(100, kept.stream().filter(e -> e.tableId() == 1).count());
    assertTrue(kept.stream().allMatch(e -> e.observedAtMillis() >= 1_000 + 9_900),
        "only the newest are kept");
    assertEquals(20_000, log.recorded());
    assertEquals(19_800, log.evicted());
  }

  @Test
  void entriesOlderThanTheAgeBoundAreDropped() {
    ConflictLog log = new ConflictLog(100, 1_000);
    log.record(1, new byte[] {1}, lost(1), 10_000);
    log.record(1, new byte[] {2}, lost(2), 10_500);
    assertEquals(2, log.entries(11_000).size());
    List<ConflictEntry> left = log.entries(11_200);
    assertEquals(1, left.size());
    assertEquals(10_500, left.get(0).observedAtMillis());
    assertEquals(List.of(), log.entries(12_000));
  }

  @Test
  void aLogOfSizeZeroIsOffAndNegativeBoundsAreRefused() {
    ConflictLog off = new ConflictLog(0, 1_000);
    off.record(1, new byte[] {1}, lost(1), 10_000);
    assertEquals(List.of(), off.entries(10_000));
    assertEquals(0, off.recorded());
    assertThrows(IllegalArgumentException.class, () -> new ConflictLog(-1, 1_000));
  }
}
