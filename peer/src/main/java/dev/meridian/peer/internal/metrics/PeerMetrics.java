package dev.meridian.peer.internal.metrics;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.internal.auth.LoginGuard;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.replication.LinkStats;
import dev.meridian.peer.internal.replication.Replicator;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The peer's meters: one Micrometer registry per peer, created when the peer starts and closed
 * with it, and the Prometheus endpoint that serves it ({@link MetricsEndpoint}).
 *
 * <p>Off unless {@code metricsPort} is configured: then {@link #enabled()} is false, no meter
 * exists and every method costs a field read. On, every meter carries the tags {@code region}
 * and {@code peer}; the names (Prometheus spelling in the README) are:
 * <ul>
 *   <li>{@code meridian.link.lag} (timer, tags {@code from}, {@code to}): commit at the origin to
 *       apply at the target, for each record a link shipped, as a histogram; re-shipped records
 *       are not in it.
 *   <li>{@code meridian.link.records}, {@code .reshipped}, {@code .conflicts},
 *       {@code .skew.events}, {@code .repairs}, {@code .rows.repaired} (counters) and
 *       {@code meridian.link.backlog}, {@code meridian.link.up} (gauges), same tags.
 *   <li>{@code meridian.backfill.progress} (0 to 1), {@code meridian.clock.skew.events}.
 *   <li>{@code meridian.requests} (timer, tag {@code operation}: {@code Get}, {@code Write},
 *       {@code Scan}, ...): driver requests from arrival to answer.
 *   <li>{@code meridian.cluster.members}, {@code meridian.cluster.safe} (1 when no partition
 *       migrates and every backup is in sync), {@code meridian.member.safe} (the same for this
 *       peer's partitions), {@code meridian.partitions.unowned}.
 *   <li>{@code meridian.logins} (counter, tag {@code outcome}: {@code success},
 *       {@code failure}) where users are enabled.
 * </ul>
 *
 * <p>Gauges and function counters read the peer's own figures when scraped, so they cost nothing
 * between scrapes; only lag and request latency are recorded as they happen. Thread-safe.
 */
public final class PeerMetrics implements AutoCloseable {
  private static final PeerMetrics OFF = new PeerMetrics(null, null, null);

  private final PrometheusMeterRegistry registry;
  private final MetricsEndpoint endpoint;
  private final Tags common;
  private final Map<Class<?>, Timer> requestTimers = new ConcurrentHashMap<>();

  private PeerMetrics(PrometheusMeterRegistry registry, MetricsEndpoint endpoint, Tags common) {
    this.registry = registry;
    this.endpoint = endpoint;
    this.common = common;
  }

  /**
   * The meters of a peer with {@code config}: off without {@code metricsPort}, else a registry
   * and its endpoint bound on {@code hazelcast.host}.
   *
   * @throws MeridianException {@code 08001} when the endpoint cannot bind its port
   */
  public static PeerMetrics start(PeerConfig config) {
    if (config.metricsPort() == null) {
      return OFF;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InetSocketAddress at = new InetSocketAddress(config.hazelcastHost(), config.metricsPort());
    MetricsEndpoint endpoint;
    try {
      endpoint = MetricsEndpoint.start(at, registry, config.name());
    } catch (IOException e) {
      registry.close();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot serve metrics on " + config.hazelcastHost() + ":" + config.metricsPort() + ": "
              + e.getMessage(), e);
    }
    return new PeerMetrics(registry, endpoint,
        Tags.of("region", config.region(), "peer", config.name()));
  }

  /** Whether this peer has meters (a {@code metricsPort} is configured). */
  public boolean enabled() {
    return registry != null;
  }

  /** The registry, or null when off (internal: tests and benchmarks). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Where the endpoint listens (the real port when 0 was configured), or null when off. */
  public InetSocketAddress endpointAddress() {
    return endpoint == null ? null : endpoint.address();
  }

  /** Adds the meters of replication: every outbound link, backfill, the clock. */
  public void bindReplication(String region, Replicator replicator, HybridClock clock) {
    if (registry == null) {
      return;
    }
    for (String target : replicator.targets()) {
      bindLink(region, target, replicator.stats(target), replicator);
    }
    Gauge.builder("meridian.backfill.progress", replicator, Replicator::backfillProgress)
        .tags(common).description("how far this region's backfill is, 0 to 1 (1: serving)")
        .register(registry);
    FunctionCounter.builder("meridian.clock.skew.events", clock, HybridClock::skewEvents)
        .tags(common).description("remote stamps ahead of this peer's clock beyond the offset")
        .register(registry);
  }

  private void bindLink(String from, String to, LinkStats stats, Replicator replicator) {
    Tags tags = common.and("from", from, "to", to);
    Timer lag = Timer.builder("meridian.link.lag").tags(tags)
        .description("commit at the origin to apply at the target, per record shipped")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
        .register(registry);
    stats.lagListener(millis -> lag.record(millis, TimeUnit.MILLISECONDS));
    counter("meridian.link.records", tags, stats, s -> s.snapshot().recordsSent(),
        "records shipped and acknowledged");
    counter("meridian.link.reshipped", tags, stats, s -> s.snapshot().reshipped(),
        "records shipped again after this region got them back by backfill (not in the lag)");
    counter("meridian.link.conflicts", tags, stats, s -> s.snapshot().conflicts(),
        "records the target resolved as a conflict");
    counter("meridian.link.skew.events", tags, stats, s -> s.snapshot().skewEvents(),
        "records whose stamp was ahead of the target's clock beyond the offset");
    counter("meridian.link.repairs", tags, stats, s -> s.snapshot().repairs(),
        "repairs (anti-entropy) of this link");
    counter("meridian.link.rows.repaired", tags, stats, s -> s.snapshot().rowsRepaired(),
        "rows shipped by repairs");
    // Gauges hold their object weakly: the replicator, not a lambda only the gauge would hold.
    Gauge.builder("meridian.link.backlog", replicator, r -> r.backlog(to)).tags(tags)
        .description("changes not yet acknowledged by the target").register(registry);
    Gauge.builder("meridian.link.up", stats, s -> "up".equals(s.state()) ? 1 : 0).tags(tags)
        .description("1 while the link is up").register(registry);
  }

  private void counter(String name, Tags tags, LinkStats stats,
      java.util.function.ToDoubleFunction<LinkStats> f, String description) {
    FunctionCounter.builder(name, stats, f).tags(tags).description(description)
        .register(registry);
  }

  /** Adds the peer group's health: members, safety, partitions without an owner. */
  public void bindCluster(HazelcastInstance hazelcast) {
    if (registry == null) {
      return;
    }
    Gauge.builder("meridian.cluster.members", hazelcast,
            h -> h.getCluster().getMembers().size())
        .tags(common).description("peers in this region's peer group").register(registry);
    Gauge.builder("meridian.cluster.safe", hazelcast,
            h -> h.getPartitionService().isClusterSafe() ? 1 : 0)
        .tags(common).description("1 when no partition migrates and every backup is in sync")
        .register(registry);
    Gauge.builder("meridian.member.safe", hazelcast,
            h -> h.getPartitionService().isLocalMemberSafe() ? 1 : 0)
        .tags(common).description("1 when every backup of this peer's partitions is in sync")
        .register(registry);
    Gauge.builder("meridian.partitions.unowned", hazelcast, PeerMetrics::unowned)
        .tags(common).description("partitions without an owner (data unreachable)")
        .register(registry);
  }

  private static double unowned(HazelcastInstance hazelcast) {
    int n = 0;
    for (Partition p : hazelcast.getPartitionService().getPartitions()) {
      if (p.getOwner() == null) {
        n++;
      }
    }
    return n;
  }

  /** Adds the login counters of a peer with users enabled. */
  public void bindLogins(LoginGuard guard) {
    if (registry == null || guard == null) {
      return;
    }
    FunctionCounter.builder("meridian.logins", guard, LoginGuard::successes)
        .tags(common.and("outcome", "success")).description("driver logins")
        .register(registry);
    FunctionCounter.builder("meridian.logins", guard, LoginGuard::failures)
        .tags(common.and("outcome", "failure")).description("driver logins")
        .register(registry);
  }

  /** Runs a driver request, timing it by its kind when on. */
  public CompletionStage<Response> timed(Request request,
      java.util.function.Function<Request, CompletionStage<Response>> handler) {
    if (registry == null) {
      return handler.apply(request);
    }
    Timer timer = requestTimers.computeIfAbsent(request.getClass(), c ->
        Timer.builder("meridian.requests").tags(common.and("operation", c.getSimpleName()))
            .description("driver requests, arrival to answer").publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(50_000))
            .maximumExpectedValue(Duration.ofSeconds(30)).register(registry));
    long start = System.nanoTime();
    return handler.apply(request).whenComplete(
        (r, e) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  /** Stops the endpoint and closes the registry; idempotent. */
  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
