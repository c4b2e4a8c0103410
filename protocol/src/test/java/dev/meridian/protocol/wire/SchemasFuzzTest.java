package dev.meridian.protocol.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer drives the table definition decoder (capacity limits included) with arbitrary bytes:
 * only {@code 08P01} may come out. Under a plain test run this replays the committed seed
 * corpus; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class SchemasFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void schemaDecoderFailsOnlyWithProtocolViolation(byte[] input) {
    SchemasTest.readExpectingOnlyProtocolErrors(input, 0);
  }
}
