package dev.meridian.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UserRecordsTest {
  static final ScramVerifier V = Scram.verifier("pw", new byte[16], 4096);

  static List<UserRecord> samples() {
    return List.of(
        new UserRecord("admin", V, true, Map.of(), new Stamp(5, 7), false),
        new UserRecord("reader", V, false, Map.of("ORDERS", 1, "*", 15, "X", 6),
            new Stamp(Long.MAX_VALUE, -1), false),
        UserRecord.tombstone("A", new Stamp(5, 7)));
  }

  @Test
  void recordsRoundTripExactly() {
    for (UserRecord r : samples()) {
      UserRecord back = UserRecords.fromBytes(UserRecords.toBytes(r));
      assertEquals(r, back);
      assertEquals(r.verifier(), back.verifier());
    }
  }

  @Test
  void aDropMatchesTheDocumentedLayout() {
    assertEquals("01" + "0000000141" + "0000000000000005" + "00000007" + "01",
        ByteBufUtil.hexDump(UserRecords.toBytes(UserRecord.tombstone("A", new Stamp(5, 7)))));
  }

  @Test
  void everyTruncationAndTrailingByteFailsWithProtocolViolation() {
    for (UserRecord r : samples()) {
      byte[] full = UserRecords.toBytes(r);
      for (int n = 0; n < full.length; n++) {
        byte[] cut = Arrays.copyOf(full, n);
        MeridianException e = assertThrows(MeridianException.class,
            () -> UserRecords.fromBytes(cut), r.name() + " cut at " + n);
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      }
      byte[] longer = Arrays.copyOf(full, full.length + 1);
      assertEquals(SqlState.PROTOCOL_VIOLATION,
          assertThrows(MeridianException.class, () -> UserRecords.fromBytes(longer)).state());
    }
  }

  @Test
  void everySingleByteCorruptionDecodesOrFailsWithProtocolViolation() {
    Random random = new Random(11);
    for (UserRecord r : samples()) {
      byte[] full = UserRecords.toBytes(r);
      for (int i = 0; i < full.length; i++) {
        byte[] bad = full.clone();
        bad[i] = (byte) random.nextInt(256);
        try {
          UserRecords.read(Unpooled.wrappedBuffer(bad));
        } catch (MeridianException e) {
          assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
        }
      }
    }
  }

  @Test
  void grantsAndTheAdminRightDecide() {
    UserRecord reader = samples().get(1);
    assertTrue(reader.may(Privilege.SELECT, "ORDERS"));
    assertTrue(reader.may(Privilege.DELETE, "ANY"), "ALL ON * covers every table");
    assertFalse(reader.may(Privilege.ADMIN, null));
    UserRecord narrow = new UserRecord("n", V, false, Map.of("ORDERS", 1), new Stamp(1, 1), false);
    assertTrue(narrow.may(Privilege.SELECT, "ORDERS"));
    assertFalse(narrow.may(Privilege.INSERT, "ORDERS"));
    assertFalse(narrow.may(Privilege.SELECT, "OTHER"));
    assertTrue(samples().get(0).may(Privilege.ADMIN, null));
    assertFalse(samples().get(2).may(Privilege.SELECT, "ORDERS"));
    assertEquals("SELECT ON ORDERS", narrow.grantsText());
    assertEquals("ALL ON *; SELECT ON ORDERS; INSERT, UPDATE ON X", reader.grantsText());
  }

  /**
   * Regions exchange user records in any order, with duplicates, and keep the higher stamp per
   * user: every delivery order of the same versions ends in the same users (and the merge is
   * commutative, associative and idempotent). Seeded; a failure names the seed.
   */
  @Test
  void anyDeliveryOrderWithDuplicatesConverges() {
    for (long seed = 0; seed < 500; seed++) {
      Random random = new Random(seed);
      List<UserRecord> versions = new ArrayList<>();
      String[] names = {"a", "b", "c"};
      int n = 1 + random.nextInt(12);
      for (int i = 0; i < n; i++) {
        String name = names[random.nextInt(names.length)];
        Stamp stamp = new Stamp(random.nextInt(20), random.nextInt(3));
        if (versions.stream().anyMatch(v -> v.stamp().equals(stamp))) {
          continue; // stamps are unique: no two writes share one
        }
        versions.add(random.nextInt(4) == 0 ? UserRecord.tombstone(name, stamp)
            : new UserRecord(name, V, random.nextBoolean(),
                Map.of("T", 1 + random.nextInt(15)), stamp, false));
      }
      Map<String, UserRecord> reference = apply(versions);
      for (int region = 0; region < 4; region++) {
        List<UserRecord> delivery = new ArrayList<>(versions);
        for (int d = random.nextInt(4); d > 0 && !versions.isEmpty(); d--) {
          delivery.add(versions.get(random.nextInt(versions.size())));
        }
        Collections.shuffle(delivery, random);
        assertEquals(reference, apply(delivery), "seed " + seed);
      }
      for (UserRecord x : versions) {
        assertEquals(x, UserRecord.merge(x, x), "idempotent, seed " + seed);
        for (UserRecord y : versions) {
          if (!x.name().equals(y.name())) {
            continue;
          }
          assertEquals(UserRecord.merge(x, y), UserRecord.merge(y, x), "commutative, seed " + seed);
          for (UserRecord z : versions) {
            if (z.name().equals(x.name())) {
              assertEquals(UserRecord.merge(UserRecord.merge(x, y), z),
                  UserRecord.merge(x, UserRecord.merge(y, z)), "associative, seed " + seed);
            }
          }
        }
      }
    }
  }

  private static Map<String, UserRecord> apply(List<UserRecord> delivery) {
    Map<String, UserRecord> users = new HashMap<>();
    for (UserRecord r : delivery) {
      users.merge(r.name(), r, UserRecord::merge);
    }
    return users;
  }
}
