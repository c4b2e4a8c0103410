package dev.meridian.peer.api;

import com.hazelcast.cluster.Member;
import com.hazelcast.partition.Partition;
import dev.meridian.peer.internal.server.DriverProtocolServer;
import dev.meridian.peer.internal.server.RequestService;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One running peer: its {@link PeerNode} (the Hazelcast member and storage) and the Netty
 * server that serves the driver protocol. {@link #start} returns once both are up;
 * {@link #close()} stops taking connections first, then leaves the peer group gracefully.
 * Thread-safe; close is idempotent.
 *
 * <p>The server binds first so that the member can announce its driver-protocol address to the
 * other peers (member attribute {@value #CLIENT_ADDRESS}); with it every peer answers
 * {@link Request.GetPartitions}, which lets drivers send a key's request to its owner.
 */
public final class Peer implements AutoCloseable {
  /** The member attribute holding a peer's driver-protocol {@code host:port}. */
  public static final String CLIENT_ADDRESS = "meridian.client";

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
   * @throws MeridianException {@code 08001} when the member or the server cannot start (for
   *     example a port in use)
   */
  public static Peer start(PeerConfig config) {
    PeerConfig effective = PeerNode.withConcretePort(config);
    Deferred service = new Deferred();
    DriverProtocolServer server;
    try {
      server = DriverProtocolServer.start(
          new InetSocketAddress(effective.hazelcastHost(), effective.clientPort()),
          effective.maxFrameBytes(), effective.region(), effective.name(), service);
    } catch (RuntimeException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot serve the driver protocol on " + effective.hazelcastHost() + ":"
              + effective.clientPort() + ": " + e.getMessage(), e);
    }
    InetSocketAddress bound = server.address();
    PeerNode node;
    try {
      node = PeerNode.start(effective,
          Map.of(CLIENT_ADDRESS, bound.getHostString() + ":" + bound.getPort()));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    Peer peer = new Peer(node, server);
    service.target = peer::handle;
    return peer;
  }

  /** Answers a request as the driver-protocol server does (package-private for tests). */
  CompletionStage<Response> handle(Request request) {
    if (request instanceof Request.GetPartitions) {
      return CompletableFuture.completedFuture(partitions());
    }
    return node.handler().handle(request);
  }

  /** Which peer's driver-protocol address owns each partition, as this member sees it now. */
  private Response partitions() {
    java.util.Set<Partition> partitions = node.hazelcast().getPartitionService().getPartitions();
    List<String> owners = new ArrayList<>(Collections.nCopies(partitions.size(), ""));
    for (Partition p : partitions) {
      Member owner = p.getOwner();
      String address = owner == null ? null : owner.getAttribute(CLIENT_ADDRESS);
      if (address != null && p.getPartitionId() < owners.size()) {
        owners.set(p.getPartitionId(), address);
      }
    }
    return new Response.Partitions(owners);
  }

  /**
   * Waits until the peer group is safe: no partition is migrating and every backup copy is in
   * sync, so losing any one peer loses no acknowledged write. A peer that just joined makes
   * the group unsafe until the partitions it takes over have moved.
   *
   * @return whether the group became safe within {@code timeout}
   */
  public boolean awaitSafe(java.time.Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    var partitions = node.hazelcast().getPartitionService();
    while (!partitions.isClusterSafe()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
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

  /** Answers "still starting" until the peer is up; connections may arrive that early. */
  private static final class Deferred implements RequestService {
    volatile RequestService target;

    @Override
    public CompletionStage<Response> handle(Request request) {
      RequestService t = target;
      return t != null ? t.handle(request) : CompletableFuture.completedFuture(new Response.Error(
          SqlState.CONNECTION_FAILURE, "the peer is still starting; try again"));
    }
  }
}
