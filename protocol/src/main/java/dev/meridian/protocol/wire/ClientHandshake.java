package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Frames.Hello;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * Client side of the handshake: sends {@link Hello} when the channel becomes active and
 * completes {@link #welcome()} with the peer's answer, then removes itself. With credentials
 * the hello opens a SCRAM-SHA-256 exchange: the peer's challenge is answered with
 * {@link Frames.ScramFinal}, and the peer's final welcome must prove it holds the user's
 * verifier. The future fails with {@code 08001} when the peer refuses or the channel closes
 * first, {@code 28P01} when the password is wrong. One instance per channel.
 */
public final class ClientHandshake extends ChannelInboundHandlerAdapter {
  private final String client;
  private final PortRole port;
  private final dev.meridian.protocol.net.Credentials credentials;
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private dev.meridian.protocol.auth.Scram.Client scram;

  /** A handshake with a driver port that introduces the client by name (for the peer's logs). */
  public ClientHandshake(String client) {
    this(client, PortRole.DRIVER);
  }

  /** A handshake with a port of the given role. */
  public ClientHandshake(String client, PortRole port) {
    this(client, port, null);
  }

  /** A handshake with a port of the given role that proves {@code credentials} (null: none). */
  public ClientHandshake(String client, PortRole port,
      dev.meridian.protocol.net.Credentials credentials) {
    this.client = client;
    this.port = port;
    this.credentials = credentials;
  }

  /** Completes with the accepted welcome. */
  public CompletableFuture<Welcome> welcome() {
    return welcome;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ByteBuf out = ctx.alloc().buffer();
    Hello hello;
    if (credentials != null) {
      scram = credentials.scram();
      hello = new Hello(ProtocolCodec.VERSION, client, credentials.user(), scram.first());
    } else {
      hello = new Hello(ProtocolCodec.VERSION, client);
    }
    ProtocolCodec.encodeHello(hello, port, out);
    ctx.writeAndFlush(out);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    Welcome w;
    try {
      w = ProtocolCodec.decodeWelcome(frame, port);
    } catch (MeridianException e) {
      welcome.completeExceptionally(e);
      ctx.close();
      return;
    } finally {
      ReferenceCountUtil.release(frame);
    }
    if (w.challenge() != null) {
      answer(ctx, w.challenge());
      return;
    }
    ctx.pipeline().remove(this);
    if (w.error() != null) {
      SqlState state = w.errorState() == null ? SqlState.CONNECTION_UNABLE_TO_CONNECT
          : w.errorState();
      welcome.completeExceptionally(new MeridianException(state,
          state == SqlState.CONNECTION_UNABLE_TO_CONNECT
              ? "peer refused the connection: " + w.error() : w.error()));
      ctx.close();
      return;
    }
    if (scram != null && w.scramFinal() != null) {
      try {
        scram.verifyServer(w.scramFinal());
      } catch (MeridianException e) {
        welcome.completeExceptionally(e);
        ctx.close();
        return;
      }
    } else if (scram != null && w.region() != null && w.scramFinal() == null
        && challenged) {
      welcome.completeExceptionally(new MeridianException(SqlState.INVALID_AUTHORIZATION,
          "the peer accepted the password without proving it knows it"));
      ctx.close();
      return;
    }
    welcome.complete(w);
  }

  private boolean challenged;

  private void answer(ChannelHandlerContext ctx, String serverFirst) {
    if (scram == null || challenged) {
      welcome.completeExceptionally(new MeridianException(SqlState.INVALID_AUTHORIZATION,
          scram == null ? "the peer requires a user name and password (set user and password)"
              : "the peer sent a second SCRAM challenge"));
      ctx.close();
      return;
    }
    challenged = true;
    String clientFinal;
    try {
      clientFinal = scram.finalMessage(serverFirst);
    } catch (MeridianException e) {
      welcome.completeExceptionally(e);
      ctx.close();
      return;
    }
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeScramFinal(new Frames.ScramFinal(clientFinal), port, out);
    ctx.writeAndFlush(out);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    welcome.completeExceptionally(new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
        "peer closed the connection during the handshake (a peer that serves TLS closes a"
            + " plaintext connection: connect with ssl=true or an sslmode)"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    welcome.completeExceptionally(new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
        "handshake failed: " + cause.getMessage(), cause));
    ctx.close();
  }
}
