package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.peer.testing.SeededCases;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes peers publish their conflict logs in: round trip and refusal of broken input. */
class ConflictEntryTest {

  static List<ConflictEntry> entries(java.util.SplittableRandom random) {
    List<ConflictEntry> out = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[random.nextInt(6)];
      random.nextBytes(key);
      byte[] value = new byte[random.nextInt(6)];
      random.nextBytes(value);
      out.add(new ConflictEntry(random.nextLong(), key, random.nextInt(50), value,
          new Stamp(random.nextLong(), random.nextInt()),
          new Stamp(random.nextLong(), random.nextInt()), random.nextBoolean(),
          random.nextLong()));
    }
    return out;
  }

  @Test
  void entriesRoundTrip() {
    SeededCases.forAll("conflict entries round trip", 2_000, random -> {
      List<ConflictEntry> e = entries(random);
      assertEquals(e, ConflictEntry.decode(ConflictEntry.encode(e)));
    });
  }

  @Test
  void everyTruncationAndTrailingByteIsRefused() {
    SeededCases.forAll("conflict entries truncated", 300, random -> {
      byte[] bytes = ConflictEntry.encode(entries(random));
      for (int n = 0; n < bytes.length; n++) {
        byte[] cut = Arrays.copyOf(bytes, n);
        assertThrows(IllegalArgumentException.class, () -> ConflictEntry.decode(cut),
            "cut at " + n + " of " + bytes.length);
      }
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertThrows(IllegalArgumentException.class, () -> ConflictEntry.decode(longer));
    });
  }

  @Test
  void anotherVersionIsRefused() {
    byte[] bytes = ConflictEntry.encode(List.of());
    bytes[0] = 2;
    assertThrows(IllegalArgumentException.class, () -> ConflictEntry.decode(bytes));
  }
}
