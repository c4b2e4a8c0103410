package dev.meridian.peer.api;

import com.hazelcast.cluster.Member;
import com.hazelcast.partition.Partition;
import dev.meridian.peer.internal.server.DriverServerInitializer;
import dev.meridian.peer.internal.server.LinkServerInitializer;
import dev.meridian.peer.internal.server.LinkService;
import dev.meridian.peer.internal.server.PeerTransports;
import dev.meridian.peer.internal.server.ProtocolServer;
import dev.meridian.peer.internal.server.RequestService;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One running peer: its {@link PeerNode} (the Hazelcast member and storage) and its two Netty
 * ports: the driver port for clients and the link port for other regions' replication links
 * (the driver port refuses every message that speaks for a region). {@link #start} returns once both are up;
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

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Peer.class);

  private final PeerNode node;
  private final ProtocolServer.Loops loops;
  private final ProtocolServer server;
  private final ProtocolServer links;
  private volatile boolean closed;

  private final dev.meridian.peer.internal.auth.LoginGuard guard;

  private Peer(PeerNode node, ProtocolServer.Loops loops, ProtocolServer server,
      ProtocolServer links, dev.meridian.peer.internal.auth.LoginGuard guard) {
    this.node = node;
    this.loops = loops;
    this.server = server;
    this.links = links;
    this.guard = guard;
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
    DeferredLinks linkService = new DeferredLinks();
    TransportSettings driverSettings;
    TransportSettings linkSettings;
    try {
      driverSettings = PeerTransports.driverServer(effective);
      linkSettings = PeerTransports.linkServer(effective);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("tls", List.of(e.getMessage()));
    }
    java.util.concurrent.atomic.AtomicReference<PeerNode> started =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.function.Supplier<dev.meridian.peer.internal.auth.UserStore> users = () -> {
      PeerNode n = started.get();
      return n == null ? null : n.users();
    };
    dev.meridian.peer.internal.auth.LoginGuard guard = effective.usersEnabled()
        ? new dev.meridian.peer.internal.auth.LoginGuard(users) : null;
    dev.meridian.peer.internal.auth.AccessControl access = effective.usersEnabled()
        ? new dev.meridian.peer.internal.auth.AccessControl(users, id -> {
          PeerNode n = started.get();
          return n == null ? CompletableFuture.completedFuture(null) : n.tableById(id);
        }) : null;
    ProtocolServer.Loops loops = new ProtocolServer.Loops();
    ProtocolServer server = null;
    ProtocolServer links = null;
    try {
      server = bind(effective, effective.clientPort(), "driver protocol", loops,
          new DriverServerInitializer(driverSettings, effective.region(), effective.name(),
              service, guard, access));
      links = bind(effective, effective.linkPort(), "replication links", loops,
          new LinkServerInitializer(linkSettings, effective.region(), effective.name(),
              linkService));
    } catch (RuntimeException e) {
      closeAll(server, links, loops);
      throw e;
    }
    InetSocketAddress bound = server.address();
    PeerNode node;
    try {
      node = PeerNode.start(effective,
          Map.of(CLIENT_ADDRESS, bound.getHostString() + ":" + bound.getPort()));
    } catch (RuntimeException e) {
      closeAll(server, links, loops);
      throw e;
    }
    if (effective.usersEnabled()) {
      try {
        bootstrapAdmin(effective, node);
      } catch (RuntimeException e) {
        node.close();
        closeAll(server, links, loops);
        throw e;
      }
    }
    started.set(node);
    node.metrics().bindLogins(guard);
    Peer peer = new Peer(node, loops, server, links, guard);
    linkService.target = new NodeLinks(node);
    service.target = request -> node.metrics().timed(request, peer::handle);
    return peer;
  }

  /**
   * Creates the configured admin when the region has never had a user. Without a password for
   * it, a region that replicates with others starts anyway (its users arrive from them), and a
   * region alone refuses to start, saying how to give one.
   */
  private static void bootstrapAdmin(PeerConfig config, PeerNode node) {
    dev.meridian.peer.internal.auth.UserStore store = node.users();
    if (!store.isEmpty()) {
      return;
    }
    if (config.adminPassword() == null) {
      if (config.remoteRegions().isEmpty()) {
        throw new ConfigException("users", List.of("users.enabled is set and region "
            + config.region() + " has no user yet: give the first admin's password with"
            + " users.adminPassword or the environment variable MERIDIAN_ADMIN_PASSWORD"));
      }
      LOG.warn("{}: users are enabled and region {} has no user yet; nobody can log in until"
          + " users arrive from {} (or set MERIDIAN_ADMIN_PASSWORD)", config.name(),
          config.region(), config.remoteRegions().keySet());
      return;
    }
    if (store.bootstrap(config.adminUser(), config.adminPassword())) {
      LOG.info("{}: created the first admin user {} of region {}", config.name(),
          config.adminUser(), config.region());
    }
  }

  private static ProtocolServer bind(PeerConfig config, int port, String what,
      ProtocolServer.Loops loops, ChannelInitializer<SocketChannel> init) {
    try {
      return ProtocolServer.start(new InetSocketAddress(config.hazelcastHost(), port), what, loops,
          init);
    } catch (RuntimeException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot serve the " + what + " on " + config.hazelcastHost() + ":" + port + ": "
              + e.getMessage(), e);
    }
  }

  private static void closeAll(ProtocolServer server, ProtocolServer links,
      ProtocolServer.Loops loops) {
    if (server != null) {
      server.close();
    }
    if (links != null) {
      links.close();
    }
    loops.close();
  }

  /** Answers a request as the driver-protocol server does (package-private for tests). */
  CompletionStage<Response> handle(Request request) {
    if (request instanceof Request.GetPartitions) {
      return CompletableFuture.completedFuture(partitions());
    }
    if (request instanceof Request.ReadSystemTable t && guard != null
        && dev.meridian.protocol.types.SystemTables.byName(t.name())
            == dev.meridian.protocol.types.SystemTables.SECURITY) {
      return node.handler().handle(request).thenApply(r -> {
        if (!(r instanceof Response.Rows rows)) {
          return r;
        }
        List<Object[]> all = new ArrayList<>(rows.rows());
        all.add(new Object[] {name(), "failed_logins", "", guard.failures()});
        all.add(new Object[] {name(), "logins", "", guard.successes()});
        return new Response.Rows(all);
      });
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

  /**
   * Where the Prometheus endpoint listens (the real port when 0 was configured), or null when
   * no {@code metricsPort} is configured.
   */
  public InetSocketAddress metricsAddress() {
    return node.metrics().endpointAddress();
  }

  /** Where other regions' links connect (with the real port when 0 was configured). */
  public InetSocketAddress linkAddress() {
    return links.address();
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
      links.close();
      loops.close();
    } finally {
      node.close();
    }
  }

  /** The link port's answers, from the node once it runs. */
  private record NodeLinks(PeerNode node) implements LinkService {
    @Override
    public String refusal(String region) {
      return node.linkRefusal(region);
    }

    @Override
    public CompletionStage<Response> handle(String fromRegion, Request request) {
      if (request instanceof Request.Ping || request instanceof Request.ReadSystemTable) {
        return node.handler().handle(request);
      }
      return node.handleLink(fromRegion, request);
    }
  }

  /** Refuses links until the peer is up. */
  private static final class DeferredLinks implements LinkService {
    volatile LinkService target;

    @Override
    public String refusal(String region) {
      LinkService t = target;
      return t != null ? t.refusal(region) : "the peer is still starting; try again";
    }

    @Override
    public CompletionStage<Response> handle(String fromRegion, Request request) {
      LinkService t = target;
      return t != null ? t.handle(fromRegion, request) : CompletableFuture.completedFuture(
          new Response.Error(SqlState.CONNECTION_FAILURE, "the peer is still starting; try again"));
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

    @Override
    public String notReady() {
      return target != null ? null : "the peer is still starting; try another peer or again";
    }
  }
}
