package dev.meridian.router.internal;

import static dev.meridian.router.internal.RoutingSimulator.chosenAt;
import static dev.meridian.router.internal.RoutingSimulator.firstChosen;
import static dev.meridian.router.internal.RoutingSimulator.switches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.router.api.RoutingContext;
import dev.meridian.router.api.RoutingPolicy.Operation;
import dev.meridian.router.internal.RoutingSimulator.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NearestHealthyPolicyTest {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";
  private static final String AP = "ap-southeast-1";

  private static RoutingSimulator threeRegions() {
    return new RoutingSimulator(EU, US, EU, AP).rtt(EU, 5).rtt(US, 80).rtt(AP, 40);
  }

  @Test
  void homeWhileHealthyEvenWhenOthersAreNearer() {
    List<Step> steps = threeRegions().rtt(EU, 300).rtt(AP, 20).run(new NearestHealthyPolicy(), 10_000, 100);
    assertEquals(0, switches(steps));
    assertEquals(EU, chosenAt(steps, 10_000));
    assertEquals(List.of(EU, AP, US), steps.get(steps.size() - 1).plan());
  }

  @Test
  void nearestHealthyByMeasuredRoundTripWhenHomeDies() {
    List<Step> steps = threeRegions().down(EU, 2_000, Long.MAX_VALUE).run(new NearestHealthyPolicy(), 10_000, 100);
    assertEquals(EU, chosenAt(steps, 1_900));
    assertEquals(AP, chosenAt(steps, 2_000));
    assertEquals(List.of(AP, US), steps.get(steps.size() - 1).plan());
    assertEquals(1, switches(steps));
  }

  @Test
  void aFailoverRegionThatTurnsSlowLosesToTheNextNearest() {
    List<Step> steps = threeRegions()
        .down(EU, 1_000, Long.MAX_VALUE)
        .rtt(AP, t -> t < 5_000 ? 40 : 400)
        .run(new NearestHealthyPolicy(), 10_000, 100);
    assertEquals(AP, chosenAt(steps, 4_900));
    assertEquals(US, chosenAt(steps, 5_200));
    assertEquals(US, chosenAt(steps, 10_000));
    assertEquals(2, switches(steps));
  }

  @Test
  void twoRegionsAtAboutTheSameDistanceDoNotTradePlacesWhileHomeIsAway() {
    // AP and US alternate between 1.0 and 1.3 ms out of step, as loopback round trips do: the
    // nearer one changes with every sample, but never by the 20 % and 1 ms it takes to switch.
    List<Step> steps = new RoutingSimulator(EU, US, EU, AP)
        .rtt(EU, 1)
        .rtt(US, t -> (t / 100) % 2 == 0 ? 1 : 2)
        .rtt(AP, t -> (t / 100) % 2 == 0 ? 2 : 1)
        .down(EU, 1_000, Long.MAX_VALUE)
        .run(new NearestHealthyPolicy(), 20_000, 100);
    assertEquals(1, switches(steps), "the failover region changed without being clearly nearer");
  }

  @Test
  void returnsHomeOnlyAfterTheHysteresisPeriod() {
    // Down at 1 s; the probe at 2 s fails, so the next waits 2 s; it succeeds at 4 s; home
    // has then been healthy for 5 s at 9 s.
    List<Step> steps = threeRegions().down(EU, 1_000, 3_000).run(new NearestHealthyPolicy(), 12_000, 100);
    assertEquals(AP, chosenAt(steps, 1_000));
    assertEquals(AP, chosenAt(steps, 8_900));
    assertEquals(List.of(AP, US, EU), steps.get(89).plan());
    assertEquals(9_000, firstChosen(steps, EU, 1_000));
    assertEquals(2, switches(steps));
  }

  @Test
  void noFlappingWhileHomeFlapsFasterThanTheHysteresis() {
    // Home is down 500 ms of every second from 1 s to 19.5 s, and probes see every change.
    List<Step> steps = threeRegions()
        .setting(NearestHealthySettings.PROBE_BACKOFF_MS, "100")
        .setting(NearestHealthySettings.PROBE_BACKOFF_MAX_MS, "100")
        .flap(EU, 1_000, 20_000, 500)
        .run(new NearestHealthyPolicy(), 30_000, 100);
    assertEquals(AP, chosenAt(steps, 1_000));
    assertEquals(24_500, firstChosen(steps, EU, 1_000));
    assertEquals(2, switches(steps));
  }

  @Test
  void aHysteresisSettingIsHonoured() {
    List<Step> steps = threeRegions()
        .setting(NearestHealthySettings.HYSTERESIS_MS, "0")
        .down(EU, 1_000, 3_000)
        .run(new NearestHealthyPolicy(), 6_000, 100);
    assertEquals(4_000, firstChosen(steps, EU, 1_000));
  }

  @Test
  void tiesAreBrokenByConfiguredOrder() {
    List<Step> steps = new RoutingSimulator(EU, US, EU, AP).rtt(US, 80).rtt(AP, 80)
        .down(EU, 0, Long.MAX_VALUE).run(new NearestHealthyPolicy(), 1_000, 100);
    assertEquals(List.of(US, AP), steps.get(0).plan());
    steps = new RoutingSimulator(EU, AP, EU, US).rtt(US, 80).rtt(AP, 80)
        .down(EU, 0, Long.MAX_VALUE).run(new NearestHealthyPolicy(), 1_000, 100);
    assertEquals(List.of(AP, US), steps.get(0).plan());
    assertEquals(0, switches(steps));
  }

  @Test
  void regionsWithoutASampleComeAfterMeasuredOnes() {
    NearestHealthyPolicy p = new NearestHealthyPolicy();
    p.init(new RoutingContext(EU, List.of(US, EU, AP), Map.of(), () -> 0));
    p.recordLatency(AP, 900_000_000);
    p.regionDown(EU);
    assertEquals(List.of(AP, US), p.plan(Operation.WRITE));
  }

  @Test
  void everyRegionDownStillTriesThemAllHomeFirst() {
    List<Step> steps = threeRegions()
        .down(EU, 1_000, 2_000).down(US, 1_000, 2_000).down(AP, 1_000, 2_000)
        .run(new NearestHealthyPolicy(), 1_500, 100);
    assertEquals(List.of(EU, AP, US), steps.get(15).plan());
  }

  @Test
  void aSettlingHomeServesWhenNothingElseIsUp() {
    List<Step> steps = threeRegions()
        .down(EU, 1_000, 3_000).down(US, 2_000, Long.MAX_VALUE).down(AP, 2_000, Long.MAX_VALUE)
        .run(new NearestHealthyPolicy(), 4_000, 100);
    assertEquals(List.of(EU), steps.get(40).plan());
  }

  @Test
  void aDownRegionIsProbedWithDoublingBackOff() {
    AtomicLong nanos = new AtomicLong();
    NearestHealthyPolicy p = new NearestHealthyPolicy();
    p.init(new RoutingContext(EU, List.of(US, EU), Map.of(), nanos::get));
    p.regionDown(US);
    List<Long> waits = new ArrayList<>();
    long last = 0;
    for (long ms = 0; ms <= 120_000; ms += 10) {
      nanos.set(TimeUnit.MILLISECONDS.toNanos(ms));
      List<String> due = p.probes();
      if (!due.isEmpty()) {
        assertEquals(List.of(US), due);
        waits.add(ms - last);
        last = ms;
        p.regionDown(US); // the probe failed
      }
    }
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L), waits.subList(0, 7));
    p.regionUp(US);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertEquals(List.of(), p.probes());
    p.regionDown(US);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1_000));
    assertEquals(List.of(US), p.probes());
    assertEquals(List.of(), p.probes());
  }

  @Test
  void repeatedPlansShareOneList() {
    AtomicLong nanos = new AtomicLong();
    NearestHealthyPolicy p = new NearestHealthyPolicy();
    p.init(new RoutingContext(EU, List.of(US, EU, AP), Map.of(), nanos::get));
    List<String> first = p.plan(Operation.READ);
    assertSame(first, p.plan(Operation.READ));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1)); // past the ranking refresh, same order
    assertSame(first, p.plan(Operation.READ));
    assertThrows(UnsupportedOperationException.class, () -> first.add(AP));
  }

  @Test
  void lifecycleMisuseIsRejected() {
    NearestHealthyPolicy p = new NearestHealthyPolicy();
    assertThrows(IllegalStateException.class, () -> p.plan(Operation.READ));
    assertThrows(IllegalStateException.class, () -> p.regionDown(EU));
    RoutingContext context = RoutingContext.of(EU, List.of(EU, US));
    p.init(context);
    assertThrows(IllegalStateException.class, () -> p.init(context));
    assertThrows(IllegalArgumentException.class, () -> p.regionUp("mars-1"));
    assertThrows(IllegalArgumentException.class, () -> p.recordLatency(US, -1));
    p.close();
    assertThrows(IllegalStateException.class, () -> p.plan(Operation.READ));
  }

  @Test
  void invalidSettingsAreRejectedWith22023() {
    assertInvalid(Map.of(NearestHealthySettings.HYSTERESIS_MS, "5s"), "not a whole number");
    assertInvalid(Map.of(NearestHealthySettings.HYSTERESIS_MS, "-1"), "use 0 to");
    assertInvalid(Map.of(NearestHealthySettings.RTT_ALPHA, "0"), "(0, 1]");
    assertInvalid(Map.of(NearestHealthySettings.RTT_ALPHA, "x"), "not a number");
    assertInvalid(Map.of(NearestHealthySettings.PROBE_BACKOFF_MS, "0"), "1 or more");
    assertInvalid(Map.of(NearestHealthySettings.PROBE_BACKOFF_MS, "2000",
        NearestHealthySettings.PROBE_BACKOFF_MAX_MS, "1000"), "less than");
  }

  @Test
  void concurrentPlansDuringEventsAreNeverEmpty() throws InterruptedException {
    NearestHealthyPolicy p = new NearestHealthyPolicy();
    p.init(new RoutingContext(EU, List.of(US, EU, AP), Map.of(NearestHealthySettings.RANK_REFRESH_MS, "0"),
        System::nanoTime));
    List<Throwable> failures = new ArrayList<>();
    AtomicBoolean eventsRunning = new AtomicBoolean();
    AtomicBoolean eventsDone = new AtomicBoolean();
    AtomicLong plansDuringEvents = new AtomicLong();
    CountDownLatch plannerStarted = new CountDownLatch(1);
    Thread planner = new Thread(() -> {
      try {
        plannerStarted.countDown();
        while (!eventsDone.get()) {
          boolean during = eventsRunning.get();
          List<String> plan = p.plan(Operation.READ);
          if (plan.isEmpty()) {
            throw new AssertionError("empty plan");
          }
          if (during && eventsRunning.get()) {
            plansDuringEvents.incrementAndGet();
          }
        }
      } catch (Throwable t) {
        synchronized (failures) {
          failures.add(t);
        }
      }
    }, "planner");
    planner.start();
    assertTrue(plannerStarted.await(30, TimeUnit.SECONDS), "the planner thread never started");
    eventsRunning.set(true);
    // Events go on until the planner has planned many times while they ran (or failed), so the
    // two overlap however the threads are scheduled.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int i = 0; i < 20_000 || (plansDuringEvents.get() < 10_000 && planner.isAlive()
        && System.nanoTime() < deadline); i++) {
      String r = i % 3 == 0 ? EU : i % 3 == 1 ? US : AP;
      if (i % 2 == 0) {
        p.regionDown(r);
      } else {
        p.regionUp(r);
      }
      p.recordLatency(r, i % 20_000);
    }
    eventsRunning.set(false);
    eventsDone.set(true);
    planner.join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(planner.isAlive(), "the planner thread did not finish");
    synchronized (failures) {
      assertTrue(failures.isEmpty(), failures::toString);
    }
    assertTrue(plansDuringEvents.get() >= 10_000,
        "only " + plansDuringEvents.get() + " plans overlapped the events");
  }

  private static void assertInvalid(Map<String, String> settings, String messagePart) {
    NearestHealthyPolicy p = new NearestHealthyPolicy();
    MeridianException e = assertThrows(MeridianException.class,
        () -> p.init(new RoutingContext(EU, List.of(EU), settings, () -> 0)));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }
}
