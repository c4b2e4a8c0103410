package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The table definition layout, capacity limits included, as stored in a peer's catalog and sent
 * on the wire: round trips, the documented example, an unlimited table encoding as before limits
 * existed, and truncated or corrupted bytes failing only with {@code 08P01}.
 */
class SchemasTest {

  static byte[] bytes(TableSchema s) {
    ByteBuf buf = Unpooled.buffer();
    try {
      Schemas.write(buf, s);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void definitionsWithAndWithoutLimitsRoundTrip() {
    for (TableSchema s : List.of(Messages.schema(), Messages.evolvedSchema(),
        Messages.limitedSchema(), Messages.schema().withCapacity(
            TableCapacity.NONE.with(false, "us-east-1", TableCapacity.MAX_LIMIT)),
        Messages.ttlSchema(), Messages.schema().withOptions(TableCapacity.NONE, 3, true),
        Messages.schema().withOptions(TableCapacity.NONE, TableSchema.NO_TTL, false))) {
      TableSchema back = Schemas.read(Unpooled.wrappedBuffer(bytes(s)));
      assertEquals(s, back);
      assertEquals(s.capacity(), back.capacity());
      assertEquals(s.ttlColumn(), back.ttlColumn());
      assertEquals(s.conflictLog(), back.conflictLog());
    }
  }

  @Test
  void tableOptionsFollowTheLimitsAsDocumented() {
    String plain = ByteBufUtil.hexDump(bytes(Messages.schema()));
    String ttl = ByteBufUtil.hexDump(bytes(Messages.schema().withOptions(TableCapacity.NONE, 3,
        true)));
    assertEquals("41", ttl.substring(2 * (8 + 4 + 6), 2 * (8 + 4 + 6) + 2), ttl);
    assertTrue(ttl.endsWith("00000003" + "00"), ttl);
    String off = ByteBufUtil.hexDump(bytes(Messages.schema().withOptions(TableCapacity.NONE,
        TableSchema.NO_TTL, false)));
    assertTrue(off.endsWith("ffffffff" + "01"), off);
    assertEquals(plain.length() + 10, off.length());
    String both = ByteBufUtil.hexDump(bytes(Messages.ttlSchema()));
    assertEquals("c1", both.substring(2 * (8 + 4 + 6), 2 * (8 + 4 + 6) + 2), both);
    assertTrue(both.endsWith("00000000000003e8" + "00000003" + "01"), both);
  }

  @Test
  void anOptionsSectionThatSetsNothingOrUnknownFlagsIsMalformed() {
    byte[] good = bytes(Messages.schema().withOptions(TableCapacity.NONE, TableSchema.NO_TTL,
        false));
    byte[] nothing = good.clone();
    nothing[nothing.length - 1] = 0;
    byte[] unknown = good.clone();
    unknown[unknown.length - 1] = 3;
    byte[] keyColumn = bytes(Messages.schema().withOptions(TableCapacity.NONE, 3, true));
    Unpooled.wrappedBuffer(keyColumn).setInt(keyColumn.length - 5, 0);
    for (byte[] bad : List.of(nothing, unknown, keyColumn)) {
      MeridianException e = assertThrows(MeridianException.class,
          () -> Schemas.read(Unpooled.wrappedBuffer(bad)));
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    }
  }

  @Test
  void anUnlimitedTableEncodesAsBeforeLimitsExisted() {
    // The resolution byte without bit 7 and nothing after the key: catalogs and logs written
    // before capacity limits read unchanged, and CatalogMerge compares the same bytes.
    byte[] plain = bytes(Messages.evolvedSchema());
    byte[] limited = bytes(Messages.limitedSchema().withCapacity(TableCapacity.NONE));
    assertEquals(plain.length, limited.length);
    int resolution = 8 + 4 + "ORDERS_V2".length();
    assertEquals(0, limited[resolution] & 0x80);
  }

  @Test
  void theDocumentedExampleMatches() {
    TableSchema s = Messages.schema().withCapacity(TableCapacity.NONE.with(true, "*", 1000L));
    String hex = ByteBufUtil.hexDump(bytes(s));
    String plain = ByteBufUtil.hexDump(bytes(Messages.schema()));
    assertTrue(hex.startsWith(plain.substring(0, 2 * (8 + 4 + 6)) + "81"), hex);
    assertTrue(hex.endsWith("00000001" + "00" + "000000012a" + "00000000000003e8"), hex);
  }

  @Test
  void truncatedAndCorruptedDefinitionsFailOnlyWithProtocolViolation() {
    for (TableSchema s : List.of(Messages.limitedSchema(), Messages.ttlSchema())) {
      truncatedAndCorrupted(bytes(s));
    }
  }

  private static void truncatedAndCorrupted(byte[] good) {
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      MeridianException e = assertThrows(MeridianException.class,
          () -> Schemas.read(Unpooled.wrappedBuffer(cut)), "cut at " + n);
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    }
    long seed = System.nanoTime();
    System.out.println("SchemasTest seed " + seed);
    Random random = new Random(seed);
    for (int i = 0; i < 5_000; i++) {
      byte[] bad = good.clone();
      bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      readExpectingOnlyProtocolErrors(bad, seed);
    }
  }

  @Test
  void aNegativeOrHugeLimitIsMalformed() {
    byte[] good = bytes(Messages.schema().withCapacity(TableCapacity.NONE.with(true, "*", 1L)));
    for (long bad : new long[] {-1, TableCapacity.MAX_LIMIT + 1}) {
      byte[] b = good.clone();
      Unpooled.wrappedBuffer(b).setLong(b.length - 8, bad);
      MeridianException e = assertThrows(MeridianException.class,
          () -> Schemas.read(Unpooled.wrappedBuffer(b)));
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    }
  }

  /** Reads a definition; anything but a value or a {@code 08P01} fails, naming the seed. */
  static void readExpectingOnlyProtocolErrors(byte[] bytes, long seed) {
    try {
      Schemas.read(Unpooled.wrappedBuffer(bytes));
    } catch (MeridianException e) {
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state(), () -> "seed " + seed + ": " + e);
    }
  }
}
