package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.wire.Frames.Hello;
import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Netty glue, on {@link EmbeddedChannel}s: framing, handshakes, split reads. */
class PipelineTest {

  private static EmbeddedChannel server() {
    return new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16), FrameCodecs.framePrepender(),
        new ServerHandshake("eu-west-1", "p1"), new FrameCodecs.RequestDecoder(),
        new FrameCodecs.ResponseEncoder());
  }

  private static ByteBuf framed(java.util.function.Consumer<ByteBuf> body) {
    ByteBuf payload = Unpooled.buffer();
    body.accept(payload);
    return Unpooled.buffer().writeInt(payload.readableBytes()).writeBytes(payload);
  }

  /** Everything written so far, as one buffer (the prepender writes header and body apart). */
  private static ByteBuf outbound(EmbeddedChannel ch) {
    ByteBuf all = Unpooled.buffer();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  @Test
  void requestsSplitAcrossReadsAtEveryByteDecodeIntact() {
    ByteBuf stream = Unpooled.buffer();
    stream.writeBytes(framed(b -> ProtocolCodec.encodeHello(new Hello(1, "c"), b)));
    // The driver port's requests; the link port's are split-read in PortRoleTest.
    List<Request> sent = Messages.requests().stream().filter(r -> !PortRole.isLinkMessage(r)).toList();
    for (int i = 0; i < sent.size(); i++) {
      int id = i;
      stream.writeBytes(framed(b -> ProtocolCodec.encodeRequest(new RequestFrame(id, sent.get(id)), b)));
    }
    byte[] all = new byte[stream.readableBytes()];
    stream.readBytes(all);
    // Feed the whole conversation in chunks of every size from 1 to 17 bytes.
    for (int chunk = 1; chunk <= 17; chunk++) {
      EmbeddedChannel ch = server();
      for (int off = 0; off < all.length; off += chunk) {
        ch.writeInbound(Unpooled.wrappedBuffer(all, off, Math.min(chunk, all.length - off)));
      }
      List<Object> got = new ArrayList<>();
      Object o;
      while ((o = ch.readInbound()) != null) {
        got.add(o);
      }
      assertEquals(sent.size(), got.size(), "chunk " + chunk);
      for (int i = 0; i < sent.size(); i++) {
        RequestFrame f = (RequestFrame) got.get(i);
        assertEquals(i, f.requestId());
        assertEquals(Messages.describe(sent.get(i)), Messages.describe(f.request()));
      }
      ByteBuf welcome = outbound(ch);
      assertEquals(welcome.readableBytes() - 4, welcome.readInt());
      assertEquals("eu-west-1", ProtocolCodec.decodeWelcome(welcome).region());
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void responsesAreFramedWithTheirLength() {
    EmbeddedChannel ch = server();
    ch.writeInbound(framed(b -> ProtocolCodec.encodeHello(new Hello(1, "c"), b)));
    outbound(ch);
    ch.writeOutbound(new ResponseFrame(5, new Response.TableDropped(true)));
    ByteBuf out = outbound(ch);
    assertEquals(out.readableBytes() - 4, out.readInt());
    ResponseFrame back = ProtocolCodec.decodeResponse(out);
    assertEquals(5, back.requestId());
    assertTrue(((Response.TableDropped) back.response()).dropped());
  }

  @Test
  void anOversizedFrameFailsTheChannelBeforeItIsBuffered() {
    EmbeddedChannel ch = server();
    ByteBuf huge = Unpooled.buffer().writeInt(1 << 20).writeBytes(new byte[64]);
    assertThrows(TooLongFrameException.class, () -> ch.writeInbound(huge));
  }

  @Test
  void garbageInsteadOfAHelloFailsWithAProtocolViolation() {
    EmbeddedChannel ch = server();
    ByteBuf garbage = Unpooled.buffer().writeInt(8).writeLong(0x0102030405060708L);
    Exception e = assertThrows(Exception.class, () -> ch.writeInbound(garbage));
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  @Test
  void anUnsupportedVersionIsRefusedByNameAndTheConnectionClosed() {
    EmbeddedChannel ch = server();
    int future = ProtocolCodec.VERSION + 1;
    ch.writeInbound(framed(b -> ProtocolCodec.encodeHello(new Hello(future, "c"), b)));
    ByteBuf answer = outbound(ch);
    assertEquals(answer.readableBytes() - 4, answer.readInt());
    Welcome refusal = ProtocolCodec.decodeWelcome(answer);
    assertNull(refusal.region(), "a refused client learns no region");
    assertTrue(refusal.error() != null && refusal.error().contains("version " + future)
        && refusal.error().contains("speaks " + ProtocolCodec.VERSION), refusal.toString());
    assertFalse(ch.isOpen(), "the peer closes a connection it refused");
    assertNull(ch.readInbound(), "a refused hello reaches no request handler");
  }

  @Test
  void clientHandshakeCompletesWithTheWelcomeAndGetsOutOfTheWay() {
    ClientHandshake handshake = new ClientHandshake("c");
    EmbeddedChannel ch = new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16),
        FrameCodecs.framePrepender(), handshake, new FrameCodecs.ResponseDecoder());
    ByteBuf hello = outbound(ch);
    hello.readInt();
    assertEquals(ProtocolCodec.VERSION, ProtocolCodec.decodeHello(hello).version());
    assertFalse(handshake.welcome().isDone());
    ch.writeInbound(framed(b -> ProtocolCodec.encodeWelcome(new Welcome(1, "us-east-1", "p2", null), b)));
    assertEquals("p2", handshake.welcome().join().peer());
    assertNull(ch.pipeline().get(ClientHandshake.class));
    ch.writeInbound(framed(b -> ProtocolCodec.encodeResponse(new ResponseFrame(1, new Response.TableDropped(false)), b)));
    ResponseFrame f = ch.readInbound();
    assertEquals(1, f.requestId());
  }

  @Test
  void aRefusalFailsTheClientHandshakeWithConnectionState() {
    ClientHandshake handshake = new ClientHandshake("c");
    EmbeddedChannel ch = new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16),
        FrameCodecs.framePrepender(), handshake);
    ch.writeInbound(framed(b -> ProtocolCodec.encodeWelcome(new Welcome(1, null, null, "version 9"), b)));
    Exception e = assertThrows(Exception.class, () -> handshake.welcome().join());
    assertTrue(e.getCause().getMessage().contains("version 9"));
  }
}
