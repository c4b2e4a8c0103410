package dev.meridian.driver.internal;

import dev.meridian.driver.api.MeridianProperty;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.spi.EmbeddedRegions;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * What {@link dev.meridian.driver.api.MeridianDriver} does behind JDBC's {@code Driver}: parses
 * and validates a URL with its properties, finds the home region's peers (from the URL, or by
 * starting the embedded regions), connects, and hands out the shared planners (one per
 * {@code planCacheSize}). Public only for the driver class; not API. Thread-safe.
 */
public final class Connector {
  private final ChannelOpener opener;
  private final Supplier<EmbeddedRegions> embedded;
  private final LongFunction<StatementPlanner> plannerFactory;
  private final Map<Long, StatementPlanner> planners = new ConcurrentHashMap<>();

  /** A connector over Netty, with the embedded regions found by {@link ServiceLoader}. */
  public Connector() {
    this(PeerConnector::connect, Connector::loadEmbedded, SqlPlannerAdapter::new);
  }

  Connector(ChannelOpener opener, Supplier<EmbeddedRegions> embedded,
      LongFunction<StatementPlanner> plannerFactory) {
    this.opener = opener;
    this.embedded = embedded;
    this.plannerFactory = plannerFactory;
  }

  /** Whether a URL is a Meridian URL (it may still be malformed). */
  public static boolean accepts(String url) {
    return JdbcUrl.accepts(url);
  }

  /** The driver's major version. */
  public static int majorVersion() {
    return ProductInfo.MAJOR;
  }

  /** The driver's minor version. */
  public static int minorVersion() {
    return ProductInfo.MINOR;
  }

  /**
   * Opens a connection.
   *
   * @throws SQLException {@code 22023} for a malformed URL or option, {@code 08001} when no peer
   *     answers or the embedded regions cannot be started
   */
  public Connection connect(String url, Properties info) throws SQLException {
    try {
      DriverConfig config = DriverConfig.of(url, JdbcUrl.parse(url), info);
      ResidencyRouting residency = config.routingConfigPath() == null ? ResidencyRouting.NONE
          : ResidencyRouting.load(config.routingConfigPath(), config.regions());
      Map<String, List<InetSocketAddress>> peers = regionPeers(config);
      // Credentials are offered whenever a user is given: a peer without users ignores them,
      // one with users requires them. Embedded (mem:) peers have no users.
      dev.meridian.protocol.net.Credentials credentials = config.user() == null
          || config.user().isEmpty() ? null
          : new dev.meridian.protocol.net.Credentials(config.user(), config.password());
      ChannelOpener opener = config.tls() == null && credentials == null ? this.opener
          : new TlsOpener(config.tls(), credentials);
      DriverMeters meters = DriverMeters.of(info == null ? null
          : info.get(dev.meridian.driver.api.MeridianDriver.METER_REGISTRY), config.homeRegion());
      RoutingGroup group = config.localRouting() ? null
          : RoutingGroup.acquire(config, peers, opener);
      RegionRouter router = new RegionRouter(config, peers, group, opener);
      router.meters(meters);
      try {
        // Connect now, to the first region that answers, so a bad URL fails here.
        router.run(RegionRouter.Call.METADATA, null,
            new Execution(0, config.networkTimeoutMillis()), ch -> ch.channel());
      } catch (RuntimeException e) {
        router.close();
        throw e;
      }
      return new MeridianConnection(config, router, residency,
          planner(config.planCacheSize()));
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  /** Every option with the value the URL or properties give it (the URL winning). */
  public DriverPropertyInfo[] propertyInfo(String url, Properties info) throws SQLException {
    Map<MeridianProperty, String> given;
    try {
      given = DriverConfig.merge(JdbcUrl.parse(url), info, false);
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
    MeridianProperty[] all = MeridianProperty.values();
    DriverPropertyInfo[] out = new DriverPropertyInfo[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = all[i].toDriverPropertyInfo(given.get(all[i]));
    }
    return out;
  }

  /** The planner shared by connections with this plan cache size. */
  StatementPlanner planner(long planCacheSize) {
    return planners.computeIfAbsent(planCacheSize, plannerFactory::apply);
  }

  private Map<String, List<InetSocketAddress>> regionPeers(DriverConfig config) {
    if (config.mode() == JdbcUrl.Mode.REMOTE) {
      return config.peers();
    }
    EmbeddedRegions regions = embedded.get();
    if (regions == null) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "no embedded regions"
          + " are available: add dev.meridian:meridian-peer to the class path for"
          + " jdbc:meridian:mem: URLs");
    }
    Map<String, List<InetSocketAddress>> started;
    try {
      started = regions.start(config.clusterName(), config.regions(), config.embeddedOptions());
    } catch (MeridianException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "cannot start the"
          + " embedded cluster " + config.clusterName() + ": " + e, e);
    }
    List<InetSocketAddress> home = started == null ? null : started.get(config.homeRegion());
    if (home == null || home.isEmpty()) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "the embedded cluster "
          + config.clusterName() + " has no peers for region " + config.homeRegion());
    }
    return started;
  }

  /** The first {@link EmbeddedRegions} on the class path, or null. */
  static EmbeddedRegions loadEmbedded() {
    for (ClassLoader loader : new ClassLoader[] {Connector.class.getClassLoader(),
        Thread.currentThread().getContextClassLoader()}) {
      if (loader == null) {
        continue;
      }
      try {
        Iterator<EmbeddedRegions> it = ServiceLoader.load(EmbeddedRegions.class, loader)
            .iterator();
        if (it.hasNext()) {
          return it.next();
        }
      } catch (ServiceConfigurationError e) {
        throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
            "the embedded regions on the class path cannot be loaded: " + e.getMessage(), e);
      }
    }
    return null;
  }
}
