package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Request;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session token's listed writes, floors and text form. */
class SessionTokenTest {
  static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1");
  static final int US = Stamp.regionId("us-east-1");
  static final int EU = Stamp.regionId("eu-west-1");

  static Stamp at(long millis, int origin) {
    return new Stamp(Stamp.hlc(millis, 0), origin);
  }

  @Test
  void aLaterWriteOfTheSameColumnsOrADeleteReplacesEarlierOnesAndNothingElseDoes() {
    SessionToken t = new SessionToken(REGIONS, 10);
    t.wrote(at(1000, US), 7, new Object[] {1L}, new int[] {0, 1}, false);
    t.wrote(at(1001, US), 7, new Object[] {1L}, new int[] {0, 1, 2}, false);
    t.wrote(at(1002, US), 7, new Object[] {2L}, new int[] {0, 1}, false);
    t.wrote(at(1003, US), 7, new Object[] {2L}, new int[] {2}, false);
    t.wrote(at(1004, US), 8, new Object[] {1L}, new int[] {0}, false);
    SessionToken.Need need = t.needIn("eu-west-1", Map.of());
    assertEquals(4, need.rows().size(), need.rows().toString());
    t.wrote(at(1005, US), 7, new Object[] {2L}, new int[0], true);
    need = t.needIn("eu-west-1", Map.of());
    assertEquals(3, need.rows().size(), need.rows().toString());
    assertEquals(Map.of("us-east-1", 0L), need.floors());
    assertEquals(Map.of("us-east-1", Stamp.hlc(1005, 0)), need.required());
    // Home needs nothing of its own writes.
    assertTrue(t.needIn("us-east-1", Map.of()).isEmpty());
  }

  @Test
  void aFullListDropsItsOldestAndRaisesThatOriginsFloor() {
    SessionToken t = new SessionToken(REGIONS, 2);
    t.wrote(at(1000, US), 7, new Object[] {1L}, new int[] {0}, false);
    t.wrote(at(1001, EU), 7, new Object[] {2L}, new int[] {0}, false);
    t.wrote(at(1002, US), 7, new Object[] {3L}, new int[] {0}, false);
    SessionToken.Need need = t.needIn("ap-southeast-1", Map.of());
    assertEquals(2, need.rows().size());
    assertEquals(Map.of("us-east-1", Stamp.hlc(1000, 0), "eu-west-1", 0L), need.floors());
    // A region that already showed us-east-1's writes through 1002 is asked only for EU's.
    need = t.needIn("ap-southeast-1", Map.of("us-east-1", Stamp.hlc(1002, 0)));
    assertEquals(1, need.rows().size());
    assertEquals(EU, need.rows().get(0).stamp().origin());
    assertEquals(0L, need.floors().get("us-east-1"));
  }

  @Test
  void aReadByKeyCountsOnlyTheDroppedWritesThatMayBeOfItsRows() {
    SessionToken t = new SessionToken(REGIONS, 1);
    int writes = SessionToken.DROPPED + 2;
    for (int k = 1; k <= writes; k++) {
      t.wrote(at(1000 + k, US), 7, new Object[] {(long) k}, new int[] {0}, false);
    }
    // Listed: the last write. Remembered by row: the DROPPED before it. Forgotten: the first.
    SessionToken.Need five = t.needForRows("eu-west-1", Map.of(), 7, List.<Object[]>of(new Object[] {5L}));
    assertEquals(Map.of("us-east-1", Stamp.hlc(1005, 0)), five.floors());
    assertEquals(List.of(), five.rows());
    SessionToken.Need last = t.needForRows("eu-west-1", Map.of(), 7,
        List.<Object[]>of(new Object[] {(long) writes}));
    assertEquals(Map.of("us-east-1", Stamp.hlc(1001, 0)), last.floors(), "the forgotten one");
    assertEquals(1, last.rows().size());
    SessionToken.Need otherTable = t.needForRows("eu-west-1", Map.of(), 8,
        List.<Object[]>of(new Object[] {5L}));
    assertEquals(Map.of("us-east-1", Stamp.hlc(1001, 0)), otherTable.floors());
    // The full need's floor is the highest dropped write.
    assertEquals(Map.of("us-east-1", Stamp.hlc(1000 + writes - 1, 0)),
        t.needIn("eu-west-1", Map.of()).floors());
  }

  @Test
  void withNoListTheFiguresAloneVouch() {
    SessionToken t = new SessionToken(REGIONS, 0);
    t.wrote(at(1000, US), 7, new Object[] {1L}, new int[] {0}, false);
    assertFalse(t.listsFor(t.requiredIn("eu-west-1")));
    assertEquals("us-east-1:" + Stamp.hlc(1000, 0), t.encode());
  }

