package dev.meridian.driver.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer drives the session token's text reader with arbitrary text: it reads it or fails with
 * {@code 22023}, and what it read encodes and reads back alike. Under a plain test run this
 * replays the seed corpus; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class SessionTokenFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parsingFailsOnlyWith22023(byte[] input) {
    SessionTokenTest.expectReadOr22023(new String(input, StandardCharsets.UTF_8));
  }
}
