package dev.meridian.peer.internal.row;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meridian.peer.internal.row.RowMergeModel.Mode;
import dev.meridian.peer.testing.SeededCases;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowFormatTest {
  private static final int CASES = 5_000;

  @Test
  void javadocExampleIsTheEncodingOfADeletedRow() {
    assertEquals("010100000000000000050000000100000000",
        HexFormat.of().formatHex(RowFormat.encode(StoredRow.deleted(new Stamp(5, 1)))));
  }

  @Test
  void roundTripsEveryRow() {
    SeededCases.forAll("round trip", CASES, random -> {
      RowGen gen = new RowGen(random);
      StoredRow row = random.nextBoolean() ? gen.arbitrary() : gen.state(Mode.CELL);
      byte[] bytes = RowFormat.encode(row);
      StoredRow back = RowFormat.decode(bytes);
      assertEquals(row, back);
      assertArrayEquals(bytes, RowFormat.encode(back));
    });
  }

  @Test
  void truncatedRowsFailWithMeridianException() {
    SeededCases.forAll("truncation", CASES, random -> {
      byte[] bytes = RowFormat.encode(new RowGen(random).arbitrary());
      byte[] cut = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      MeridianException e = assertThrows(MeridianException.class, () -> RowFormat.decode(cut));
      assertEquals(SqlState.INTERNAL_ERROR, e.state());
    });
  }

  @Test
  void corruptOrRandomBytesFailOnlyWithMeridianException() {
    SeededCases.forAll("corruption", CASES, random -> {
      byte[] bytes;
      if (random.nextInt(4) == 0) {
        bytes = new byte[random.nextInt(64)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) random.nextInt(256);
        }
        if (bytes.length > 0 && random.nextBoolean()) {
          bytes[0] = RowFormat.VERSION;
        }
      } else {
        bytes = RowFormat.encode(new RowGen(random).arbitrary());
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips && bytes.length > 0; i++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      try {
        StoredRow row = RowFormat.decode(bytes);
        // Whatever decodes must be a row that re-encodes to the same bytes.
        assertArrayEquals(bytes, RowFormat.encode(row));
        row.visibleValues(8);
      } catch (MeridianException expected) {
        // the only acceptable failure
      } catch (RuntimeException e) {
        fail("decode threw " + e + " instead of a MeridianException", e);
      }
    });
  }

  @Test
  void rejectsTrailingBytesAndUnsortedColumns() {
    byte[] ok = RowFormat.encode(StoredRow.of(null, List.of(Cell.of(0, new Stamp(1, 1), 5L),
        Cell.of(3, new Stamp(1, 1), "x"))));
    byte[] trailing = Arrays.copyOf(ok, ok.length + 1);
    assertThrows(MeridianException.class, () -> RowFormat.decode(trailing));

    byte[] swapped = ok.clone();
    // Second cell's column index (after version, flags, count, first cell of 4+12+9 bytes).
    int second = 2 + 4 + 4 + 12 + 9;
    swapped[second + 3] = 0;
    assertThrows(MeridianException.class, () -> RowFormat.decode(swapped));
  }
}