  @Test
  void theTextFormRoundTripsEveryKindOfKeyAndWrite() {
    SessionToken t = new SessionToken(REGIONS, 3);
    t.wrote(at(1000, US), 7, new Object[] {1L, "é/+:,;"}, new int[] {0, 4}, false);
    t.wrote(at(1001, EU), -2, new Object[] {new BigDecimal("1.50"), new byte[] {0, -1}},
        new int[0], true);
    t.wrote(at(1002, US), 9, new Object[] {true}, new int[] {1}, false);
    t.wrote(at(1003, US), 9, new Object[] {false}, new int[] {1}, false);
    String text = t.encode();
    assertTrue(text.contains(";"), text);
    SessionToken back = new SessionToken(REGIONS, 3);
    back.replaceWith(text);
    assertEquals(text, back.encode());
    assertEquals(describe(t.needIn("ap-southeast-1", Map.of())),
        describe(back.needIn("ap-southeast-1", Map.of())));
    // A connection listing fewer writes keeps the newest and raises floors for the rest.
    SessionToken small = new SessionToken(REGIONS, 1);
    small.replaceWith(text);
    SessionToken.Need need = small.needIn("ap-southeast-1", Map.of());
    assertEquals(1, need.rows().size());
    assertEquals(Stamp.hlc(1003, 0), need.rows().get(0).stamp().hlc());
    // The old form (no floors, no writes) still reads.
    SessionToken old = new SessionToken(REGIONS, 3);
    old.replaceWith("us-east-1:" + Stamp.hlc(1000, 0));
    assertFalse(old.listsFor(old.requiredIn("eu-west-1")));
  }

  @Test
  void everyTruncationOfATokenReadsOrFailsWith22023() {
    SessionToken t = new SessionToken(REGIONS, 4);
    t.wrote(at(1000, US), 7, new Object[] {1L, "k"}, new int[] {0, 4}, false);
    t.wrote(at(1001, EU), 8, new Object[] {2L}, new int[0], true);
    String text = t.encode();
    for (int n = 0; n < text.length(); n++) {
      expectReadOr22023(text.substring(0, n));
    }
  }

  @Test
  void malformedTokensSayWhatIsWrong() {
    SessionToken t = new SessionToken(REGIONS, 4);
    String h = String.valueOf(Stamp.hlc(1000, 0));
    SessionToken valid = new SessionToken(REGIONS, 4);
    valid.wrote(at(1000, US), 7, new Object[] {1L}, new int[] {0}, false);
    String key = valid.encode().substring(valid.encode().lastIndexOf(':') + 1);
    assertBad(t, "us-east-1:" + h + ";us-east-1:" + h + ":7:0:" + key, "no floor");
    assertBad(t, "us-east-1:5:0;us-east-1:" + h + ":7:0:" + key, "above the highest");
    assertBad(t, "us-east-1:5:9", "floor above");
    assertBad(t, "us-east-1:" + h + ":0;us-east-1:" + h + ":7:0:@@", "base64url");
    assertBad(t, "us-east-1:" + h + ":0;us-east-1:" + h + ":7:x:" + key, "columns");
    assertBad(t, "us-east-1:" + h + ":0;us-east-1:" + h + ":7:0:", "empty key");
    assertBad(t, "us-east-1:" + h + ":0;mars-1:" + h + ":7:0:" + key, "mars-1");
  }

  static void assertBad(SessionToken t, String text, String says) {
    MeridianException e = assertThrows(MeridianException.class, () -> t.replaceWith(text));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }

  static void expectReadOr22023(String text) {
    SessionToken t = new SessionToken(REGIONS, 4);
    try {
      t.replaceWith(text);
    } catch (MeridianException e) {
      assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state(), text + ": " + e.getMessage());
      return;
    }
    // What was read encodes to text that reads back the same.
    SessionToken again = new SessionToken(REGIONS, 4);
    again.replaceWith(t.encode());
    assertEquals(t.encode(), again.encode(), text);
  }

  static String describe(SessionToken.Need need) {
    StringBuilder b = new StringBuilder(need.required() + " " + need.floors());
    for (Request.WrittenRow r : need.rows()) {
      b.append(' ').append(r.tableId()).append(java.util.Arrays.deepToString(r.key()))
          .append(r.stamp()).append(java.util.Arrays.toString(r.columns())).append(r.delete());
    }
    return b.toString();
  }
}
