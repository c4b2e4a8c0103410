package dev.meridian.router.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RttAveragesTest {

  @Test
  void theFirstSampleIsTakenAsIsThenEachWeighsAlpha() {
    RttAverages a = new RttAverages(2, 0.2);
    assertTrue(Double.isNaN(a.average(0)));
    a.record(0, 100);
    assertEquals(100.0, a.average(0), 1e-9);
    a.record(0, 200);
    assertEquals(120.0, a.average(0), 1e-9);
    assertTrue(Double.isNaN(a.average(1)));
  }
}
