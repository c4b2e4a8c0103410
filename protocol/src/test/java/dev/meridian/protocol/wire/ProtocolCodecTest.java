package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Frames.Hello;
import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {

  @Test
  void everyRequestRoundTrips() {
    int id = 1;
    for (Request r : Messages.requests()) {
      ByteBuf buf = Unpooled.buffer();
      ProtocolCodec.encodeRequest(new RequestFrame(id, r), buf);
      RequestFrame back = ProtocolCodec.decodeRequest(buf);
      assertEquals(id, back.requestId());
      assertEquals(Messages.describe(r), Messages.describe(back.request()));
      id++;
    }
  }

  @Test
  void everyResponseRoundTripsWithItsMoreFlag() {
    int id = 100;
    for (Response r : Messages.responses()) {
      for (boolean more : new boolean[] {false, true}) {
        ByteBuf buf = Unpooled.buffer();
        ProtocolCodec.encodeResponse(new ResponseFrame(id, r, more), buf);
        ResponseFrame back = ProtocolCodec.decodeResponse(buf);
        assertEquals(id, back.requestId());
        assertEquals(more, back.more());
        assertEquals(Messages.describe(r), Messages.describe(back.response()));
      }
      id++;
    }
  }

  @Test
  void pingFrameMatchesTheDocumentedLayout() {
    ByteBuf buf = Unpooled.buffer();
    ProtocolCodec.encodeRequest(new RequestFrame(7, new Request.Ping()), buf);
    assertEquals("0000000701", ByteBufUtil.hexDump(buf));
  }

  @Test
  void handshakeRoundTripsAndRejectsAForeignMagic() {
    ByteBuf buf = Unpooled.buffer();
    ProtocolCodec.encodeHello(new Hello(1, "test"), buf);
    assertEquals(new Hello(1, "test"), ProtocolCodec.decodeHello(buf));

    ByteBuf w = Unpooled.buffer();
    ProtocolCodec.encodeWelcome(new Welcome(1, "eu-west-1", "p1", null), w);
    assertEquals(new Welcome(1, "eu-west-1", "p1", null), ProtocolCodec.decodeWelcome(w));
    ByteBuf refusal = Unpooled.buffer();
    ProtocolCodec.encodeWelcome(new Welcome(1, null, null, "no"), refusal);
    assertEquals("no", ProtocolCodec.decodeWelcome(refusal).error());

    ByteBuf http = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", java.nio.charset.StandardCharsets.US_ASCII);
    MeridianException e = assertThrows(MeridianException.class, () -> ProtocolCodec.decodeHello(http));
    assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  @Test
  void trailingBytesUnknownOpcodesAndHugeCountsAreRejected() {
    ByteBuf trailing = Unpooled.buffer();
    ProtocolCodec.encodeRequest(new RequestFrame(1, new Request.Ping()), trailing);
    trailing.writeByte(0);
    assertEquals(SqlState.PROTOCOL_VIOLATION,
        assertThrows(MeridianException.class, () -> ProtocolCodec.decodeRequest(trailing)).state());

    ByteBuf unknown = Unpooled.buffer().writeInt(1).writeByte(0x7e);
    assertTrue(assertThrows(MeridianException.class, () -> ProtocolCodec.decodeRequest(unknown))
        .getMessage().contains("unknown request opcode 0x7e"));

    // A Get claiming two billion keys must fail on the count, not try to allocate them.
    ByteBuf huge = Unpooled.buffer().writeInt(1).writeByte(0x10).writeLong(5).writeInt(2_000_000_000);
    assertTrue(assertThrows(MeridianException.class, () -> ProtocolCodec.decodeRequest(huge))
        .getMessage().contains("count"));
  }

  /**
   * Every truncation and every single-byte corruption of every valid frame either decodes or
   * fails with 08P01; nothing else escapes (no IndexOutOfBounds, no NegativeArraySize, ...).
   */
  @Test
  void truncatedAndCorruptedFramesFailOnlyWithProtocolViolation() {
    long seed = Long.getLong("meridian.seed", System.nanoTime());
    Random random = new Random(seed);
    int checked = 0;
    for (Request r : Messages.requests()) {
      ByteBuf buf = Unpooled.buffer();
      ProtocolCodec.encodeRequest(new RequestFrame(3, r), buf);
      byte[] bytes = ByteBufUtil.getBytes(buf);
      checked += mutate(bytes, random, seed, true);
    }
    for (Response r : Messages.responses()) {
      ByteBuf buf = Unpooled.buffer();
      ProtocolCodec.encodeResponse(new ResponseFrame(3, r), buf);
      checked += mutate(ByteBufUtil.getBytes(buf), random, seed, false);
    }
    assertTrue(checked > 1000, "checked " + checked);
  }

  private static int mutate(byte[] bytes, Random random, long seed, boolean request) {
    int n = 0;
    for (int len = 0; len < bytes.length; len++) {
      decodeExpectingOnlyProtocolErrors(java.util.Arrays.copyOf(bytes, len), seed, request);
      n++;
    }
    for (int i = 0; i < 200; i++) {
      byte[] copy = bytes.clone();
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
      decodeExpectingOnlyProtocolErrors(copy, seed, request);
      n++;
    }
    return n;
  }

  static void decodeExpectingOnlyProtocolErrors(byte[] bytes, long seed, boolean request) {
    try {
      if (request) {
        ProtocolCodec.decodeRequest(Unpooled.wrappedBuffer(bytes));
      } else {
        ProtocolCodec.decodeResponse(Unpooled.wrappedBuffer(bytes));
      }
    } catch (MeridianException e) {
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state(), "seed " + seed);
    } catch (RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + ByteBufUtil.hexDump(bytes), e);
    }
  }

  /**
   * The codec reads any version as it was sent, so the handshake can judge it (and name it in
   * its refusal); {@code PipelineTest} checks that the handshake refuses it.
   */
  @Test
  void helloCarriesAnUnsupportedVersionUnchanged() {
    ByteBuf buf = Unpooled.buffer();
    ProtocolCodec.encodeHello(new Hello(ProtocolCodec.VERSION + 1, "future"), buf);
    assertEquals(new Hello(ProtocolCodec.VERSION + 1, "future"), ProtocolCodec.decodeHello(buf));
  }
}
