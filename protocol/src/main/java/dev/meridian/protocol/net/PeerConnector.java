package dev.meridian.protocol.net;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.ClientHandshake;
import dev.meridian.protocol.wire.FrameCodecs;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens {@link PeerChannel}s over Netty. Thread-safe. */
public final class PeerConnector {
  private static final FrameCodecs.RequestEncoder REQUEST_ENCODER = new FrameCodecs.RequestEncoder();
  private static final FrameCodecs.ResponseDecoder RESPONSE_DECODER = new FrameCodecs.ResponseDecoder();

  private PeerConnector() {}

  /**
   * Connects to the first of {@code peers} that completes the handshake within
   * {@code connectTimeoutMillis}, trying them in order.
   *
   * @throws MeridianException {@code 08001} naming every address tried and why it failed, when
   *     none answers
   */
  public static PeerChannel connect(List<InetSocketAddress> peers, int connectTimeoutMillis,
      int maxFrameBytes) {
    if (peers.isEmpty()) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "no peer address given");
    }
    List<String> failures = new ArrayList<>();
    for (InetSocketAddress address : peers) {
      try {
        return connectOne(address, connectTimeoutMillis, maxFrameBytes);
      } catch (MeridianException e) {
        failures.add(address + ": " + e.getMessage());
      }
    }
    throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
        "no peer answered within " + connectTimeoutMillis + " ms (connectTimeout): "
            + String.join("; ", failures));
  }

  /** Connects to one peer; {@code 08001} when it does not answer in time. */
  public static PeerChannel connectOne(InetSocketAddress address, int connectTimeoutMillis,
      int maxFrameBytes) {
    return connectOne(address, connectTimeoutMillis, maxFrameBytes, "meridian-jdbc", null);
  }

  /**
   * Connects to one peer as {@link #connectOne(InetSocketAddress, int, int)} does, naming the
   * client in the handshake and, when {@code oneWayDelayMillis} is not null, holding every
   * message each way for that many milliseconds ({@link DelayHandler}).
   */
  public static PeerChannel connectOne(InetSocketAddress address, int connectTimeoutMillis,
      int maxFrameBytes, String clientName, java.util.function.LongSupplier oneWayDelayMillis) {
    NettyPeerChannel handler = new NettyPeerChannel();
    ClientHandshake handshake = new ClientHandshake(clientName);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
    ChannelFuture connect = new Bootstrap()
        .group(ClientEventLoops.group())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectTimeoutMillis))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            // framing -> handshake (removes itself) -> codec -> in-flight calls
            ChannelPipeline p = ch.pipeline();
            if (oneWayDelayMillis != null) {
              p.addLast("wan-delay", new DelayHandler(oneWayDelayMillis));
            }
            p.addLast("frame-decoder", FrameCodecs.frameDecoder(maxFrameBytes));
            p.addLast("frame-prepender", FrameCodecs.framePrepender());
            p.addLast("handshake", handshake);
            p.addLast("response-decoder", RESPONSE_DECODER);
            p.addLast("request-encoder", REQUEST_ENCODER);
            p.addLast("calls", handler);
          }
        })
        .connect(address);
    Channel ch = connect.channel();
    try {
      if (!connect.awaitUninterruptibly(remaining(deadline), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("no TCP connection");
      }
      if (!connect.isSuccess()) {
        throw new ExecutionException(connect.cause());
      }
      Welcome welcome = handshake.welcome().get(remaining(deadline), TimeUnit.NANOSECONDS);
      handler.attach(ch, welcome.region(), welcome.peer());
      return handler;
    } catch (TimeoutException e) {
      ch.close();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "timed out after " + connectTimeoutMillis + " ms", e);
    } catch (ExecutionException e) {
      ch.close();
      Throwable cause = e.getCause();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          cause == null ? e.toString() : cause.getMessage(), cause);
    } catch (InterruptedException e) {
      ch.close();
      Thread.currentThread().interrupt();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "interrupted", e);
    }
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }
}
