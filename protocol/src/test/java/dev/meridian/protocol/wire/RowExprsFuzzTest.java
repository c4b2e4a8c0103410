package dev.meridian.protocol.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer drives the expression decoder, and the interpreter on whatever decodes, with arbitrary
 * bytes: only {@code 08P01} may come out of decoding and only SQL errors out of evaluation.
 * Under a plain test run this replays the committed seed corpus; with {@code JAZZER_FUZZ=1} it
 * fuzzes.
 */
class RowExprsFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decoderAndInterpreterFailOnlyWithSqlErrors(byte[] input) {
    RowExprsTest.decodeExpectingOnlyProtocolErrors(input);
  }
}
