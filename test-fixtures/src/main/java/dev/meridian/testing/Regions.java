package dev.meridian.testing;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Several regions of real peer processes ({@code bin/meridian peer}) replicating with each
 * other, on loopback ports fixed when the layout is built: a peer restarted (or a region
 * restarted empty) comes back on the same Hazelcast and client ports, so the other regions'
 * configurations and the JDBC URLs stay valid, and regions may be listed before they run.
 *
 * <p>Each peer's YAML names the Hazelcast members of its own region and, under
 * {@code replication.regions}, the link addresses of every other region's peers. With
 * {@link Builder#proxiedLinks(boolean)} each of those addresses is a {@link TcpProxy} owned by
 * the pair (this region, that peer), so {@link #cut(String, String)} partitions one direction
 * of one link and {@link #cut(String)} isolates a region; drivers always connect directly.
 *
 * <p>Configurations and logs go under the directory given to {@link #builder(Path)}, one log per
 * peer process ({@code <region>-peer-<n>.log}, {@code -run2} and so on for restarts). Not
 * thread-safe: one test drives it. {@link #close()} kills what still runs and the proxies.
 */
public final class Regions implements AutoCloseable {
  /** How long a peer process may take to say it is ready. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /**
   * The peers' JVM options unless the builder says otherwise: many peers share a small machine,
   * so small heaps, and only the C1 compiler (they start in about half the time on two cores);
   * log lines carry their time.
   */
  public static final String PEER_JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
      + " -Dorg.slf4j.simpleLogger.showDateTime=true"
      + " -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS";

  private final Path dir;
  private final Map<String, List<Slot>> slots = new LinkedHashMap<>();
  /** From-region to to-region to one proxy per peer of the to-region; empty when direct. */
  private final Map<String, Map<String, List<TcpProxy>>> proxies = new LinkedHashMap<>();
  private final Integer journalCapacity;
  private final Integer batchSize;
  private final long wanLatencyMs;
  private final String javaOpts;
  private final Path routing;
  private final Path certs;
  private final String adminPassword;
  private final String clientParameters;
  private final boolean metrics;

  /** One peer's place: fixed ports and its current process, if any. */
  private static final class Slot {
    final String region;
    final int index;
    final int hazelcastPort;
    final int clientPort;
    final int linkPort;
    final int metricsPort;
    PeerProcess process;
    int runs;

    Slot(String region, int index, int hazelcastPort, int clientPort, int linkPort,
        int metricsPort) {
      this.region = region;
      this.index = index;
      this.hazelcastPort = hazelcastPort;
      this.clientPort = clientPort;
      this.linkPort = linkPort;
      this.metricsPort = metricsPort;
    }

    String name() {
      return region + "-peer-" + (index + 1);
    }

    String clientAddress() {
      return "127.0.0.1:" + clientPort;
    }

    String linkAddress() {
      return "127.0.0.1:" + linkPort;
    }

    boolean running() {
      return process != null && process.isAlive();
    }
  }

  /** Collects the layout. */
  public static final class Builder {
    private final Path dir;
    private List<String> regions = List.of("us-east-1", "eu-west-1", "ap-southeast-1");
    private int peersPerRegion = 2;
    private Integer journalCapacity;
    private Integer batchSize;
    private long wanLatencyMs;
    private boolean proxied;
    private String javaOpts = PEER_JAVA_OPTS;
    private Path routing;
    private Path certs;
    private String adminPassword;
    private String clientParameters = "";
    private boolean metrics;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** Gives every peer a {@code metricsPort} (see {@link Regions#metricsAddress}). */
    public Builder metrics(boolean on) {
      this.metrics = on;
      return this;
    }

    /** The regions' names (default us-east-1, eu-west-1, ap-southeast-1). */
    public Builder regions(String... names) {
      this.regions = List.of(names);
      return this;
    }

    /** Peers per region (default 2). */
    public Builder peersPerRegion(int n) {
      this.peersPerRegion = n;
      return this;
    }

    /** {@code replication.journalCapacity} of every peer (default: the peer's default). */
    public Builder journalCapacity(int entries) {
      this.journalCapacity = entries;
      return this;
    }

    /**
     * One-way latency every peer injects on its outgoing links ({@code replication.wanLatencyMs}
     * for every other region), so replication lags as over a WAN; default 0.
     */
    public Builder wanLatencyMs(long ms) {
      this.wanLatencyMs = ms;
      return this;
    }

    /** {@code replication.batchSize} of every peer (default: the peer's default). */
    public Builder batchSize(int records) {
      this.batchSize = records;
      return this;
    }

    /** Whether links go through a {@link TcpProxy} each, so they can be cut (default false). */
    public Builder proxiedLinks(boolean proxiedLinks) {
      this.proxied = proxiedLinks;
      return this;
    }

    /** The routing config every peer reads ({@code routing:}; default none). */
    public Builder routing(Path file) {
      this.routing = file;
      return this;
    }

    /**
     * Serve both ports over TLS (links over mutual TLS) with the certificates in {@code dir}:
     * {@code ca.crt}, and {@code <region>.key} and {@code <region>.crt} for each region's peers
     * (as {@code bin/meridian cert} names them); default plaintext.
     */
    public Builder tls(Path dir) {
      this.certs = dir;
      return this;
    }

    /**
     * Every peer requires users ({@code users.enabled}), each region's first admin {@code admin}
     * with this password; default no users.
     */
    public Builder users(String adminPassword) {
      this.adminPassword = adminPassword;
      return this;
    }

    /**
     * Parameters appended to every JDBC URL this layout gives ({@code &name=value...}), e.g. the
     * TLS and login options of a secure layout; default none.
     */
    public Builder clientParameters(String parameters) {
      this.clientParameters = parameters;
      return this;
    }

    /** The peers' JVM options (default {@value #PEER_JAVA_OPTS}). */
    public Builder javaOpts(String opts) {
      this.javaOpts = opts;
      return this;
    }

    /** Allocates the ports and proxies; starts no peer. */
    public Regions build() {
      if (regions.size() < 1 || peersPerRegion < 1) {
        throw new IllegalArgumentException("need at least one region of one peer");
      }
      return new Regions(this);
    }
  }

  /** A layout whose configurations and logs go under {@code dir}. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  private Regions(Builder b) {
    this.dir = b.dir;
    this.journalCapacity = b.journalCapacity;
    this.batchSize = b.batchSize;
    this.wanLatencyMs = b.wanLatencyMs;
    this.javaOpts = b.javaOpts;
    this.routing = b.routing;
    this.certs = b.certs;
    this.adminPassword = b.adminPassword;
    this.clientParameters = b.clientParameters;
    this.metrics = b.metrics;
    for (String region : b.regions) {
      List<Slot> peers = new ArrayList<>();
      for (int i = 0; i < b.peersPerRegion; i++) {
        peers.add(new Slot(region, i, FreePorts.next(), FreePorts.next(), FreePorts.next(),
            b.metrics ? FreePorts.next() : 0));
      }
      slots.put(region, peers);
    }
    if (b.proxied) {
      try {
        for (String from : b.regions) {
          Map<String, List<TcpProxy>> byTarget = new LinkedHashMap<>();
          for (String to : b.regions) {
            if (to.equals(from)) {
              continue;
            }
            List<TcpProxy> list = new ArrayList<>();
            for (Slot s : slots.get(to)) {
              list.add(TcpProxy.start(from + "->" + s.name(),
                  new InetSocketAddress("127.0.0.1", s.linkPort)));
            }
            byTarget.put(to, list);
          }
          proxies.put(from, byTarget);
        }
      } catch (RuntimeException e) {
        closeProxies();
        throw e;
      }
    }
  }

  /** The regions, in the order given. */
  public List<String> regions() {
    return List.copyOf(slots.keySet());
  }

  /** Peers per region. */
  public int peersPerRegion() {
    return slots.values().iterator().next().size();
  }

  /**
   * Starts every peer of every region: the n-th peers of all regions at once (regions are
   * independent groups), then the next ones, so each peer joins the group its region's earlier
   * peers formed.
   */
  public void startAll() {
    startTogether(regions());
  }

  /**
   * Starts every peer of the given regions (as {@link #startAll()} does for all); none may be
   * running. A region whose peers were all killed comes back empty (its storage lived only in
   * them), on the same ports.
   */
  public void start(String... regions) {
    for (String region : regions) {
      slotsOf(region);
    }
    startTogether(List.of(regions));
  }

  private void startTogether(List<String> regions) {
    for (String region : regions) {
      for (Slot s : slotsOf(region)) {
        if (s.running()) {
          throw new IllegalStateException(s.name() + " is already running");
        }
      }
    }
    for (int i = 0; i < peersPerRegion(); i++) {
      int index = i;
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (String region : regions) {
        // A thread each: the common pool has one thread on a two-core machine.
        starts.add(CompletableFuture.runAsync(() -> startSlot(slotsOf(region).get(index)),
            task -> new Thread(task, "start-" + region).start()));
      }
      try {
        CompletableFuture.allOf(starts.toArray(new CompletableFuture<?>[0])).join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
  }

  /** Starts one peer (again) on its ports; it joins whatever its region's other peers hold. */
  public PeerProcess startPeer(String region, int index) {
    Slot s = slotsOf(region).get(index);
    if (s.running()) {
      throw new IllegalStateException(s.name() + " is already running");
    }
    return startSlot(s);
  }

  private PeerProcess startSlot(Slot s) {
    s.runs++;
    String fileName = s.runs == 1 ? s.name() : s.name() + "-run" + s.runs;
    s.process = PeerProcess.start(dir, fileName, yaml(s), START_TIMEOUT, javaOpts);
    return s.process;
  }

  private String yaml(Slot s) {
    StringBuilder y = new StringBuilder();
    y.append("region: ").append(s.region).append('\n')
        .append("name: ").append(s.name()).append('\n')
        .append("clientPort: ").append(s.clientPort).append('\n')
        .append("linkPort: ").append(s.linkPort).append('\n')
        .append("backupCount: 1\n");
    if (metrics) {
      y.append("metricsPort: ").append(s.metricsPort).append('\n');
    }
    if (routing != null) {
      y.append("routing: \"").append(routing.toAbsolutePath()).append("\"\n");
    }
    if (adminPassword != null) {
      y.append("users:\n  enabled: true\n  admin: admin\n  adminPassword: \"")
          .append(adminPassword).append("\"\n");
    }
    if (certs != null) {
      Path c = certs.toAbsolutePath();
      y.append("tls:\n")
          .append("  key: \"").append(c.resolve(s.region + ".key")).append("\"\n")
          .append("  cert: \"").append(c.resolve(s.region + ".crt")).append("\"\n")
          .append("  ca: \"").append(c.resolve("ca.crt")).append("\"\n");
    }
    y
        .append("hazelcast:\n")
        .append("  host: 127.0.0.1\n")
        .append("  port: ").append(s.hazelcastPort).append('\n')
        .append("  members: ").append(slotsOf(s.region).stream()
            .map(p -> "\"127.0.0.1:" + p.hazelcastPort + "\"")
            .collect(Collectors.joining(", ", "[", "]"))).append('\n');
    if (slots.size() > 1) {
      y.append("replication:\n  regions:\n");
      for (String other : slots.keySet()) {
        if (!other.equals(s.region)) {
          y.append("    ").append(other).append(": ").append(linkAddresses(s.region, other).stream()
              .map(a -> "\"" + a + "\"").collect(Collectors.joining(", ", "[", "]"))).append('\n');
        }
      }
      if (journalCapacity != null) {
        y.append("  journalCapacity: ").append(journalCapacity).append('\n');
      }
      if (batchSize != null) {
        y.append("  batchSize: ").append(batchSize).append('\n');
      }
      if (wanLatencyMs > 0) {
        y.append("  wanLatencyMs:\n");
        for (String other : slots.keySet()) {
          if (!other.equals(s.region)) {
            y.append("    ").append(other).append(": ").append(wanLatencyMs).append('\n');
          }
        }
      }
    }
    return y.toString();
  }

  /** Where {@code from}'s links to {@code to} connect: proxies, or the peers themselves. */
  private List<String> linkAddresses(String from, String to) {
    Map<String, List<TcpProxy>> byTarget = proxies.get(from);
    if (byTarget != null) {
      return byTarget.get(to).stream().map(TcpProxy::address).toList();
    }
    return slotsOf(to).stream().map(Slot::linkAddress).toList();
  }

  /** Where a peer serves its metrics ({@code host:port}); only with {@link Builder#metrics}. */
  public String metricsAddress(String region, int index) {
    if (!metrics) {
      throw new IllegalStateException("these regions were built without metrics");
    }
    return "127.0.0.1:" + slotsOf(region).get(index).metricsPort;
  }

  /** The current process of a peer (null before its first start). */
  public PeerProcess peer(String region, int index) {
    return slotsOf(region).get(index).process;
  }

  /** What the current process of a peer printed so far ("" before its first start). */
  public String logText(String region, int index) {
    PeerProcess p = peer(region, index);
    return p == null ? "" : p.logText();
  }

  /** {@code kill -9} of one peer; waits until it is gone. */
  public void killPeer(String region, int index) {
    Slot s = slotsOf(region).get(index);
    if (s.process != null) {
      s.process.kill();
    }
  }

  /** {@code kill -9} of every peer of a region at the same moment; waits until all are gone. */
  public void kill(String region) {
    List<PeerProcess> running = new ArrayList<>();
    for (Slot s : slotsOf(region)) {
      if (s.process != null) {
        s.process.sendKill();
        running.add(s.process);
      }
    }
    running.forEach(PeerProcess::kill);
  }

  /** The client ({@code host:port}) addresses of a region's peers, running or not. */
  public List<String> clientAddresses(String region) {
    return slotsOf(region).stream().map(Slot::clientAddress).toList();
  }

  /**
   * A remote JDBC URL listing every region's peers, at home in {@code home}, whose peers it
   * tries from the first on.
   */
  public String jdbcUrl(String home) {
    return jdbcUrl(home, 0);
  }

  /**
   * As {@link #jdbcUrl(String)} with {@code routing=local}: every statement goes to {@code home}
   * and nowhere else, so a check of what {@code home} holds never reads another region's copy.
   */
  public String localJdbcUrl(String home) {
    return jdbcUrl(home) + "&routing=local";
  }

  /** As {@link #jdbcUrl(String)}, trying {@code home}'s peers from {@code firstPeer} on. */
  public String jdbcUrl(String home, int firstPeer) {
    slotsOf(home);
    StringBuilder b = new StringBuilder("jdbc:meridian://");
    boolean first = true;
    for (Map.Entry<String, List<Slot>> e : slots.entrySet()) {
      List<String> addresses = new ArrayList<>(e.getValue().stream().map(Slot::clientAddress).toList());
      if (e.getKey().equals(home)) {
        java.util.Collections.rotate(addresses, -firstPeer);
      }
      b.append(first ? "" : ";").append(e.getKey()).append('=').append(String.join(",", addresses));
      first = false;
    }
    return b.append("/?region=").append(home).append(clientParameters).toString();
  }

  /** Cuts one direction of one link ({@code from}'s peers can no longer reach {@code to}'s). */
  public void cut(String from, String to) {
    proxies(from, to).forEach(TcpProxy::cut);
  }

  /** Heals what {@link #cut(String, String)} cut. */
  public void heal(String from, String to) {
    proxies(from, to).forEach(TcpProxy::heal);
  }

  /** Cuts every link into and out of {@code region}: the region is partitioned from the rest. */
  public void cut(String region) {
    for (String other : slots.keySet()) {
      if (!other.equals(region)) {
        cut(region, other);
        cut(other, region);
      }
    }
  }

  /** Heals what {@link #cut(String)} cut. */
  public void heal(String region) {
    for (String other : slots.keySet()) {
      if (!other.equals(region)) {
        heal(region, other);
        heal(other, region);
      }
    }
  }

  private List<TcpProxy> proxies(String from, String to) {
    Map<String, List<TcpProxy>> byTarget = proxies.get(from);
    if (byTarget == null) {
      throw new IllegalStateException("links are direct: build with proxiedLinks(true) to cut them");
    }
    List<TcpProxy> list = byTarget.get(to);
    if (list == null) {
      throw new IllegalArgumentException("no link from " + from + " to " + to);
    }
    return list;
  }

  private List<Slot> slotsOf(String region) {
    List<Slot> list = slots.get(region);
    if (list == null) {
      throw new IllegalArgumentException("no region " + region + "; there are " + slots.keySet());
    }
    return list;
  }

  /** The directory holding the configurations and logs. */
  public Path dir() {
    return dir;
  }

  private void closeProxies() {
    proxies.values().forEach(m -> m.values().forEach(l -> l.forEach(TcpProxy::close)));
  }

  @Override
  public void close() {
    for (List<Slot> list : slots.values()) {
      for (Slot s : list) {
        if (s.process != null) {
          s.process.sendKill();
        }
      }
    }
    for (List<Slot> list : slots.values()) {
      for (Slot s : list) {
        if (s.process != null) {
          s.process.close();
        }
      }
    }
    closeProxies();
  }
}
