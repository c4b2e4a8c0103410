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
 * With an {@link Authenticator} the client must prove a user's password with SCRAM-SHA-256
 * first: the hello's client-first message is answered with a challenge, the client's
 * {@link Frames.ScramFinal} checked, and a wrong password refused with {@code 28P01} after the
 * delay the authenticator asks for (scheduled, never blocking the event loop); an unknown user
 * gets the same answers as a wrong password. The authenticated user is left in the channel's
 * {@link #USER} attribute. Once done it fires {@link #COMPLETED} as a user event down the
 * pipeline (so, for example, a handshake deadline can be lifted). One instance per channel.
 */
public final class ServerHandshake extends ChannelInboundHandlerAdapter {
  /** The user event fired once the client has been welcomed. */
  public static final Object COMPLETED = new Object() {
    @Override
    public String toString() {
      return "ServerHandshake.COMPLETED";
    }
  };

  /** The user a connection authenticated as (unset when the server does not authenticate). */
  public static final io.netty.util.AttributeKey<String> USER =
      io.netty.util.AttributeKey.valueOf("meridian.user");

  private final String region;
  private final String peer;
  private final PortRole port;
  private final java.util.function.Supplier<String> notReady;
  private final dev.meridian.protocol.auth.Authenticator auth;
  private dev.meridian.protocol.auth.Scram.Server scram;

  /** A driver port's handshake that introduces the peer as {@code peer} of {@code region}. */
  public ServerHandshake(String region, String peer) {
    this(region, peer, PortRole.DRIVER);
  }

  /** The handshake of a port of the given role. */
  public ServerHandshake(String region, String peer, PortRole port) {
    this(region, peer, port, () -> null, null);
  }

  /**
   * The handshake of a port of the given role that refuses clients while {@code notReady}
   * gives a reason (null: accept).
   */
  public ServerHandshake(String region, String peer, PortRole port,
      java.util.function.Supplier<String> notReady) {
    this(region, peer, port, notReady, null);
  }

  /** The handshake of a port of the given role that authenticates with {@code auth} (null: none). */
  public ServerHandshake(String region, String peer, PortRole port,
      dev.meridian.protocol.auth.Authenticator auth) {
    this(region, peer, port, () -> null, auth);
  }

  /**
   * The handshake of a port of the given role that refuses clients while {@code notReady}
   * gives a reason (null: accept) and authenticates with {@code auth} (null: none).
   */
  public ServerHandshake(String region, String peer, PortRole port,
      java.util.function.Supplier<String> notReady, dev.meridian.protocol.auth.Authenticator auth) {
    this.region = region;
    this.peer = peer;
    this.port = port;
    this.notReady = notReady;
    this.auth = auth;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (scram != null) {
      finishScram(ctx, (ByteBuf) msg);
      return;
    }
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
    if (auth != null) {
      startScram(ctx, hello);
      return;
    }
    accept(ctx, null, null);
  }

  private void accept(ChannelHandlerContext ctx, String user, String scramFinal) {
    if (user != null) {
      ctx.channel().attr(USER).set(user);
    }
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, region, peer, null, null, null,
        scramFinal), port, out);
    ctx.writeAndFlush(out);
    ctx.fireUserEventTriggered(COMPLETED);
    ctx.pipeline().remove(this);
  }

  private void refuse(ChannelHandlerContext ctx, dev.meridian.protocol.error.SqlState state,
      String why) {
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeWelcome(Welcome.refused(ProtocolCodec.VERSION, state, why), port, out);
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
  }

  private void startScram(ChannelHandlerContext ctx, Hello hello) {
    if (hello.user() == null) {
      refuse(ctx, dev.meridian.protocol.error.SqlState.INVALID_AUTHORIZATION, "peer " + peer
          + " requires a user name and password (SCRAM-SHA-256): set user and password");
      return;
    }
    dev.meridian.protocol.auth.Scram.Server server =
        new dev.meridian.protocol.auth.Scram.Server(dev.meridian.protocol.auth.Scram.nonce());
    String serverFirst;
    try {
      String user = server.readFirst(hello.scramFirst());
      dev.meridian.protocol.auth.ScramVerifier v = auth.verifier(user);
      serverFirst = server.first(v != null ? v
          : dev.meridian.protocol.auth.Scram.decoy(user, auth.decoySecret()));
    } catch (dev.meridian.protocol.error.MeridianException e) {
      refuse(ctx, e.state(), e.getMessage());
      ctx.fireExceptionCaught(e);
      return;
    }
    scram = server;
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeWelcome(Welcome.challenge(ProtocolCodec.VERSION, serverFirst), port, out);
    ctx.writeAndFlush(out);
  }

  private void finishScram(ChannelHandlerContext ctx, ByteBuf frame) {
    String serverFinal;
    String user = scram.user();
    try {
      serverFinal = scram.finish(ProtocolCodec.decodeScramFinal(frame, port).message());
    } catch (dev.meridian.protocol.error.MeridianException e) {
      if (e.state() != dev.meridian.protocol.error.SqlState.INVALID_PASSWORD) {
        refuse(ctx, e.state(), e.getMessage());
        ctx.fireExceptionCaught(e);
        return;
      }
      long delay = auth.failed(ctx.channel().remoteAddress(), user);
      ctx.channel().config().setAutoRead(false);
      ctx.executor().schedule(() -> refuse(ctx, e.state(), e.getMessage()),
          Math.max(0, delay), java.util.concurrent.TimeUnit.MILLISECONDS);
      return;
    } finally {
      ReferenceCountUtil.release(frame);
    }
    auth.succeeded(ctx.channel().remoteAddress(), user);
    accept(ctx, user, serverFinal);
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
