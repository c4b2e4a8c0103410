package dev.meridian.peer.internal.replication;

import dev.meridian.peer.testing.SeededCases;
import org.junit.jupiter.api.Test;

/**
 * Active-active replication converges under any schedule: many seeded runs of the
 * {@link ReplicationSimulation}. A failure names the run's seed; {@code -Dmeridian.case=SEED}
 * replays that run alone and {@code -Dmeridian.trace=true} prints what happened in it.
 */
class ReplicationSimulationTest {
  private static final int RUNS = 2_000;

  @Test
  void everyScheduleConvergesToTheReferenceModel() {
    boolean tracing = Boolean.getBoolean("meridian.trace");
    long[] totals = new long[12];
    SeededCases.forAll("replication simulation", RUNS, random -> {
      ReplicationSimulation.Outcome o = ReplicationSimulation.run(Choices.of(random), tracing);
      long[] figures = {1, o.writes(), o.partsLost(), o.messagesLost(), o.duplicated(),
          o.historyGone(), o.repairs(), o.rowsRepaired(), o.skewEvents(), o.crashes(), o.wipes(),
          o.tasks()};
      for (int i = 0; i < figures.length; i++) {
        totals[i] += figures[i];
      }
    });
    System.out.printf("%d runs: %d writes (%d parts lost with wiped regions), %d messages lost,"
        + " %d duplicated, %d history gone, %d repairs shipping %d rows, %d skew events,"
        + " %d peer crashes, %d regions wiped, %d tasks%n", totals[0], totals[1], totals[2],
        totals[3], totals[4], totals[5], totals[6], totals[7], totals[8], totals[9], totals[10],
        totals[11]);
  }
}
