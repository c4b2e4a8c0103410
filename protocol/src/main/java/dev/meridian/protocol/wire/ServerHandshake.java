package dev.meridian.protocol.wire;

import dev.meridian.protocol.wire.Frames.Hello;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Peer side of the handshake: reads the client's {@link Hello} from the first frame, answers
 * with a {@link Welcome}, and removes itself so later frames reach the request decoder. A wrong
 * magic or an unsupported version is answered with a refusal and the connection is closed.
 * Once done it fires {@link #COMPLETED} as a user event down the pipeline (so, for example, a
 * handshake deadline can be lifted). One instance per channel.
 */
public final class ServerHandshake extends ChannelInboundHandlerAdapter {
  /** The user event fired once the client has been welcomed. */
  public static final Object COMPLETED = new Object() {
    @Override
    public String toString() {
      return "ServerHandshake.COMPLETED";
    }
  };

  private final String region;
  private final String peer;
  private final PortRole port;
  private final java.util.function.Supplier<String> notReady;

  /** A driver port's handshake that introduces the peer as {@code peer} of {@code region}. */
  public ServerHandshake(String region, String peer) {
    this(region, peer, PortRole.DRIVER);
  }

  /** The handshake of a port of the given role. */
  public ServerHandshake(String region, String peer, PortRole port) {
    this(region, peer, port, () -> null);
  }

  /**
   * The handshake of a port of the given role that refuses clients while {@code notReady}
   * gives a reason (null: accept).
   */
  public ServerHandshake(String region, String peer, PortRole port,
      java.util.function.Supplier<String> notReady) {
    this.region = region;
    this.peer = peer;
    this.port = port;
    this.notReady = notReady;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    Hello hello;
    try {
      PortRole dialled = frame.readableBytes() >= 4 ? roleOf(frame.getInt(frame.readerIndex())) : null;
      if (dialled != null && dialled != port) {
        // Tell a client that dialled the wrong port which one it wants, in its own magic.
        ByteBuf out = ctx.alloc().buffer();
        ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, null, null, "this is the "
            + name(port) + " port of peer " + peer + ": connect to its "
            + (dialled == PortRole.LINK ? "linkPort" : "clientPort")), dialled, out);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        ctx.fireExceptionCaught(Values.corrupt("a " + name(dialled) + " client on the "
            + name(port) + " port"));
        return;
      }
      hello = ProtocolCodec.decodeHello(frame, port);
    } finally {
      ReferenceCountUtil.release(frame);
    }
    if (hello.version() != ProtocolCodec.VERSION) {
      ByteBuf out = ctx.alloc().buffer();
      ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, null, null,
          "protocol version " + hello.version() + " is not supported; this peer speaks "
              + ProtocolCodec.VERSION), port, out);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    String refusal = notReady.get();
    if (refusal != null) {
      ByteBuf out = ctx.alloc().buffer();
      ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, null, null,
          "peer " + peer + ": " + refusal), port, out);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, region, peer, null), port, out);
    ctx.writeAndFlush(out);
    ctx.fireUserEventTriggered(COMPLETED);
    ctx.pipeline().remove(this);
  }

  private static PortRole roleOf(int magic) {
    for (PortRole r : PortRole.values()) {
      if (r.magic() == magic) {
        return r;
      }
    }
    return null;
  }

  private static String name(PortRole role) {
    return role.name().toLowerCase(java.util.Locale.ROOT);
  }
}
