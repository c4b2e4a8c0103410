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
    clock.observe(far);
    assertEquals(1, clock.skewEvents(), "501 ms ahead exceeds the 500 ms offset");
    assertTrue(clock.now() > far, "a skewed stamp is still accepted");
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
    assertTrue(clock.now() > s.hlc(), "the clock moved past the floor");

    Stamp fresh = clock.stampAfter(Stamp.ZERO);
    assertTrue(fresh.hlc() > s.hlc());
  }

  @Test
  void refusesToWrapAtTheLargestValue() {
    clock.observe(Long.MAX_VALUE);
    assertThrows(MeridianException.class, clock::now);
    assertThrows(MeridianException.class,
        () -> new HybridClock(REGION, 500, physical::get).stampAfter(new Stamp(Long.MAX_VALUE, 0)));
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
