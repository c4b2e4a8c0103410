package dev.meridian.peer.api;

import dev.meridian.peer.internal.server.DriverProtocolServer;
import java.net.InetSocketAddress;

/**
 * One running peer: its {@link PeerNode} (the Hazelcast member and storage) and the Netty
 * server that serves the driver protocol. {@link #start} returns once both are up;
 * {@link #close()} stops taking connections first, then leaves the peer group gracefully.
 * Thread-safe; close is idempotent.
 */
public final class Peer implements AutoCloseable {
  private final PeerNode node;
  private final DriverProtocolServer server;
  private volatile boolean closed;

  private Peer(PeerNode node, DriverProtocolServer server) {
    this.node = node;
    this.server = server;
  }

  /**
   * Starts a peer.
   *
   * @throws dev.meridian.protocol.error.MeridianException {@code 08001} when the member or the
   *     server cannot start (for example a port in use)
   */
  public static Peer start(PeerConfig config) {
    PeerNode node = PeerNode.start(config);
    try {
      DriverProtocolServer server = DriverProtocolServer.start(
          new InetSocketAddress(node.config().hazelcastHost(), node.config().clientPort()),
          node.config().maxFrameBytes(), node.region(), node.name(), node.handler()::handle);
      return new Peer(node, server);
    } catch (RuntimeException e) {
      node.close();
      throw new dev.meridian.protocol.error.MeridianException(
          dev.meridian.protocol.error.SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot serve the driver protocol on " + node.config().hazelcastHost() + ":"
              + node.config().clientPort() + ": " + e.getMessage(), e);
    }
  }

  /** The storage side of this peer. */
  public PeerNode node() {
    return node;
  }

  /** Where drivers connect (with the real port when 0 was configured). */
  public InetSocketAddress clientAddress() {
    return server.address();
  }

  /** The region this peer serves. */
  public String region() {
    return node.region();
  }

  /** This peer's name. */
  public String name() {
    return node.name();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } finally {
      node.close();
    }
  }
}
