package dev.meridian.protocol.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops shared by every driver connection in this JVM: daemon threads, created on
 * first use, so an application that never closes its connections still exits.
 */
final class ClientEventLoops {
  private ClientEventLoops() {}

  private static final class Holder {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("meridian-driver-io", true), NioIoHandler.newFactory());
  }

  static EventLoopGroup group() {
    return Holder.GROUP;
  }
}
