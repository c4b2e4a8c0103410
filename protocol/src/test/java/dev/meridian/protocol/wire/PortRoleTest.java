package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Frames.Hello;
import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which requests each port takes, and the handshake's refusal of a client on the wrong port. */
class PortRoleTest {
  private static final Set<Class<?>> LINK_MESSAGES = Set.of(Request.LinkHello.class,
      Request.SyncCatalog.class, Request.Replicate.class, Request.GetDigests.class,
      Request.GetRowHashes.class, Request.LinkProgress.class);

  private static ByteBuf encoded(Request r) {
    ByteBuf buf = Unpooled.buffer();
    ProtocolCodec.encodeRequest(new RequestFrame(3, r), buf);
    return buf;
  }

  @Test
  void theDriverPortRefusesEveryLinkMessageBeforeReadingItsBody() {
    List<Request> link = Messages.requests().stream().filter(PortRole::isLinkMessage).toList();
    assertEquals(LINK_MESSAGES, link.stream().map(Object::getClass).collect(Collectors.toSet()),
        "the samples cover every link message");
    for (Request r : link) {
      MeridianException e = assertThrows(MeridianException.class,
          () -> ProtocolCodec.decodeRequest(encoded(r), PortRole.DRIVER), r.toString());
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      assertTrue(e.getMessage().contains("not taken on the driver port"), e.getMessage());
    }
  }

  @Test
  void theLinkPortTakesLinkMessagesPingAndSystemTablesOnly() {
    for (Request r : Messages.requests()) {
      boolean taken = PortRole.isLinkMessage(r) || r instanceof Request.Ping
          || r instanceof Request.ReadSystemTable;
      if (taken) {
        assertEquals(Messages.describe(r),
            Messages.describe(ProtocolCodec.decodeRequest(encoded(r), PortRole.LINK).request()));
      } else {
        MeridianException e = assertThrows(MeridianException.class,
            () -> ProtocolCodec.decodeRequest(encoded(r), PortRole.LINK), r.toString());
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      }
    }
  }

  @Test
  void theDriverPortTakesEveryOtherRequest() {
    for (Request r : Messages.requests()) {
      assertEquals(!LINK_MESSAGES.contains(r.getClass()), !PortRole.isLinkMessage(r));
      if (!PortRole.isLinkMessage(r)) {
        ProtocolCodec.decodeRequest(encoded(r), PortRole.DRIVER);
      }
    }
  }

  @Test
  void aLinkClientOnTheDriverPortIsToldWhichPortItWants() {
    assertWrongPortRefused(PortRole.DRIVER, PortRole.LINK, "connect to its linkPort");
  }

  @Test
  void aDriverOnTheLinkPortIsToldWhichPortItWants() {
    assertWrongPortRefused(PortRole.LINK, PortRole.DRIVER, "connect to its clientPort");
  }

  @Test
  void aPeerThatIsNotReadyRefusesTheHandshakeSayingWhyThenAcceptsOnceReady() {
    java.util.concurrent.atomic.AtomicReference<String> why =
        new java.util.concurrent.atomic.AtomicReference<>("still starting");
    for (int round = 0; round < 2; round++) {
      EmbeddedChannel ch = new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16),
          FrameCodecs.framePrepender(),
          new ServerHandshake("eu-west-1", "p1", PortRole.DRIVER, why::get));
      ByteBuf hello = Unpooled.buffer();
      ProtocolCodec.encodeHello(new Hello(ProtocolCodec.VERSION, "c"), PortRole.DRIVER, hello);
      ch.writeInbound(Unpooled.buffer().writeInt(hello.readableBytes()).writeBytes(hello));
      Welcome welcome = welcomeSent(ch, PortRole.DRIVER);
      if (round == 0) {
        assertTrue(welcome.error().contains("peer p1: still starting"), welcome.error());
        assertFalse(ch.isOpen());
        why.set(null);
      } else {
        assertEquals(null, welcome.error());
        assertEquals("eu-west-1", welcome.region());
        assertTrue(ch.isOpen());
      }
    }
  }

  /** The welcome a server-side channel wrote, decoded as a client of {@code role} reads it. */
  private static Welcome welcomeSent(EmbeddedChannel ch, PortRole role) {
    ByteBuf out = Unpooled.buffer();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      out.writeBytes(b);
      b.release();
    }
    out.readInt();
    return ProtocolCodec.decodeWelcome(out, role);
  }

  private static void assertWrongPortRefused(PortRole server, PortRole client, String hint) {
    EmbeddedChannel ch = new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16),
        FrameCodecs.framePrepender(), new ServerHandshake("eu-west-1", "p1", server),
        new FrameCodecs.RequestDecoder(server));
    ByteBuf hello = Unpooled.buffer();
    ProtocolCodec.encodeHello(new Hello(ProtocolCodec.VERSION, "c"), client, hello);
    ByteBuf frame = Unpooled.buffer().writeInt(hello.readableBytes()).writeBytes(hello);
    assertThrows(MeridianException.class, () -> ch.writeInbound(frame));
    Welcome refusal = welcomeSent(ch, client);
    assertTrue(refusal.error().contains(hint), refusal.error());
    assertFalse(ch.isOpen());
  }

  @Test
  void aLinkHandshakeSucceedsOnlyWithTheLinkMagic() {
    ClientHandshake handshake = new ClientHandshake("link-a", PortRole.LINK);
    EmbeddedChannel client = new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16),
        FrameCodecs.framePrepender(), handshake);
    EmbeddedChannel server = new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16),
        FrameCodecs.framePrepender(), new ServerHandshake("eu-west-1", "p1", PortRole.LINK));
    ByteBuf b;
    while ((b = client.readOutbound()) != null) {
      server.writeInbound(b);
    }
    while ((b = server.readOutbound()) != null) {
      client.writeInbound(b);
    }
    assertEquals("eu-west-1", handshake.welcome().join().region());
  }
}
