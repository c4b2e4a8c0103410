package dev.meridian.peer.testkit;

import dev.meridian.peer.api.Peer;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.internal.replication.AntiEntropy;
import dev.meridian.peer.internal.replication.Replicator;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.internal.storage.Residency;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Several Meridian regions in this JVM, with real peers (Hazelcast members and Netty servers on
 * loopback) and real replication links between them: the engine behind
 * {@code jdbc:meridian:mem:<name>} URLs, and a test kit for applications that want to see what
 * conflicts, partitions and outages do to their code.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.start("shop",
 *     List.of("us-east-1", "eu-west-1"), EmbeddedCluster.Options.defaults().wanLatencyMs(40))) {
 *   Connection us = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"));
 *   Connection eu = DriverManager.getConnection(cluster.jdbcUrl("eu-west-1"));
 *   cluster.partition("us-east-1", "eu-west-1");   // both write the same row...
 *   cluster.heal("us-east-1", "eu-west-1");
 *   cluster.awaitConverged(Duration.ofSeconds(10)); // ...and now both hold the same answer
 * }
 * }</pre>
 *
 * <p>A cluster started here is registered under its name, so JDBC connections to
 * {@link #jdbcUrl} join it. Regions may be stopped (every peer closed, data gone) and started
 * again empty: the other regions then backfill them. Thread-safe.
 */
public final class EmbeddedCluster implements AutoCloseable {
  private static final Map<String, EmbeddedCluster> RUNNING = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> RUNNING.values().forEach(EmbeddedCluster::close), "meridian-embedded-shutdown"));
  }

  /** How to start a cluster. Immutable. */
  public record Options(int peersPerRegion, Map<String, Long> pairLatencyMs, long latencyMs,
      int journalCapacity, long tombstoneGraceMs, long antiEntropyIntervalMs, String routing,
      int conflictLogMaxEntries, boolean metrics) {

    /** One peer per region, no injected latency, the default journal, no routing config. */
    public static Options defaults() {
      return new Options(1, Map.of(), 0, PeerConfig.DEFAULT_JOURNAL_CAPACITY,
          PeerConfig.DEFAULT_TOMBSTONE_GRACE_MS, PeerConfig.DEFAULT_ANTI_ENTROPY_INTERVAL_MS,
          null, PeerConfig.DEFAULT_CONFLICT_LOG_MAX_ENTRIES, false);
    }

    /**
     * The same options with every peer reading the routing config at {@code file} (its
     * residency rules say which rows each region may store); null for none.
     */
    public Options routing(String file) {
      return new Options(peersPerRegion, pairLatencyMs, latencyMs, journalCapacity,
          tombstoneGraceMs, antiEntropyIntervalMs, file, conflictLogMaxEntries, metrics);
    }

    /** The same options with {@code n} peers per region (1 to 16). */
    public Options peersPerRegion(int n) {
      return new Options(n, pairLatencyMs, latencyMs, journalCapacity, tombstoneGraceMs,
          antiEntropyIntervalMs, routing, conflictLogMaxEntries, metrics);
    }

    /** The same options with one-way latency {@code ms} on every link. */
    public Options wanLatencyMs(long ms) {
      return new Options(peersPerRegion, pairLatencyMs, ms, journalCapacity, tombstoneGraceMs,
          antiEntropyIntervalMs, routing, conflictLogMaxEntries, metrics);
    }

    /** The same options with one-way latency {@code ms} between two regions, both ways. */
    public Options wanLatencyMs(String a, String b, long ms) {
      Map<String, Long> m = new TreeMap<>(pairLatencyMs);
      m.put(pairKey(a, b), ms);
      return new Options(peersPerRegion, m, latencyMs, journalCapacity, tombstoneGraceMs,
          antiEntropyIntervalMs, routing, conflictLogMaxEntries, metrics);
    }

    /** The same options with a change journal of {@code entries} per table. */
    public Options journalCapacity(int entries) {
      return new Options(peersPerRegion, pairLatencyMs, latencyMs, entries, tombstoneGraceMs,
          antiEntropyIntervalMs, routing, conflictLogMaxEntries, metrics);
    }

    /** The same options with deleted rows purged {@code ms} after every region had them. */
    public Options tombstoneGraceMs(long ms) {
      return new Options(peersPerRegion, pairLatencyMs, latencyMs, journalCapacity, ms,
          antiEntropyIntervalMs, routing, conflictLogMaxEntries, metrics);
    }

    /** The same options with at most {@code entries} conflict-log entries per table and peer. */
    public Options conflictLogMaxEntries(int entries) {
      return new Options(peersPerRegion, pairLatencyMs, latencyMs, journalCapacity,
          tombstoneGraceMs, antiEntropyIntervalMs, routing, entries, metrics);
    }

    /** The same options with background anti-entropy every {@code ms} (0: never). */
    public Options antiEntropyIntervalMs(long ms) {
      return new Options(peersPerRegion, pairLatencyMs, latencyMs, journalCapacity,
          tombstoneGraceMs, ms, routing, conflictLogMaxEntries, metrics);
    }

    /**
     * The same options with every peer serving its meters on a Prometheus endpoint at a free
     * port ({@code Peer.metricsAddress()}), or with no meters at all.
     */
    public Options metrics(boolean on) {
      return new Options(peersPerRegion, pairLatencyMs, latencyMs, journalCapacity,
          tombstoneGraceMs, antiEntropyIntervalMs, routing, conflictLogMaxEntries, on);
    }

    long latency(String a, String b) {
      return pairLatencyMs.getOrDefault(pairKey(a, b), latencyMs);
    }

    /**
     * Parses the embedded URL's {@code wanLatencyMs}: one figure, or pairs
     * {@code a:b=ms,...} (already validated by the driver).
     */
    public Options wanLatency(String text) {
      if (text == null || text.isBlank()) {
        return this;
      }
      if (text.trim().chars().allMatch(Character::isDigit)) {
        return wanLatencyMs(Long.parseLong(text.trim()));
      }
      Options o = this;
      for (String pair : text.split(",")) {
        int colon = pair.indexOf(':');
        int eq = pair.indexOf('=');
        o = o.wanLatencyMs(pair.substring(0, colon).trim(), pair.substring(colon + 1, eq).trim(),
            Long.parseLong(pair.substring(eq + 1).trim()));
      }
      return o;
    }

    private static String pairKey(String a, String b) {
      return a.compareTo(b) <= 0 ? a + "~" + b : b + "~" + a;
    }
  }

  /** Addresses of one region's peers. */
  private record RegionPorts(List<Integer> hazelcast, List<Integer> client, List<Integer> link) {}

  private final String name;
  private final List<String> regions;
  private final Options options;
  private final Map<String, RegionPorts> ports = new LinkedHashMap<>();
  private final Map<String, List<Peer>> peers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private EmbeddedCluster(String name, List<String> regions, Options options) {
    this.name = name;
    this.regions = List.copyOf(regions);
    this.options = options;
  }

  /**
   * Starts every region and registers the cluster under {@code name} (blocking, seconds).
   *
   * @throws MeridianException {@code 22023} when a cluster of that name already runs
   */
  public static EmbeddedCluster start(String name, List<String> regions, Options options) {
    EmbeddedCluster[] made = new EmbeddedCluster[1];
    EmbeddedCluster existing = RUNNING.computeIfAbsent(name, n -> {
      made[0] = new EmbeddedCluster(n, regions, options);
      made[0].startAll();
      return made[0];
    });
    if (made[0] == null) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "an embedded cluster named '"
          + name + "' already runs regions " + existing.regions + "; stop it or use another name");
    }
    return existing;
  }

  /** The running cluster of a name, starting it when absent (used by {@code mem:} URLs). */
  public static EmbeddedCluster startOrJoin(String name, List<String> regions, Options options) {
    EmbeddedCluster c = RUNNING.computeIfAbsent(name, n -> {
      EmbeddedCluster made = new EmbeddedCluster(n, regions, options);
      made.startAll();
      return made;
    });
    if (!c.regions.equals(regions)) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "embedded cluster '" + name
          + "' already runs regions " + c.regions + "; connect with the same regions or another"
          + " name");
    }
    return c;
  }

  /** The running cluster of a name, or null. */
  public static EmbeddedCluster running(String name) {
    return RUNNING.get(name);
  }

  private void startAll() {
    for (String r : regions) {
      List<Integer> hz = new ArrayList<>();
      List<Integer> client = new ArrayList<>();
      List<Integer> link = new ArrayList<>();
      for (int i = 0; i < options.peersPerRegion(); i++) {
        hz.add(freeLoopbackPort());
        client.add(freeLoopbackPort());
        link.add(freeLoopbackPort());
      }
      ports.put(r, new RegionPorts(hz, client, link));
    }
    try {
      for (String r : regions) {
        startRegion(r);
      }
      for (String r : regions) {
        if (!awaitServing(r, Duration.ofMinutes(2))) {
          throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "region " + r
              + " did not start serving within 2 minutes: " + backfillStatus(r));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "interrupted while the embedded regions started", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The cluster's name. */
  public String name() {
    return name;
  }

  /** The regions, in URL order. */
  public List<String> regions() {
    return regions;
  }

  /** A JDBC URL whose home region is {@code region}. */
  public String jdbcUrl(String region) {
    checkRegion(region);
    return "jdbc:meridian:mem:" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "?regions="
        + String.join(",", regions) + "&region=" + region;
  }

  /**
   * A JDBC URL whose every statement goes to {@code region} and nowhere else ({@code
   * routing=local}): to ask one region what it holds, without failover to another.
   */
  public String localJdbcUrl(String region) {
    return jdbcUrl(region) + "&routing=local";
  }

  /** Each region's peers' driver-protocol addresses (the running ones). */
  public Map<String, List<InetSocketAddress>> addresses() {
    Map<String, List<InetSocketAddress>> out = new LinkedHashMap<>();
    for (String r : regions) {
      List<Peer> list = peers.getOrDefault(r, List.of());
      out.put(r, list.stream().map(Peer::clientAddress).toList());
    }
    return out;
  }

  /** Whether a region's peers run. */
  public boolean isRunning(String region) {
    checkRegion(region);
    return !peers.getOrDefault(region, List.of()).isEmpty();
  }

  /**
   * Starts a stopped region's peers, empty (blocking until the peers run). Other regions see its
   * new storage epoch and backfill it; {@link #awaitServing} says when it serves, and
   * {@link #awaitConverged} when it holds everything.
   */
  public synchronized void startRegion(String region) {
    checkRegion(region);
    if (isRunning(region)) {
      return;
    }
    RegionPorts p = ports.get(region);
    List<String> members = p.hazelcast().stream().map(port -> "127.0.0.1:" + port).toList();
    Map<String, List<String>> remotes = new LinkedHashMap<>();
    Map<String, Long> latency = new LinkedHashMap<>();
    for (String other : regions) {
      if (!other.equals(region)) {
        remotes.put(other, ports.get(other).link().stream().map(port -> "127.0.0.1:" + port)
            .toList());
        latency.put(other, options.latency(region, other));
      }
    }
    List<Peer> started = new ArrayList<>();
    try {
      for (int i = 0; i < p.hazelcast().size(); i++) {
        started.add(Peer.start(PeerConfig.builder()
            .region(region)
            .name(region + "-" + (i + 1))
            .hazelcastHost("127.0.0.1")
            .hazelcastPort(p.hazelcast().get(i))
            .members(members)
            .clientPort(p.client().get(i))
            .linkPort(p.link().get(i))
            .remoteRegions(remotes)
            .wanLatencyMs(latency)
            .journalCapacity(options.journalCapacity())
            .tombstoneGraceMs(options.tombstoneGraceMs())
            .antiEntropyIntervalMs(options.antiEntropyIntervalMs())
            .conflictLogMaxEntries(options.conflictLogMaxEntries())
            .routing(options.routing())
            .metricsPort(options.metrics() ? 0 : null)
            .build()));
      }
      if (!awaitSafe(started.get(0))) {
        throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
            "the peers of " + region + " did not settle their partitions within 2 minutes");
      }
    } catch (RuntimeException e) {
      started.forEach(Peer::close);
      throw e;
    }
    peers.put(region, List.copyOf(started));
  }

  /**
   * Waits until a region serves: a region started empty while others hold data is backfilled
   * first, and refuses reads and writes with {@code 57P03} until then.
   *
   * @return false when it did not serve in time
   */
  public boolean awaitServing(String region, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (isServing(region)) {
        return true;
      }
      Thread.sleep(50);
    }
    return isServing(region);
  }

  /** Whether every running peer of a region serves reads and writes. */
  public boolean isServing(String region) {
    List<Peer> list = peers(region);
    return !list.isEmpty() && list.stream().allMatch(p -> p.node().replicator().serving());
  }

  /** How far a region's backfill is, from 0 to 1 (1 when it serves). */
  public double backfillProgress(String region) {
    return peers(region).stream().mapToDouble(p -> p.node().replicator().backfillProgress())
        .min().orElse(0);
  }

  /** A line describing a region's backfill, for logs and progress displays. */
  public String backfillStatus(String region) {
    return peers(region).stream().map(p -> p.node().replicator().backfillStatus())
        .filter(s -> !s.isEmpty()).findFirst().orElse("");
  }

  /** Stops every peer of a region; its data is gone. Other regions' links wait and retry. */
  public synchronized void stopRegion(String region) {
    checkRegion(region);
    List<Peer> list = peers.remove(region);
    if (list != null) {
      list.forEach(Peer::close);
    }
  }

  /** The running peers of a region (to kill one, for example). */
  public List<Peer> peers(String region) {
    checkRegion(region);
    return peers.getOrDefault(region, List.of());
  }

  /** Stops shipping from {@code from} to {@code to} until {@link #resumeLink}. */
  public void pauseLink(String from, String to) {
    forEachReplicator(from, r -> r.pause(to));
  }

  /** Resumes shipping from {@code from} to {@code to}. */
  public void resumeLink(String from, String to) {
    forEachReplicator(from, r -> r.resume(to));
  }

  /** Cuts both links between two regions. */
  public void partition(String a, String b) {
    pauseLink(a, b);
    pauseLink(b, a);
  }

  /** Restores both links between two regions. */
  public void heal(String a, String b) {
    resumeLink(a, b);
    resumeLink(b, a);
  }

  /** Restores every link of running regions. */
  public void healAll() {
    for (String a : regions) {
      for (String b : regions) {
        if (!a.equals(b) && isRunning(a)) {
          resumeLink(a, b);
        }
      }
    }
  }

  /** Sets the injected one-way latency from {@code from} to {@code to}, in milliseconds. */
  public void latency(String from, String to, long millis) {
    forEachReplicator(from, r -> r.latency(to, millis));
  }

  /**
   * Waits until every running region holds the same rows of every table: every link has shipped
   * what it was told of and each partition's digest is equal in all running regions (with a
   * routing config: equal over the rows both regions of each pair may hold).
   *
   * @return false when that did not happen in time
   */
  public boolean awaitConverged(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (converged()) {
        return true;
      }
      Thread.sleep(50);
    }
    return converged();
  }

  /** Whether all running regions hold the same rows of every table right now. */
  public boolean converged() {
    List<String> running = regions.stream().filter(this::isRunning).toList();
    if (running.size() < 2) {
      return true;
    }
    for (String r : running) {
      for (Peer p : peers(r)) {
        Replicator rep = p.node().replicator();
        rep.sweepNow();
        if (!rep.caughtUp(running).toCompletableFuture().join()) {
          return false;
        }
      }
    }
    return digestsEqual(running);
  }

  private boolean digestsEqual(List<String> running) {
    RegionReplica first = replica(running.get(0));
    Set<Long> ids = new java.util.TreeSet<>();
    for (TableSchema t : first.tables()) {
      ids.add(t.tableId());
    }
    for (String r : running.subList(1, running.size())) {
      Set<Long> other = new java.util.TreeSet<>();
      for (TableSchema t : replica(r).tables()) {
        other.add(t.tableId());
      }
      if (!other.equals(ids)) {
        return false;
      }
    }
    int partitions = first.partitionCount();
    // Residency: two regions must agree only on the rows both may hold.
    for (TableSchema t : first.tables()) {
      Residency.Pin pin = first.residency().pin(t);
      for (int i = 0; i < running.size(); i++) {
        for (int j = i + 1; j < running.size(); j++) {
          if (pin == null && i > 0) {
            break;
          }
          String a = running.get(i);
          String b = running.get(j);
          AntiEntropy.Scope scope = Residency.scope(pin, a, b);
          for (int p = 0; p < partitions; p++) {
            if (!Arrays.equals(AntiEntropy.digest(replica(a).scan(t.tableId(), p), scope),
                AntiEntropy.digest(replica(b).scan(t.tableId(), p), scope))) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  private RegionReplica replica(String region) {
    return peers(region).get(0).node().replica();
  }

  private void forEachReplicator(String region, java.util.function.Consumer<Replicator> action) {
    checkRegion(region);
    for (Peer p : peers(region)) {
      action.accept(p.node().replicator());
    }
  }

  private void checkRegion(String region) {
    if (!regions.contains(region)) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "embedded cluster '" + name
          + "' has no region '" + region + "'; its regions are " + regions);
    }
  }

  /** Stops every region and unregisters the name. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RUNNING.remove(name, this);
    for (String r : regions) {
      stopRegion(r);
    }
  }

  private static boolean awaitSafe(Peer peer) {
    try {
      return peer.awaitSafe(Duration.ofMinutes(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "interrupted while the embedded peers started", e);
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
