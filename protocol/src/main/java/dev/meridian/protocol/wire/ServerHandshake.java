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

  /** A handshake that introduces the peer as {@code peer} of {@code region}. */
  public ServerHandshake(String region, String peer) {
    this.region = region;
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    Hello hello;
    try {
      hello = ProtocolCodec.decodeHello(frame);
    } finally {
      ReferenceCountUtil.release(frame);
    }
    if (hello.version() != ProtocolCodec.VERSION) {
      ByteBuf out = ctx.alloc().buffer();
      ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, null, null,
          "protocol version " + hello.version() + " is not supported; this peer speaks "
              + ProtocolCodec.VERSION), out);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ByteBuf out = ctx.alloc().buffer();
    ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, region, peer, null), out);
    ctx.writeAndFlush(out);
    ctx.fireUserEventTriggered(COMPLETED);
    ctx.pipeline().remove(this);
  }
}
