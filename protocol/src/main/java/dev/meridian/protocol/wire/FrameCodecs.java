package dev.meridian.protocol.wire;

import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * The Netty handlers that put {@link ProtocolCodec} on a channel: framing, and one decoder and
 * one encoder per direction. They hold no state beyond Netty's own, and every decoding failure
 * surfaces as an exception in the pipeline, where the endpoint's handler logs it and closes that
 * one connection.
 */
public final class FrameCodecs {
  private FrameCodecs() {}

  /**
   * Splits the byte stream into frames by their {@code int} length prefix, refusing (and
   * failing fast on) frames longer than {@code maxFrameBytes}.
   */
  public static LengthFieldBasedFrameDecoder frameDecoder(int maxFrameBytes) {
    return new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4, true);
  }

  /** Prefixes every outbound frame with its {@code int} length. */
  public static LengthFieldPrepender framePrepender() {
    return new LengthFieldPrepender(4);
  }

  /**
   * Peer side: frame bytes to {@link RequestFrame}, refusing requests its port does not take
   * ({@link PortRole}).
   */
  @ChannelHandler.Sharable
  public static final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final PortRole port;

    /** A decoder for the driver port. */
    public RequestDecoder() {
      this(PortRole.DRIVER);
    }

    /** A decoder for a port of the given role. */
    public RequestDecoder(PortRole port) {
      this.port = port;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
      out.add(ProtocolCodec.decodeRequest(msg, port));
    }
  }

  /** Client side: {@link RequestFrame} to frame bytes. */
  @ChannelHandler.Sharable
  public static final class RequestEncoder extends MessageToByteEncoder<RequestFrame> {
    @Override
    protected void encode(ChannelHandlerContext ctx, RequestFrame msg, ByteBuf out) {
      ProtocolCodec.encodeRequest(msg, out);
    }
  }

  /** Client side: frame bytes to {@link ResponseFrame}. */
  @ChannelHandler.Sharable
  public static final class ResponseDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
      out.add(ProtocolCodec.decodeResponse(msg));
    }
  }

  /** Peer side: {@link ResponseFrame} to frame bytes. */
  @ChannelHandler.Sharable
  public static final class ResponseEncoder extends MessageToByteEncoder<ResponseFrame> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ResponseFrame msg, ByteBuf out) {
      ProtocolCodec.encodeResponse(msg, out);
    }
  }
}
