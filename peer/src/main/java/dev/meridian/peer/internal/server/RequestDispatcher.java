package dev.meridian.peer.internal.server;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.ServerHandshake;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each decoded request to the {@link RequestService} and writes its answer with the
 * request's id. Answers may leave in any order. When a connection has too many requests in
 * flight the dispatcher stops reading from it until some complete (backpressure instead of
 * unbounded memory). A malformed frame or any other failure closes this connection only, with
 * one log line. One instance per channel; all state is touched on the channel's event loop.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<RequestFrame> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

  private final RequestService service;
  private final int maxInFlight;
  private final Predicate<Response> closesAfter;
  private int inFlight;

  RequestDispatcher(RequestService service, int maxInFlight) {
    this(service, maxInFlight, r -> false);
  }

  /** A dispatcher that closes the connection once it has written an answer {@code closesAfter} picks. */
  RequestDispatcher(RequestService service, int maxInFlight, Predicate<Response> closesAfter) {
    this.service = service;
    this.maxInFlight = maxInFlight;
    this.closesAfter = closesAfter;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RequestFrame frame) {
    if (++inFlight >= maxInFlight) {
      ctx.channel().config().setAutoRead(false);
    }
    service.handle(frame.request()).whenComplete((response, error) -> {
      Response answer = response;
      if (error != null) {
        LOG.error("request {} failed unexpectedly", frame.request().getClass().getSimpleName(), error);
        answer = new Response.Error(SqlState.INTERNAL_ERROR, "internal error: " + error);
      }
      ResponseFrame out = new ResponseFrame(frame.requestId(), answer);
      boolean close = closesAfter.test(answer);
      if (ctx.executor().inEventLoop()) {
        reply(ctx, out, close);
      } else {
        ctx.executor().execute(() -> reply(ctx, out, close));
      }
    });
  }

  private void reply(ChannelHandlerContext ctx, ResponseFrame out, boolean close) {
    if (inFlight-- == maxInFlight) {
      ctx.channel().config().setAutoRead(true);
    }
    if (close) {
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(out, ctx.voidPromise());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ServerHandshake.COMPLETED && ctx.pipeline().get("handshake-deadline") != null) {
      ctx.pipeline().remove("handshake-deadline");
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (root instanceof ReadTimeoutException) {
      LOG.info("closing {}: no handshake in time", ctx.channel().remoteAddress());
    } else if (root instanceof javax.net.ssl.SSLException) {
      LOG.warn("closing {}: TLS: {}", ctx.channel().remoteAddress(), root.getMessage());
    } else if (root instanceof MeridianException || root instanceof DecoderException) {
      LOG.warn("closing {}: {}", ctx.channel().remoteAddress(), root.getMessage());
    } else if (root instanceof java.io.IOException) {
      LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), root.toString());
    } else {
      LOG.warn("closing {} after an unexpected error", ctx.channel().remoteAddress(), root);
    }
    ctx.close();
  }
}
