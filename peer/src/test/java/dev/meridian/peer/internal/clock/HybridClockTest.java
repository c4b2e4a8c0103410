package dev.meridian.peer.internal.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {
  private static final int REGION = Stamp.regionId("eu-west-1");

  private final AtomicLong physical = new AtomicLong(1_000_000);
  private final HybridClock clock = new HybridClock(REGION, 500, physical::get);

  @Test
  void ticksCountLogicallyWhilePhysicalTimeStands() {
    long a = clock.now();
    long b = clock.now();
    assertEquals(Stamp.hlc(1_000_000, 0), a);
    assertEquals(Stamp.hlc(1_000_000, 1), b);
  }

  @Test
  void logicalCounterResetsWhenPhysicalTimeMoves() {
    clock.now();
    clock.now();
    physical.set(1_000_005);
    assertEquals(Stamp.hlc(1_000_005, 0), clock.now());
  }

  @Test
  void neverGoesBackWhenPhysicalTimeDoes() {
    long a = clock.now();
    physical.set(999_000);
    long b = clock.now();
    assertTrue(b > a);
    assertEquals(new Stamp(a, 0).millis(), new Stamp(b, 0).millis());
  }

  @Test
  void logicalOverflowCarriesIntoMillis() {
    clock.observe(Stamp.hlc(1_000_000, (int) Stamp.LOGICAL_MASK));
    assertEquals(Stamp.hlc(1_000_001, 0), clock.now());
  }

  @Test
  void observedStampsAreExceededAndSkewIsCounted() {
    long near = Stamp.hlc(1_000_400, 3);
    clock.observe(near);
    assertEquals(0, clock.skewEvents());
    assertTrue(clock.now() > near);

    long far = Stamp.hlc(1_000_501, 0);
    assertTrue(clock.observe(far));
    assertEquals(1, clock.skewEvents(), "501 ms ahead exceeds the 500 ms offset");
    assertTrue(clock.now() < far, "a stamp beyond the offset does not drag the clock");
  }

  @Test
  void aStampADayAheadDoesNotDragTheClockButItsRowStillOrdersAfterIt() {
    long dayAhead = Stamp.hlc(1_000_000 + 86_400_000L, 5);
    clock.observe(dayAhead);
    long local = clock.now();
    assertTrue(local >> Stamp.LOGICAL_BITS <= 1_000_000 + 500, "the clock stays near physical time");
    Stamp onThatRow = clock.stampAfter(new Stamp(dayAhead, 99));
    assertEquals(dayAhead + 1, onThatRow.hlc(), "the row's next stamp is just above what it holds");
    Stamp again = clock.stampAfter(onThatRow);
    assertTrue(again.after(onThatRow), "per row, stamps keep increasing");
    assertTrue(clock.now() < dayAhead, "and the clock was not dragged by either");
  }

  @Test
  void observingThePastChangesNothing() {
    long a = clock.now();
    clock.observe(Stamp.hlc(10, 0));
    assertEquals(a + 1, clock.now());
    assertEquals(0, clock.skewEvents());
  }

  @Test
  void stampAfterExceedsFloorAndClockAndCarriesRegion() {
    Stamp floor = new Stamp(Stamp.hlc(2_000_000, 7), Integer.MAX_VALUE);
    Stamp s = clock.stampAfter(floor);
    assertTrue(s.after(floor));
    assertEquals(REGION, s.origin());
    assertEquals(Stamp.hlc(2_000_000, 8), s.hlc());
    assertTrue(clock.now() < s.hlc(), "a floor far ahead does not move the clock");

    Stamp nearFloor = new Stamp(Stamp.hlc(1_000_300, 2), 1);
    Stamp t = clock.stampAfter(nearFloor);
    assertEquals(Stamp.hlc(1_000_300, 3), t.hlc());
    assertTrue(clock.now() > t.hlc(), "a floor within the offset moves the clock past it");
  }

  @Test
  void theLargestValueLeavesTheClockAbleToStampAndOnlyItsRowRefuses() {
    assertTrue(clock.observe(Long.MAX_VALUE));
    long t = clock.now();
    assertTrue(clock.now() > t);
    assertThrows(MeridianException.class, () -> clock.stampAfter(new Stamp(Long.MAX_VALUE, 0)));
    assertTrue(clock.stampAfter(Stamp.ZERO).hlc() > t, "other rows are still written");
  }

  @Test
  void concurrentTicksAreUnique() throws InterruptedException {
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    AtomicLong duplicates = new AtomicLong();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (!seen.add(clock.now())) {
            duplicates.incrementAndGet();
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(0, duplicates.get());
    assertEquals(80_000, seen.size());
  }

  @Test
  void currentReadsWithoutTicking() {
    long a = clock.current();
    assertEquals(a, clock.current());
    assertTrue(clock.now() >= a);
  }
}
