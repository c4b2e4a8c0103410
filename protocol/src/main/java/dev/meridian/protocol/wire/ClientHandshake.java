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
 * completes {@link #welcome()} with the peer's answer, then removes itself. The future fails
 * with {@code 08001} when the peer refuses or the channel closes first. One instance per channel.
 */
public final class ClientHandshake extends ChannelInboundHandlerAdapter {
  private final String client;
  private final PortRole port;
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();

  /** A handshake with a driver port that introduces the client by name (for the peer's logs). */
  public ClientHandshake(String client) {
    this(client, PortRole.DRIVER);
  }

  /** A handshake with a port of the given role. */
  public ClientHandshake(String client, PortRole port) {
    this.client = client;
    this.port = port;
  }

  /** Completes with the accepted welcome. */
  public CompletableFuture<Welcome> welcome() {
    return welcome;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeHello(new Hello(ProtocolCodec.VERSION, client), port, out);
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
    ctx.pipeline().remove(this);
    if (w.error() != null) {
      welcome.completeExceptionally(new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "peer refused the connection: " + w.error()));
      ctx.close();
    } else {
      welcome.complete(w);
    }
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
