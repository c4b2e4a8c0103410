package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.IndexDef;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The index definition layout, as stored in a peer's index catalog and sent on the wire: round
 * trips, the documented example, and truncated or corrupted bytes failing only with
 * {@code 08P01}.
 */
class IndexDefsTest {

  private static byte[] bytes(IndexDef d) {
    ByteBuf buf = Unpooled.buffer();
    try {
      IndexDefs.write(buf, d);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void definitionsRoundTrip() {
    for (IndexDef d : List.of(Messages.index(), Messages.index().withReady(true),
        new IndexDef("I", "T", Long.MIN_VALUE, List.of(new IndexDef.Key(0, false)), true))) {
      assertEquals(d, IndexDefs.read(Unpooled.wrappedBuffer(bytes(d))));
    }
    ByteBuf buf = Unpooled.buffer();
    List<IndexDef> all = List.of(Messages.index(), Messages.index().withTableId(3));
    IndexDefs.writeAll(buf, all);
    assertEquals(all, IndexDefs.readAll(buf));
    buf.release();
  }

  @Test
  void theDocumentedExampleMatches() {
    IndexDef top = new IndexDef("TOP", "LB", 5, List.of(new IndexDef.Key(2, true)), true);
    assertEquals("00000003544f50" + "000000024c42" + "0000000000000005" + "01" + "00000001"
        + "0000000201", ByteBufUtil.hexDump(bytes(top)));
  }

  @Test
  void truncatedAndCorruptedDefinitionsFailOnlyWithProtocolViolation() {
    byte[] good = bytes(Messages.index());
    for (int n = 0; n < good.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(good, n);
      MeridianException e = assertThrows(MeridianException.class,
          () -> IndexDefs.read(Unpooled.wrappedBuffer(cut)), "cut at " + n);
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    }
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 5_000; i++) {
      byte[] bad = good.clone();
      bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      readExpectingOnlyProtocolErrors(bad, seed);
    }
  }

  /** Reads a definition; anything but a value or a {@code 08P01} fails, naming the seed. */
  static void readExpectingOnlyProtocolErrors(byte[] bytes, long seed) {
    try {
      IndexDefs.read(Unpooled.wrappedBuffer(bytes));
    } catch (MeridianException e) {
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state(), () -> "seed " + seed + ": " + e);
    }
  }
}
