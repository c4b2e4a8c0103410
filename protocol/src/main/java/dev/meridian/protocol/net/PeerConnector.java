package dev.meridian.protocol.net;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.ClientHandshake;
import dev.meridian.protocol.wire.Frames.Welcome;
import dev.meridian.protocol.wire.PortRole;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens {@link PeerChannel}s over Netty. Thread-safe. */
public final class PeerConnector {
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
    return connect(peers, TransportSettings.DEFAULTS
        .withConnectTimeoutMillis(Math.max(1, connectTimeoutMillis))
        .withMaxFrameBytes(maxFrameBytes), "meridian-jdbc");
  }

  /** Connects to one peer; {@code 08001} when it does not answer in time. */
  public static PeerChannel connectOne(InetSocketAddress address, int connectTimeoutMillis,
      int maxFrameBytes) {
    return connectOne(address, TransportSettings.DEFAULTS
        .withConnectTimeoutMillis(Math.max(1, connectTimeoutMillis))
        .withMaxFrameBytes(maxFrameBytes), PortRole.DRIVER, "meridian-jdbc");
  }

  /**
   * Connects to the first of {@code peers} that completes the handshake, trying them in order,
   * as {@link #connect(List, int, int)} does, with every figure (and TLS) from {@code settings}.
   */
  public static PeerChannel connect(List<InetSocketAddress> peers, TransportSettings settings,
      String clientName) {
    if (peers.isEmpty()) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "no peer address given");
    }
    List<String> failures = new ArrayList<>();
    for (InetSocketAddress address : peers) {
      try {
        return connectOne(address, settings, PortRole.DRIVER, clientName);
      } catch (MeridianException e) {
        if (e.state() == SqlState.INVALID_PASSWORD || e.state() == SqlState.INVALID_AUTHORIZATION) {
          throw e; // every peer of the region would say the same
        }
        failures.add(address + ": " + e.getMessage());
      }
    }
    throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
        "no peer answered within " + settings.connectTimeoutMillis() + " ms (connectTimeout): "
            + String.join("; ", failures));
  }

  /**
   * Connects to one port of one peer: TCP, then TLS when {@code settings} has it, then the
   * handshake of {@code port}, all within {@code settings.connectTimeoutMillis()}.
   *
   * @param clientName names the client in the peer's logs
   * @throws MeridianException {@code 08001} naming why, when it does not answer in time, refuses,
   *     or the TLS handshake fails
   */
  public static PeerChannel connectOne(InetSocketAddress address, TransportSettings settings,
      PortRole port, String clientName) {
    NettyPeerChannel handler = new NettyPeerChannel();
    ClientHandshake handshake = new ClientHandshake(clientName, port,
        port == PortRole.DRIVER ? settings.credentials() : null);
    int connectTimeoutMillis = settings.connectTimeoutMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
    ChannelFuture connect = new Bootstrap()
        .group(ClientEventLoops.group())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new ClientInitializer(settings, address, handshake, handler))
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
      if (cause instanceof MeridianException m && m.state() != SqlState.CONNECTION_UNABLE_TO_CONNECT) {
        // A refused password (28P01) or a peer that failed SCRAM keeps its own state.
        throw new MeridianException(m.state(), m.getMessage(), m);
      }
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
