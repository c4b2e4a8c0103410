package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.router.api.RoutingContext;
import dev.meridian.router.api.RoutingPolicies;
import dev.meridian.router.api.RoutingPolicy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the connections of one URL share about regions: the {@link RoutingPolicy} that ranks
 * them, and the prober that keeps the policy informed. A pool's connections thus fail over
 * together: the first statement that finds home dead tells the policy, and every connection's
 * next statement goes elsewhere.
 *
 * <p>The prober runs every {@value #TICK_MILLIS} ms on one daemon thread. It pings every region
 * not known to be down once a second (the round trips feed the policy's moving averages), and
 * probes the down regions the policy hands out (with its back-off) by asking for the catalog,
 * which a region still being backfilled refuses: a region counts as up again only once it
 * serves. An up region is reported down when no peer of it accepts a connection, or after
 * {@value #FAILED_PINGS_FOR_DOWN} pings in a row went unanswered for
 * {@value #PING_TIMEOUT_MILLIS} ms (a region behind a silent network partition, whose
 * connections stay open but answer nothing). Then every connection of the group abandons its
 * channel to that region ({@link #onDown}), so requests waiting there fail at once and reads
 * move on, instead of waiting for a network timeout that defaults to none.
 *
 * <p>Groups are shared by key (the cluster, home region and routing options) and counted: the
 * last connection to release one closes it. Thread-safe.
 */
final class RoutingGroup {
  private static final Logger LOG = Logger.getLogger("dev.meridian.driver");
  static final long TICK_MILLIS = 250;
  static final long PING_EVERY_MILLIS = 1000;
  /** How long a ping of an up region may take before it counts as failed. */
  static final long PING_TIMEOUT_MILLIS = 2000;
  /** Failed pings in a row that make an up region down (a refused connection needs one). */
  static final int FAILED_PINGS_FOR_DOWN = 2;
  private static final Map<Key, RoutingGroup> GROUPS = new HashMap<>();

  /** What makes two connections share a group. */
  record Key(Object cluster, String home, String policy, int hysteresisMillis,
      ChannelOpener opener) {}

  private final Key key;
  private final RoutingPolicy policy;
  private final Map<String, List<InetSocketAddress>> peers;
  private final ChannelOpener opener;
  private final int connectTimeoutMillis;
  private final int maxFrameBytes;
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final Set<String> probing = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> failedPings = new ConcurrentHashMap<>();
  private final Set<java.util.function.Consumer<String>> downListeners =
      ConcurrentHashMap.newKeySet();
  private final Map<String, PeerChannel> probeChannels = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;
  private final ExecutorService probes;
  private long lastPing;
  private int refs;

  private RoutingGroup(Key key, RoutingPolicy policy, Map<String, List<InetSocketAddress>> peers,
      ChannelOpener opener, int connectTimeoutMillis, int maxFrameBytes) {
    this.key = key;
    this.policy = policy;
    this.peers = Map.copyOf(peers);
    this.opener = opener;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxFrameBytes = maxFrameBytes;
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("meridian-routing"));
    this.probes = Executors.newFixedThreadPool(2, daemon("meridian-probe"));
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * The group of a connection's options, created with its policy on first use.
   *
   * @param peers every region's peers
   * @throws MeridianException {@code 22023} when the policy cannot be loaded or refuses its
   *     settings
   */
  static RoutingGroup acquire(DriverConfig config, Map<String, List<InetSocketAddress>> peers,
      ChannelOpener opener) {
    Object cluster = config.mode() == JdbcUrl.Mode.EMBEDDED
        ? "mem:" + config.clusterName() : peers;
    String policyName = config.routingPolicy() == null ? RoutingPolicies.DEFAULT
        : config.routingPolicy().strip();
    Key key = new Key(cluster, config.homeRegion(), policyName, config.hysteresisMillis(),
        opener);
    synchronized (GROUPS) {
      RoutingGroup g = GROUPS.get(key);
      if (g == null) {
        RoutingPolicy policy = RoutingPolicies.load(policyName, policyLoader());
        try {
          policy.init(new RoutingContext(config.homeRegion(), config.regions(),
              Map.of("hysteresisMs", String.valueOf(config.hysteresisMillis())),
              System::nanoTime));
        } catch (RuntimeException e) {
          policy.close();
          throw e;
        }
        g = new RoutingGroup(key, policy, peers, opener, config.connectTimeoutMillis(),
            config.maxFrameBytes());
        GROUPS.put(key, g);
      }
      g.refs++;
      return g;
    }
  }

  private static ClassLoader policyLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : RoutingGroup.class.getClassLoader();
  }

  /** Gives the group back; the last release closes it. Idempotent per acquire is the caller's. */
  void release() {
    synchronized (GROUPS) {
      if (--refs > 0) {
        return;
      }
      GROUPS.remove(key, this);
    }
    ticker.shutdownNow();
    probes.shutdownNow();
    probeChannels.values().forEach(PeerChannel::close);
    probeChannels.clear();
    policy.close();
  }

  /** The regions to try for an operation, best first (the policy's plan). */
  List<String> plan(RoutingPolicy.Operation operation) {
    return policy.plan(operation);
  }

  /** The peers of a region (empty when unknown). */
  List<InetSocketAddress> peersOf(String region) {
    return peers.getOrDefault(region, List.of());
  }

  /** Tells {@code listener} the regions the prober finds down, as it finds them. */
  void onDown(java.util.function.Consumer<String> listener) {
    downListeners.add(listener);
  }

  /** Stops telling {@code listener}. */
  void removeOnDown(java.util.function.Consumer<String> listener) {
    downListeners.remove(listener);
  }

  /** A statement could not reach a region (or it refused to serve). */
  void regionDown(String region, Throwable why) {
    if (down.add(region)) {
      LOG.log(Level.FINE, "region " + region + " is down for routing: " + why.getMessage());
    }
    policy.regionDown(region);
  }

  /** A round trip measured by a statement (a point read). */
  void recordLatency(String region, long nanos) {
    policy.recordLatency(region, nanos);
  }

  private void tick() {
    try {
      for (String region : policy.probes()) {
        if (probing.add(region)) {
          probes.execute(() -> probe(region, true));
        }
      }
      long now = System.nanoTime();
      if (now - lastPing >= TimeUnit.MILLISECONDS.toNanos(PING_EVERY_MILLIS)) {
        lastPing = now;
        for (String region : peers.keySet()) {
          if (!down.contains(region) && probing.add(region)) {
            probes.execute(() -> probe(region, false));
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "routing tick failed", e);
    }
  }

  /**
   * Pings (an up region) or asks for the catalog (a down region, which counts as up only once it
   * serves), and reports the outcome to the policy.
   */
  private void probe(String region, boolean wasDown) {
    try {
      PeerChannel ch = probeChannels.get(region);
      if (ch == null || !ch.isOpen()) {
        ch = opener.open(peersOf(region), connectTimeoutMillis, maxFrameBytes);
        PeerChannel old = probeChannels.put(region, ch);
        if (old != null) {
          old.close();
        }
      }
      long start = System.nanoTime();
      Request ask = wasDown ? new Request.GetCatalog() : new Request.Ping();
      Response r = ch.call(ask).get(wasDown ? Math.max(connectTimeoutMillis, PING_TIMEOUT_MILLIS)
          : PING_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      if (r instanceof Response.Error e) {
        throw new MeridianException(e.state(), e.message());
      }
      long rtt = System.nanoTime() - start;
      if (!wasDown) {
        policy.recordLatency(region, rtt);
      }
      failedPings.remove(region);
      if (down.remove(region) || wasDown) {
        LOG.log(Level.FINE, "region " + region + " answers again");
        policy.regionUp(region);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return;
      }
      PeerChannel ch = probeChannels.remove(region);
      if (ch != null) {
        ch.close();
      }
      boolean refused = e instanceof MeridianException m
          && m.state() == dev.meridian.protocol.error.SqlState.CONNECTION_UNABLE_TO_CONNECT;
      int failures = failedPings.merge(region, 1, Integer::sum);
      if (wasDown || refused || failures >= FAILED_PINGS_FOR_DOWN) {
        boolean newly = down.add(region);
        policy.regionDown(region);
        if (newly) {
          LOG.log(Level.FINE, "region " + region + " does not answer the prober: " + e);
          downListeners.forEach(l -> l.accept(region));
        }
      }
    } finally {
      probing.remove(region);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "RoutingGroup[" + key.home() + ", down " + down + "]";
  }
}
