package dev.meridian.protocol.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer drives the decoders with arbitrary bytes: only {@code 08P01} may come out. Under a
 * plain test run this replays the seed corpus; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class ProtocolCodecFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void requestDecoderFailsOnlyWithProtocolViolation(byte[] input) {
    ProtocolCodecTest.decodeExpectingOnlyProtocolErrors(input, 0, true);
  }

  @FuzzTest(maxDuration = "10s")
  void responseDecoderFailsOnlyWithProtocolViolation(byte[] input) {
    ProtocolCodecTest.decodeExpectingOnlyProtocolErrors(input, 0, false);
  }
}
