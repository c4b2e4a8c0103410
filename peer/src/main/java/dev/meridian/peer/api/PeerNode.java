package dev.meridian.peer.api;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.disk.DurableLog;
import dev.meridian.peer.internal.disk.IncompatibleDataException;
import dev.meridian.peer.internal.metrics.PeerMetrics;
import dev.meridian.peer.internal.replication.ChangeNotifier;
import dev.meridian.peer.internal.replication.Replicator;
import dev.meridian.peer.internal.storage.DiskRecovery;
import dev.meridian.peer.internal.storage.MemberConfig;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.internal.storage.StorageRequestHandler;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running peer's storage: its Hazelcast member (joined to the region's peer group), its
 * hybrid clock and the {@link RequestHandler} that serves driver requests from them. The
 * driver-protocol server and the launcher are built on top of it.
 *
 * <p>{@link #start} returns once the member runs and the catalog is loaded. {@link #close()}
 * leaves the peer group gracefully (Hazelcast first hands this member's partitions to the
 * others), is idempotent, and makes the handler answer errors. Thread-safe.
 */
public final class PeerNode implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerNode.class);

  private final PeerConfig config;
  private final HybridClock clock;
  private final HazelcastInstance hazelcast;
  private final ExecutorService blocking;
  private final StorageRequestHandler handler;
  private final Replicator replicator;
  private final DurableLog log;
  private final PeerMetrics metrics;
  private final AtomicInteger closed = new AtomicInteger();

  private PeerNode(PeerConfig config, HybridClock clock, HazelcastInstance hazelcast,
      ExecutorService blocking, StorageRequestHandler handler, Replicator replicator,
      DurableLog log, PeerMetrics metrics) {
    this.log = log;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
    this.hazelcast = hazelcast;
    this.blocking = blocking;
    this.handler = handler;
    this.replicator = replicator;
  }

  /**
   * Starts the peer's Hazelcast member and joins the region's peer group (blocking, seconds).
   *
   * @param config a validated configuration; a {@code hazelcast.port} of 0 is replaced by a
   *     free port (the effective configuration is {@link #config()})
   * @throws MeridianException {@code 08001} when the member cannot start (e.g. port in use)
   */
  public static PeerNode start(PeerConfig config) {
    return start(config, java.util.Map.of());
  }

  /**
   * Starts the member as {@link #start(PeerConfig)} does, announcing {@code memberAttributes} to
   * the other peers of the group (Hazelcast member attributes).
   */
  public static PeerNode start(PeerConfig config, java.util.Map<String, String> memberAttributes) {
    AsyncCallbacks.install();
    PeerConfig effective = withConcretePort(config);
    HybridClock clock =
        new HybridClock(Stamp.regionId(effective.region()), effective.maxClockOffsetMs());
    ChangeNotifier changes = new ChangeNotifier();
    PeerMetrics metrics = PeerMetrics.start(effective);
    DurableLog.Opened disk;
    try {
      disk = openDataDir(effective);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
    DurableLog log = disk == null ? null : disk.log();
    HazelcastInstance hazelcast;
    try {
      com.hazelcast.config.Config hzConfig = MemberConfig.build(effective, clock, changes, log);
      memberAttributes.forEach(hzConfig.getMemberAttributeConfig()::setAttribute);
      hazelcast = Hazelcast.newHazelcastInstance(hzConfig);
    } catch (RuntimeException e) {
      if (log != null) {
        log.close();
      }
      metrics.close();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot start the Hazelcast member on " + effective.hazelcastHost() + ":"
              + effective.hazelcastPort() + ": " + e.getMessage(), e);
    }
    ExecutorService blocking = Executors.newFixedThreadPool(2, threads(effective.name()));
    try {
      if (disk != null) {
        DiskRecovery.replay(hazelcast, disk.recovered());
      }
      StorageRequestHandler handler = StorageRequestHandler.start(effective.region(),
          effective.name(), clock, hazelcast, blocking, metrics.registry());
      changes.partitionCount(hazelcast.getPartitionService().getPartitions().size());
      Replicator replicator =
          Replicator.start(effective, hazelcast, handler.replica(), clock, changes);
      handler.replicationHandler(replicator);
      handler.rowShipper(replicator::ship);
      handler.servingGate(replicator::notServingReason);
      metrics.bindReplication(effective.region(), replicator, clock);
      metrics.bindCluster(hazelcast);
      return new PeerNode(effective, clock, hazelcast, blocking, handler, replicator, log,
          metrics);
    } catch (RuntimeException e) {
      blocking.shutdownNow();
      hazelcast.shutdown();
      if (log != null) {
        log.close();
      }
      metrics.close();
      throw e;
    }
  }

  /** Opens the data directory's log and reads what it holds, or null without a data dir. */
  private static DurableLog.Opened openDataDir(PeerConfig config) {
    if (config.dataDir() == null) {
      LOG.warn("{}: no dataDir: this peer keeps nothing on disk, and a region whose peers all"
          + " stop comes back empty", config.name());
      return null;
    }
    Path dir = Path.of(config.dataDir());
    try {
      DurableLog.Opened opened = DurableLog.open(dir, config.durability() == Durability.SYNC
          ? DurableLog.Mode.SYNC : DurableLog.Mode.PERIODIC, config.durabilityPeriodMs());
      LOG.info("{}: data directory {} ({} durability): read {} log records, {} entries, in {}"
          + " ms", config.name(), dir, config.durability().key(), opened.records(),
          opened.recovered().size(), opened.millis());
      return opened;
    } catch (IncompatibleDataException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, e.getMessage(), e);
    } catch (IOException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot open the data directory " + dir + ": " + e, e);
    }
  }

  /** The effective configuration (with the Hazelcast port actually used). */
  public PeerConfig config() {
    return config;
  }

  /** The region's name. */
  public String region() {
    return config.region();
  }

  /** The region's id as used in stamps ({@link Stamp#regionId(String)}). */
  public int regionId() {
    return clock.regionId();
  }

  /** The peer's name. */
  public String name() {
    return config.name();
  }

  /**
   * This peer's meters: capacity consumption and throttles ({@code meridian.capacity.units},
   * tagged by table, region, kind and outcome). The registry is the peer's own.
   */
  public io.micrometer.core.instrument.MeterRegistry meters() {
    return handler.meters();
  }

  /** The handler serving driver requests; valid until {@link #close()}. */
  public RequestHandler handler() {
    return handler;
  }

  /** The region's users (internal type: for authentication and authorization). */
  public dev.meridian.peer.internal.auth.UserStore users() {
    return handler.users();
  }

  /** A table's definition by id, or null when there is none. */
  public java.util.concurrent.CompletionStage<dev.meridian.protocol.types.TableSchema> tableById(
      long tableId) {
    return handler.tableById(tableId);
  }

  /**
   * Whether a replication link from {@code region} may open to this peer: null when it may,
   * else why not.
   */
  public String linkRefusal(String region) {
    return replicator.linkRefusal(region);
  }

  /**
   * Answers a request of a link that authenticated as {@code fromRegion} (the link port's
   * business; the driver port never passes these on).
   */
  public java.util.concurrent.CompletionStage<dev.meridian.protocol.wire.Response> handleLink(
      String fromRegion, dev.meridian.protocol.wire.Request request) {
    return replicator.handleLink(fromRegion, request);
  }

  /** The peer's hybrid logical clock (internal type: for replication and metrics). */
  public HybridClock clock() {
    return clock;
  }

  /** The embedded Hazelcast member (internal: for replication and tests only). */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /** The address the Hazelcast member listens on. */
  public InetSocketAddress hazelcastAddress() {
    return new InetSocketAddress(config.hazelcastHost(), config.hazelcastPort());
  }

  /** Replication's view of the region's storage (internal: for the test kit and tests). */
  public RegionReplica replica() {
    return handler.replica();
  }

  /** Replication on this peer (internal: for the test kit, the launcher and tests). */
  public Replicator replicator() {
    return replicator;
  }

  /** The peer's meters (internal: off unless {@code metricsPort} is configured). */
  public PeerMetrics metrics() {
    return metrics;
  }

  /** Leaves the peer group gracefully; idempotent. */
  @Override
  public void close() {
    if (closed.getAndIncrement() != 0) {
      return;
    }
    replicator.close();
    try {
      handler.close();
    } catch (RuntimeException e) {
      // The member may already be gone (terminated in a test, or lost); closing goes on.
    }
    blocking.shutdown();
    hazelcast.shutdown();
    if (log != null) {
      log.close();
    }
    metrics.close();
    try {
      blocking.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The configuration with a free Hazelcast port in place of 0 (unchanged otherwise). */
  public static PeerConfig withConcretePort(PeerConfig config) {
    return config.hazelcastPort() != 0 ? config
        : config.toBuilder().hazelcastPort(freePort(config.hazelcastHost())).build();
  }

  private static int freePort(String host) {
    // Hazelcast needs a concrete port; another process may take this one before the member
    // binds it, in which case start fails with 08001 and the caller may retry.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }

  private static ThreadFactory threads(String peerName) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "meridian-storage-" + peerName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
