package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyBytesTest {

  @Test
  void murmur3MatchesTheReferenceVectors() {
    // Published MurmurHash3_x86_32 vectors (seed 0) check the algorithm; the seed Hazelcast
    // uses is checked against Hazelcast itself in the peer's tests.
    assertEquals(0, murmurSeed0(new byte[0]));
    assertEquals(0x248bfa47, murmurSeed0("hello".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0x2e4ff723, murmurSeed0("The quick brown fox jumps over the lazy dog"
        .getBytes(StandardCharsets.US_ASCII)));
  }

  private static int murmurSeed0(byte[] data) {
    return KeyBytes.murmur3(data, 0);
  }

  @Test
  void equalKeysAreEqualBytesAndPartitionsAreInRange() {
    assertArrayEquals(KeyBytes.encode(new Object[] {0.0d}), KeyBytes.encode(new Object[] {-0.0d}));
    assertArrayEquals(KeyBytes.encode(new Object[] {Float.NaN}),
        KeyBytes.encode(new Object[] {Float.intBitsToFloat(0x7fc00001)}));
    for (long i = 0; i < 10_000; i++) {
      int p = KeyBytes.partition(KeyBytes.encode(new Object[] {i, "k" + i}), 271);
      assertTrue(p >= 0 && p < 271);
    }
  }
}
