package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Jazzer on the published conflict-log bytes: any input decodes or is refused with
 * {@link IllegalArgumentException}, never another exception, and what decodes encodes back to
 * the same bytes. Under a plain test run this replays the seed corpus; with
 * {@code JAZZER_FUZZ=1} it fuzzes.
 */
class ConflictEntryFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void anyBytesDecodeOrAreRefused(byte[] input) {
    List<ConflictEntry> entries;
    try {
      entries = ConflictEntry.decode(input);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertArrayEquals(input, ConflictEntry.encode(entries));
  }
}
