package dev.meridian.protocol.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Injected one-way network latency, for laptops that must show what a WAN does: every inbound
 * and every outbound message is held for the current delay before it moves on, so a request and
 * its response together take twice the delay longer. Order is kept: both directions are
 * scheduled on the channel's single event loop with non-decreasing deadlines (Netty runs tasks
 * with equal deadlines in submission order), as long as the delay does not shrink while
 * messages wait.
 *
 * <p>Placed first in the pipeline, so it delays raw bytes and the handshake like a real WAN.
 * One instance per channel.
 */
public final class DelayHandler extends ChannelDuplexHandler {
  private final LongSupplier delayMillis;
  private long lastDeadline;

  /** @param delayMillis read per message; 0 or less passes messages at once */
  public DelayHandler(LongSupplier delayMillis) {
    this.delayMillis = delayMillis;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    long wait = waitNanos();
    if (wait <= 0) {
      ctx.fireChannelRead(msg);
    } else {
      ctx.executor().schedule(() -> {
        ctx.fireChannelRead(msg);
        ctx.fireChannelReadComplete();
      }, wait, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (delayMillis.getAsLong() <= 0) {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long wait = waitNanos();
    if (wait <= 0) {
      ctx.write(msg, promise);
    } else {
      ctx.executor().schedule(() -> ctx.writeAndFlush(msg, promise), wait, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (delayMillis.getAsLong() <= 0) {
      ctx.flush();
    }
  }

  /** Nanoseconds to hold a message now, never ending before an earlier message's deadline. */
  private long waitNanos() {
    long delay = delayMillis.getAsLong();
    if (delay <= 0 && lastDeadline == 0) {
      return 0;
    }
    long now = System.nanoTime();
    long deadline = Math.max(now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delay)), lastDeadline);
    lastDeadline = deadline;
    return Math.max(1, deadline - now);
  }
}
