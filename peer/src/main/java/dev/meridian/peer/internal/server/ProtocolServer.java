package dev.meridian.peer.internal.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening port of a peer (the driver port or the link port); what a connection's pipeline
 * holds is its initializer's business ({@link DriverServerInitializer},
 * {@link LinkServerInitializer}). The ports of one peer share one {@link Loops}. Thread-safe;
 * {@link #close()} stops accepting.
 */
public final class ProtocolServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolServer.class);
  /** Requests one connection may have in flight before the server stops reading from it. */
  static final int MAX_IN_FLIGHT = 4096;

  private final Channel serverChannel;

  private ProtocolServer(Channel serverChannel) {
    this.serverChannel = serverChannel;
  }

  /** The accept and I/O event loops of a peer's ports; closed after the ports. */
  public static final class Loops implements AutoCloseable {
    final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("meridian-accept", true), NioIoHandler.newFactory());
    final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
        new DefaultThreadFactory("meridian-io", true), NioIoHandler.newFactory());

    @Override
    public void close() {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Binds a port.
   *
   * @param bind address and port (port 0 picks a free one)
   * @param what names the port in logs ("driver protocol", "links")
   */
  public static ProtocolServer start(InetSocketAddress bind, String what, Loops loops,
      ChannelInitializer<SocketChannel> initializer) {
    Channel ch = new ServerBootstrap()
        .group(loops.boss, loops.workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(initializer)
        .bind(bind).syncUninterruptibly().channel();
    LOG.info("{} listening on {}", what, ch.localAddress());
    return new ProtocolServer(ch);
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public void close() {
    // Open connections end with the event loops ({@link Loops#close()}).
    serverChannel.close().syncUninterruptibly();
  }
}
