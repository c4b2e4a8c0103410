package dev.meridian.peer.internal.server;

import dev.meridian.protocol.wire.FrameCodecs;
import dev.meridian.protocol.wire.ServerHandshake;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's Netty server for the driver protocol. Thread-safe; {@link #close()} stops accepting,
 * closes every connection and releases the event loops.
 *
 * <p>Each connection's pipeline, in order:
 * <ol>
 *   <li>handshake deadline: a connection that has not completed the handshake in time is closed
 *       (so half-open or silent sockets cost nothing for long);</li>
 *   <li>framing: length-prefixed frames, bounded by the maximum frame size;</li>
 *   <li>handshake: magic and version, removed once done;</li>
 *   <li>codec: requests in, responses out;</li>
 *   <li>dispatch: hands each request to the {@link RequestService}, writes the answer.</li>
 * </ol>
 */
public final class DriverProtocolServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriverProtocolServer.class);
  /** Seconds a new connection has to complete the handshake. */
  static final int HANDSHAKE_TIMEOUT_SECONDS = 10;
  /** Requests one connection may have in flight before the server stops reading from it. */
  static final int MAX_IN_FLIGHT = 4096;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;

  private DriverProtocolServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
  }

  /**
   * Binds the server.
   *
   * @param bind address and port to bind (port 0 picks a free one)
   * @param maxFrameBytes the largest frame accepted
   * @param region the region named in the handshake
   * @param peer the peer name named in the handshake
   * @param service answers requests
   */
  public static DriverProtocolServer start(InetSocketAddress bind, int maxFrameBytes,
      String region, String peer, RequestService service) {
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("meridian-accept", true), NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
        new DefaultThreadFactory("meridian-io", true), NioIoHandler.newFactory());
    FrameCodecs.RequestDecoder requestDecoder = new FrameCodecs.RequestDecoder();
    FrameCodecs.ResponseEncoder responseEncoder = new FrameCodecs.ResponseEncoder();
    try {
      Channel ch = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ChannelPipeline p = ch.pipeline();
              p.addLast("handshake-deadline",
                  new ReadTimeoutHandler(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
              p.addLast("frame-decoder", FrameCodecs.frameDecoder(maxFrameBytes));
              p.addLast("frame-prepender", FrameCodecs.framePrepender());
              p.addLast("handshake", new ServerHandshake(region, peer));
              p.addLast("request-decoder", requestDecoder);
              p.addLast("response-encoder", responseEncoder);
              p.addLast("dispatch", new RequestDispatcher(service, MAX_IN_FLIGHT));
            }
          })
          .bind(bind).syncUninterruptibly().channel();
      LOG.info("driver protocol listening on {}", ch.localAddress());
      return new DriverProtocolServer(boss, workers, ch);
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
