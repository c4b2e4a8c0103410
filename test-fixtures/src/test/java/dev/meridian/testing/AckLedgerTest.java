package dev.meridian.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger's rule for which write must win, on writes with explicit times. */
class AckLedgerTest {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";

  private static AckLedger.Write ack(AckLedger ledger, long key, long value, String region,
      long issued, long answered) {
    // Issued half-way through its millisecond, answered at the start of its own.
    return ledger.record(new AckLedger.Write(key, value, false, region, true, issued,
        issued * 1_000_000 + 500_000, answered, answered * 1_000_000));
  }

  private static Map<Long, Long> holding(long key, Long value) {
    Map<Long, Long> held = new HashMap<>();
    if (value != null) {
      held.put(key, value);
    }
    return held;
  }

  @Test
  void aSingleWritersLastWriteMustWinSoALostOneIsSeen() {
    AckLedger ledger = new AckLedger();
    ack(ledger, 1, 10, US, 100, 101);
    ack(ledger, 1, 11, US, 101, 102); // same millisecond as the first's answer, same region
    assertTrue(ledger.problems(US, holding(1, 11L)).isEmpty());
    assertEquals(1, ledger.problems(US, holding(1, 10L)).size(), "an older write won");
    assertEquals(1, ledger.problems(US, holding(1, null)).size(), "the row is gone");
    assertEquals(1, ledger.problems(US, holding(1, 99L)).size(), "no write made this value");
    assertThrows(AssertionError.class, () -> ledger.assertHolds(US, holding(1, 10L)));
  }

  @Test
  void concurrentWritesFromTwoRegionsMayEachWinButNotALaterOnesPredecessors() {
    AckLedger ledger = new AckLedger();
    ack(ledger, 1, 10, US, 100, 110);
    ack(ledger, 1, 20, EU, 105, 108);
    assertTrue(ledger.problems(EU, holding(1, 10L)).isEmpty());
    assertTrue(ledger.problems(EU, holding(1, 20L)).isEmpty());
    ack(ledger, 1, 30, EU, 111, 112); // issued after both were acknowledged
    assertEquals(1, ledger.problems(EU, holding(1, 10L)).size());
    assertEquals(1, ledger.problems(EU, holding(1, 20L)).size());
    assertTrue(ledger.problems(EU, holding(1, 30L)).isEmpty());
  }

  @Test
  void aDeleteThatWinsLeavesNoRow() {
    AckLedger ledger = new AckLedger();
    ack(ledger, 1, 10, US, 100, 101);
    ledger.record(new AckLedger.Write(1, 11, true, US, true, 102, 102_000_000, 103, 103_000_000));
    assertTrue(ledger.problems(US, holding(1, null)).isEmpty());
    assertEquals(1, ledger.problems(US, holding(1, 10L)).size());
  }

  @Test
  void aWriteOfUnknownOutcomeMayWinButBeatsNothing() {
    AckLedger ledger = new AckLedger();
    ack(ledger, 1, 10, US, 100, 101);
    ledger.record(new AckLedger.Write(1, 11, false, null, false, 102, 102_000_000, 103,
        103_000_000));
    assertTrue(ledger.problems(US, holding(1, 10L)).isEmpty(), "it may not have happened");
    assertTrue(ledger.problems(US, holding(1, 11L)).isEmpty(), "it may have happened");
    ack(ledger, 2, 20, US, 100, 101);
    ledger.record(new AckLedger.Write(2, 21, false, null, false, 90, 90_000_000, 99,
        99_000_000));
    assertEquals(1, ledger.problems(US, Map.of(1L, 10L, 2L, 21L)).size(),
        "an acknowledged write issued after it gave up must win");
  }

  @Test
  void writesTheContractMayLoseMayBeMissingButNotWrong() {
    AckLedger ledger = new AckLedger();
    ack(ledger, 1, 10, US, 100, 101);
    ack(ledger, 2, 20, US, 200, 201);
    ledger.mayBeLost(w -> w.answeredMillis() > 150);
    assertTrue(ledger.problems(EU, holding(1, 10L)).isEmpty());
    assertTrue(ledger.problems(EU, Map.of(1L, 10L)).isEmpty(), "key 2 died with its region");
    assertEquals(1, ledger.problems(EU, Map.of(1L, 10L, 2L, 7L)).size());
    assertEquals(1, ledger.problems(EU, Map.of()).size(), "key 1 was not at risk");
  }

  @Test
  void aPhantomWriteIsRecordedOnlyWhenAskedForAndThenFailsTheCheck() {
    AckLedger ledger = new AckLedger();
    ack(ledger, 1, 10, US, 100, 101);
    ledger.phantomIfAsked(US, 2, 20);
    assertTrue(ledger.problems(US, holding(1, 10L)).isEmpty(), "recorded without being asked");
    System.setProperty("meridian.it.phantomWrite", "true");
    try {
      ledger.phantomIfAsked(US, 2, 20);
    } finally {
      System.clearProperty("meridian.it.phantomWrite");
    }
    assertEquals(1, ledger.problems(US, holding(1, 10L)).size(), "the write never sent is missed");
  }
}
