package dev.meridian.peer.internal.replication;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer drives the {@link ReplicationSimulation}: the fuzz input is the source of every
 * choice of the run, so coverage guidance steers schedules towards new paths of the link and
 * repair code. In a normal build only the stored inputs run.
 */
class ReplicationSimulationFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void anyScheduleConvergesToTheReferenceModel(FuzzedDataProvider data) {
    ReplicationSimulation.run(Choices.of(data), false);
  }
}
