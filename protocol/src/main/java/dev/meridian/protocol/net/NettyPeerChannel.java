package dev.meridian.protocol.net;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PeerChannel} over one Netty channel: assigns request ids, keeps the calls in flight
 * by id, completes each with its response, and fails them all with {@code 08006} when the
 * connection drops. Thread-safe: calls may come from any thread; responses complete on the
 * channel's event loop, so callers must not block in their continuations.
 */
final class NettyPeerChannel extends SimpleChannelInboundHandler<ResponseFrame> implements PeerChannel {
  private final AtomicInteger nextId = new AtomicInteger();
  private final Map<Integer, CompletableFuture<Response>> inFlight = new ConcurrentHashMap<>();
  private volatile Channel channel;
  private volatile String region = "";
  private volatile String peer = "";
  private volatile MeridianException closedBy;

  void attach(Channel ch, String region, String peer) {
    this.channel = ch;
    this.region = region;
    this.peer = peer;
  }

  @Override
  public CompletableFuture<Response> call(Request request) {
    CompletableFuture<Response> future = new CompletableFuture<>();
    Channel ch = channel;
    MeridianException closed = closedBy;
    if (closed != null || ch == null || !ch.isActive()) {
      future.completeExceptionally(closed != null ? closed
          : new MeridianException(SqlState.CONNECTION_FAILURE, "connection to " + peer + " is closed"));
      return future;
    }
    int id = nextId.incrementAndGet();
    inFlight.put(id, future);
    ch.writeAndFlush(new RequestFrame(id, request)).addListener(f -> {
      if (!f.isSuccess()) {
        CompletableFuture<Response> pending = inFlight.remove(id);
        if (pending != null) {
          pending.completeExceptionally(new MeridianException(SqlState.CONNECTION_FAILURE,
              "could not send to " + peer + ": " + f.cause(), f.cause()));
        }
      }
    });
    // The connection may have dropped between the check above and the put.
    if (closedBy != null && inFlight.remove(id) != null) {
      future.completeExceptionally(closedBy);
    }
    return future;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ResponseFrame frame) {
    CompletableFuture<Response> future = frame.more()
        ? inFlight.get(frame.requestId()) : inFlight.remove(frame.requestId());
    if (future != null) {
      future.complete(frame.response());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    failAll(new MeridianException(SqlState.CONNECTION_FAILURE,
        "connection to peer " + peer + " (" + region + ") was lost"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failAll(new MeridianException(SqlState.CONNECTION_FAILURE,
        "connection to peer " + peer + " failed: " + cause.getMessage(), cause));
    ctx.close();
  }

  private void failAll(MeridianException e) {
    if (closedBy == null) {
      closedBy = e;
    }
    for (Integer id : inFlight.keySet()) {
      CompletableFuture<Response> f = inFlight.remove(id);
      if (f != null) {
        f.completeExceptionally(closedBy);
      }
    }
  }

  @Override
  public boolean isOpen() {
    Channel ch = channel;
    return closedBy == null && ch != null && ch.isActive();
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public void close() {
    if (closedBy == null) {
      closedBy = new MeridianException(SqlState.CONNECTION_DOES_NOT_EXIST, "connection is closed");
    }
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
    failAll(closedBy);
  }
}
