package dev.meridian.peer.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.router.api.RoutingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A peer's configuration (every option is listed in {@link PeerOption}), validated once when
 * built: from YAML with {@link #load(Path)} or {@link #parse(String, String)}, or in code with
 * {@link #builder()}.
 *
 * <pre>
 * region: us-east-1
 * hazelcast:
 *   host: 10.0.0.5
 *   port: 5701
 *   members: [10.0.0.5:5701, 10.0.0.6:5701]
 * clientPort: 7400
 * routing: /etc/meridian/routing.yml   # optional: data residency rules
 * </pre>
 *
 * <p>Invalid input fails with a {@link ConfigException} listing every problem found at once,
 * each with its line and column when it comes from YAML. Immutable and thread-safe; no accessor
 * returns null ({@link #name()} defaults to {@code host:port}).
 */
public final class PeerConfig {

  /** Default {@code durabilityPeriodMs}. */
  public static final long DEFAULT_DURABILITY_PERIOD_MS = 100;
  /** Default {@code hazelcast.host}. */
  public static final String DEFAULT_HAZELCAST_HOST = "127.0.0.1";
  /** Default {@code hazelcast.port}. */
  public static final int DEFAULT_HAZELCAST_PORT = 5701;
  /** Default {@code clientPort}. */
  public static final int DEFAULT_CLIENT_PORT = 7400;
  /** Default {@code linkPort} (when {@code clientPort} has its default). */
  public static final int DEFAULT_LINK_PORT = 7500;
  /** How far above {@code clientPort} the link port is unless set. */
  private static final int LINK_PORT_OFFSET = DEFAULT_LINK_PORT - DEFAULT_CLIENT_PORT;
  /** Default {@code backupCount}. */
  public static final int DEFAULT_BACKUP_COUNT = 1;
  /** Default {@code maxClockOffsetMs}. */
  public static final long DEFAULT_MAX_CLOCK_OFFSET_MS = 500;
  /** Default {@code maxFrameBytes}: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;
  /** Default most change records per replication frame. */
  public static final int DEFAULT_LINK_BATCH_SIZE = 512;
  /** Default most unacknowledged replication frames per link. */
  public static final int DEFAULT_LINK_MAX_IN_FLIGHT = 256;
  /** Default wait of a change signal for others before a link ships (ms). */
  public static final long DEFAULT_LINK_LINGER_MS = 1;
  /** Default time a delete's tombstone outlives the moment every region had it (ms). */
  public static final long DEFAULT_TOMBSTONE_GRACE_MS = 600_000;
  /** Default conflict-log entries kept per table on each peer. */
  public static final int DEFAULT_CONFLICT_LOG_MAX_ENTRIES = 10_000;
  /** Default age after which a conflict-log entry is dropped (ms): a day. */
  public static final long DEFAULT_CONFLICT_LOG_MAX_AGE_MS = 86_400_000;
  /** Default period of background anti-entropy between regions (ms). */
  public static final long DEFAULT_ANTI_ENTROPY_INTERVAL_MS = 600_000;
  /** Default change-journal entries kept per table (all partitions together). */
  public static final int DEFAULT_JOURNAL_CAPACITY = 1_000_000;

  private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final int MAX_BACKUP_COUNT = 6;

  private final String region;
  private final String explicitName;
  private final String hazelcastHost;
  private final int hazelcastPort;
  private final List<String> members;
  private final Map<String, String> hazelcastProperties;
  private final int clientPort;
  private final int linkPort;
  private final Integer metricsPort;
  private final boolean insecure;
  private final boolean usersEnabled;
  private final String adminUser;
  private final String adminPassword;
  private final String tlsKey;
  private final String tlsCert;
  private final String tlsCa;
  private final int backupCount;
  private final long maxClockOffsetMs;
  private final int maxFrameBytes;
  private final Map<String, List<String>> remoteRegions;
  private final int linkBatchSize;
  private final int linkMaxInFlight;
  private final long linkLingerMs;
  private final long tombstoneGraceMs;
  private final int conflictLogMaxEntries;
  private final long conflictLogMaxAgeMs;
  private final long antiEntropyIntervalMs;
  private final int journalCapacity;
  private final Map<String, Long> wanLatencyMs;
  private final String routing;
  private final RoutingConfig routingConfig;
  private final String dataDir;
  private final Durability durability;
  private final long durabilityPeriodMs;

  private PeerConfig(Builder b, RoutingConfig routingConfig) {
    region = b.region;
    explicitName = b.name;
    hazelcastHost = b.hazelcastHost;
    hazelcastPort = b.hazelcastPort;
    members = List.copyOf(b.members);
    hazelcastProperties = Map.copyOf(b.hazelcastProperties);
    clientPort = b.clientPort;
    linkPort = b.effectiveLinkPort();
    metricsPort = b.metricsPort;
    insecure = b.insecure;
    usersEnabled = b.usersEnabled;
    adminUser = b.adminUser;
    adminPassword = b.adminPassword;
    tlsKey = b.tlsKey;
    tlsCert = b.tlsCert;
    tlsCa = b.tlsCa;
    backupCount = b.backupCount;
    maxClockOffsetMs = b.maxClockOffsetMs;
    maxFrameBytes = b.maxFrameBytes;
    Map<String, List<String>> remotes = new LinkedHashMap<>();
    b.remoteRegions.forEach((k, v) -> remotes.put(k, List.copyOf(v)));
    remoteRegions = java.util.Collections.unmodifiableMap(remotes);
    linkBatchSize = b.linkBatchSize;
    linkMaxInFlight = b.linkMaxInFlight;
    linkLingerMs = b.linkLingerMs;
    tombstoneGraceMs = b.tombstoneGraceMs;
    conflictLogMaxEntries = b.conflictLogMaxEntries;
    conflictLogMaxAgeMs = b.conflictLogMaxAgeMs;
    antiEntropyIntervalMs = b.antiEntropyIntervalMs;
    journalCapacity = b.journalCapacity;
    wanLatencyMs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.wanLatencyMs));
    routing = b.routing;
    this.routingConfig = routingConfig;
    dataDir = b.dataDir;
    durability = b.durability;
    durabilityPeriodMs = b.durabilityPeriodMs;
  }

  /** Reads and validates a YAML file. */
  public static PeerConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read the file: " + e));
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates YAML text.
   *
   * @param source names the text in error messages (a file name)
   */
  public static PeerConfig parse(String yaml, String source) {
    return PeerConfigYaml.read(yaml, source);
  }

  /** A builder with every option at its default and no region. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder().region(region).hazelcastHost(hazelcastHost)
        .hazelcastPort(hazelcastPort).members(members).hazelcastProperties(hazelcastProperties)
        .clientPort(clientPort).linkPort(linkPort).metricsPort(metricsPort).insecure(insecure)
        .users(usersEnabled, adminUser, adminPassword)
        .tls(tlsKey, tlsCert, tlsCa).backupCount(backupCount).maxClockOffsetMs(maxClockOffsetMs)
        .maxFrameBytes(maxFrameBytes).remoteRegions(remoteRegions).linkBatchSize(linkBatchSize)
        .linkMaxInFlight(linkMaxInFlight).linkLingerMs(linkLingerMs)
        .tombstoneGraceMs(tombstoneGraceMs).antiEntropyIntervalMs(antiEntropyIntervalMs)
        .journalCapacity(journalCapacity).conflictLogMaxEntries(conflictLogMaxEntries)
        .conflictLogMaxAgeMs(conflictLogMaxAgeMs)
        .wanLatencyMs(wanLatencyMs).routing(routing).dataDir(dataDir).durability(durability)
        .durabilityPeriodMs(durabilityPeriodMs);
    b.name = explicitName;
    return b;
  }

  /** The region's name. */
  public String region() {
    return region;
  }

  /** The peer's name: as configured, else {@code hazelcast.host:hazelcast.port}. */
  public String name() {
    return explicitName != null ? explicitName : hazelcastHost + ":" + hazelcastPort;
  }

  /** Whether {@code name} was set rather than defaulted. */
  public boolean hasExplicitName() {
    return explicitName != null;
  }

  /** The address the Hazelcast member binds to. */
  public String hazelcastHost() {
    return hazelcastHost;
  }

  /** The Hazelcast member's port; 0 means "pick a free one at start". */
  public int hazelcastPort() {
    return hazelcastPort;
  }

  /** The region's members as {@code host:port}, possibly empty. */
  public List<String> members() {
    return members;
  }

  /** Extra Hazelcast properties. */
  public Map<String, String> hazelcastProperties() {
    return hazelcastProperties;
  }

  /** The driver-protocol port; 0 means ephemeral. */
  public int clientPort() {
    return clientPort;
  }

  /** The port other regions' links connect to; 0 means ephemeral. */
  public int linkPort() {
    return linkPort;
  }

  /**
   * The port of the Prometheus endpoint ({@code /metrics} on the peer's host), 0 for an
   * ephemeral one, or null when the peer serves no metrics endpoint (the default).
   */
  public Integer metricsPort() {
    return metricsPort;
  }

  /**
   * Whether the peer may serve without TLS on an address other machines can reach (only when
   * the configuration says {@code insecure: true}).
   */
  public boolean insecure() {
    return insecure;
  }

  /**
   * Whether drivers must log in as a user (SCRAM-SHA-256) and need grants for what they do
   * ({@code users.enabled}). Links are not users: they prove their region by certificate.
   */
  public boolean usersEnabled() {
    return usersEnabled;
  }

  /** The name of the admin created when the region has never had a user ({@code users.admin}). */
  public String adminUser() {
    return adminUser;
  }

  /**
   * The first admin's password ({@code users.adminPassword}, else the environment variable
   * {@code MERIDIAN_ADMIN_PASSWORD}), or null; used only when the region has never had a user.
   */
  public String adminPassword() {
    return adminPassword;
  }

  /** Whether both ports speak TLS ({@code tls.key}, {@code tls.cert} and {@code tls.ca} set). */
  public boolean tls() {
    return tlsKey != null;
  }

  /** The PEM private key file of this peer's certificate, or null without TLS. */
  public String tlsKey() {
    return tlsKey;
  }

  /** The PEM certificate chain file (this peer's first), or null without TLS. */
  public String tlsCert() {
    return tlsCert;
  }

  /**
   * The PEM file of the CA certificates trusted for links (and for driver client certificates),
   * or null without TLS.
   */
  public String tlsCa() {
    return tlsCa;
  }

  /** Synchronous backups per partition, at least 1. */
  public int backupCount() {
    return backupCount;
  }

  /** The tolerated clock offset in milliseconds. */
  public long maxClockOffsetMs() {
    return maxClockOffsetMs;
  }

  /** The largest driver-protocol frame in bytes. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** The other regions this peer replicates with: region name to its peers' link addresses. */
  public Map<String, List<String>> remoteRegions() {
    return remoteRegions;
  }

  /** Most change records per replication frame. */
  public int linkBatchSize() {
    return linkBatchSize;
  }

  /** Most unacknowledged replication frames per link. */
  public int linkMaxInFlight() {
    return linkMaxInFlight;
  }

  /** How long a change signal waits for others before a link ships, in milliseconds. */
  public long linkLingerMs() {
    return linkLingerMs;
  }

  /**
   * How long a delete's tombstone is kept after every region has had it, in milliseconds; then
   * a row that is only a tombstone is purged.
   */
  public long tombstoneGraceMs() {
    return tombstoneGraceMs;
  }

  /**
   * Entries of the conflict log ({@code MERIDIAN.CONFLICTS}) each peer keeps per table; the
   * oldest go first. 0 turns the log off.
   */
  public int conflictLogMaxEntries() {
    return conflictLogMaxEntries;
  }

  /** Age in milliseconds after which a conflict-log entry is dropped. */
  public long conflictLogMaxAgeMs() {
    return conflictLogMaxAgeMs;
  }

  /** How often each peer compares its partitions with the other regions (ms; 0: never). */
  public long antiEntropyIntervalMs() {
    return antiEntropyIntervalMs;
  }

  /** Change-journal entries kept per table, all partitions together. */
  public int journalCapacity() {
    return journalCapacity;
  }

  /** Injected one-way latency per remote region in milliseconds (testing and demos). */
  public Map<String, Long> wanLatencyMs() {
    return wanLatencyMs;
  }

  /** The routing config file as configured, or null when the peer has none. */
  public String routing() {
    return routing;
  }

  /**
   * The routing config read from {@link #routing()} when this configuration was built (its
   * residency rules say which rows this region may store), or {@link RoutingConfig#empty()}.
   */
  public RoutingConfig routingConfig() {
    return routingConfig;
  }

  /**
   * The data directory, or null when the peer keeps nothing on disk (memory only: a region
   * whose peers all stop comes back empty).
   */
  public String dataDir() {
    return dataDir;
  }

  /** When a write counts as durable on disk (meaningful with a {@link #dataDir()}). */
  public Durability durability() {
    return durability;
  }

  /** Under {@link Durability#PERIODIC}, how often (ms) the log is forced to disk. */
  public long durabilityPeriodMs() {
    return durabilityPeriodMs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerConfig c && region.equals(c.region)
        && Objects.equals(explicitName, c.explicitName) && hazelcastHost.equals(c.hazelcastHost)
        && hazelcastPort == c.hazelcastPort && members.equals(c.members)
        && hazelcastProperties.equals(c.hazelcastProperties) && clientPort == c.clientPort
        && linkPort == c.linkPort && Objects.equals(metricsPort, c.metricsPort) && insecure == c.insecure && usersEnabled == c.usersEnabled
        && adminUser.equals(c.adminUser) && Objects.equals(adminPassword, c.adminPassword)
        && Objects.equals(tlsKey, c.tlsKey)
        && Objects.equals(tlsCert, c.tlsCert) && Objects.equals(tlsCa, c.tlsCa)
        && backupCount == c.backupCount && maxClockOffsetMs == c.maxClockOffsetMs
        && maxFrameBytes == c.maxFrameBytes && remoteRegions.equals(c.remoteRegions)
        && linkBatchSize == c.linkBatchSize && linkMaxInFlight == c.linkMaxInFlight
        && linkLingerMs == c.linkLingerMs && tombstoneGraceMs == c.tombstoneGraceMs
        && conflictLogMaxEntries == c.conflictLogMaxEntries
        && conflictLogMaxAgeMs == c.conflictLogMaxAgeMs
        && antiEntropyIntervalMs == c.antiEntropyIntervalMs
        && journalCapacity == c.journalCapacity && wanLatencyMs.equals(c.wanLatencyMs)
        && Objects.equals(routing, c.routing) && Objects.equals(dataDir, c.dataDir)
        && durability == c.durability && durabilityPeriodMs == c.durabilityPeriodMs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(region, explicitName, hazelcastHost, hazelcastPort, members,
        hazelcastProperties, clientPort, linkPort, metricsPort, insecure, usersEnabled, adminUser, tlsKey, tlsCert, tlsCa, backupCount, maxClockOffsetMs, maxFrameBytes,
        remoteRegions, linkBatchSize, linkMaxInFlight, linkLingerMs, tombstoneGraceMs,
        antiEntropyIntervalMs, journalCapacity, conflictLogMaxEntries, conflictLogMaxAgeMs,
        wanLatencyMs, routing, dataDir, durability, durabilityPeriodMs);
  }

  @Override
  public String toString() {
    return "PeerConfig{region=" + region + ", name=" + name() + ", hazelcast=" + hazelcastHost
        + ":" + hazelcastPort + ", members=" + members + ", clientPort=" + clientPort + ", linkPort=" + linkPort + ", metricsPort=" + metricsPort
        + ", insecure=" + insecure + ", users=" + (usersEnabled ? "on, admin " + adminUser
            : "off") + ", tls=" + (tlsKey == null ? "off" : tlsCert)
        + ", backupCount=" + backupCount + ", maxClockOffsetMs=" + maxClockOffsetMs
        + ", maxFrameBytes=" + maxFrameBytes + ", hazelcastProperties=" + hazelcastProperties
        + ", replication.regions=" + remoteRegions + ", replication.batchSize=" + linkBatchSize
        + ", replication.maxInFlight=" + linkMaxInFlight + ", replication.lingerMs="
        + linkLingerMs + ", replication.tombstoneGraceMs=" + tombstoneGraceMs
        + ", replication.antiEntropyIntervalMs=" + antiEntropyIntervalMs
        + ", replication.conflictLogMaxEntries=" + conflictLogMaxEntries
        + ", replication.conflictLogMaxAgeMs=" + conflictLogMaxAgeMs
        + ", replication.journalCapacity="
        + journalCapacity + ", replication.wanLatencyMs=" + wanLatencyMs + ", routing=" + routing
        + ", dataDir=" + dataDir + ", durability=" + durability + ", durabilityPeriodMs="
        + durabilityPeriodMs + "}";
  }

  /**
   * Collects options; {@link #build()} validates them all at once. Not thread-safe; setters
   * accept anything and leave checking to {@code build()}.
   */
  public static final class Builder {
    private String region;
    private String name;
    private String hazelcastHost = DEFAULT_HAZELCAST_HOST;
    private int hazelcastPort = DEFAULT_HAZELCAST_PORT;
    private List<String> members = new ArrayList<>();
    private Map<String, String> hazelcastProperties = new LinkedHashMap<>();
    private int clientPort = DEFAULT_CLIENT_PORT;
    private Integer linkPort;
    private Integer metricsPort;
    private boolean insecure;
    private boolean usersEnabled;
    private String adminUser = "admin";
    private String adminPassword = blankToNull(System.getenv("MERIDIAN_ADMIN_PASSWORD"));
    private String tlsKey;
    private String tlsCert;
    private String tlsCa;
    private Map<String, List<String>> remoteRegions = new LinkedHashMap<>();
    private int linkBatchSize = DEFAULT_LINK_BATCH_SIZE;
    private int linkMaxInFlight = DEFAULT_LINK_MAX_IN_FLIGHT;
    private long linkLingerMs = DEFAULT_LINK_LINGER_MS;
    private long tombstoneGraceMs = DEFAULT_TOMBSTONE_GRACE_MS;
    private int conflictLogMaxEntries = DEFAULT_CONFLICT_LOG_MAX_ENTRIES;
    private long conflictLogMaxAgeMs = DEFAULT_CONFLICT_LOG_MAX_AGE_MS;
    private long antiEntropyIntervalMs = DEFAULT_ANTI_ENTROPY_INTERVAL_MS;
    private int journalCapacity = DEFAULT_JOURNAL_CAPACITY;
    private Map<String, Long> wanLatencyMs = new LinkedHashMap<>();
    private int backupCount = DEFAULT_BACKUP_COUNT;
    private long maxClockOffsetMs = DEFAULT_MAX_CLOCK_OFFSET_MS;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private String routing;
    private String dataDir;
    private Durability durability = Durability.SYNC;
    private long durabilityPeriodMs = DEFAULT_DURABILITY_PERIOD_MS;

    private Builder() {}

    /** Sets {@code dataDir}: the peer's data directory; null or blank keeps nothing on disk. */
    public Builder dataDir(String dir) {
      this.dataDir = dir == null || dir.isBlank() ? null : dir.strip();
      return this;
    }

    /** Sets {@code durability}; null restores the default ({@code sync}). */
    public Builder durability(Durability durability) {
      this.durability = durability == null ? Durability.SYNC : durability;
      return this;
    }

    /** Sets {@code durabilityPeriodMs}. */
    public Builder durabilityPeriodMs(long millis) {
      this.durabilityPeriodMs = millis;
      return this;
    }

    /** Sets {@code routing}: the routing config file's path; null or blank for none. */
    public Builder routing(String file) {
      this.routing = file == null || file.isBlank() ? null : file.strip();
      return this;
    }

    /** Sets {@code region} (required). */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Sets {@code name}; null restores the default. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Sets {@code hazelcast.host}. */
    public Builder hazelcastHost(String host) {
      this.hazelcastHost = host;
      return this;
    }

    /** Sets {@code hazelcast.port}; 0 picks a free port at start. */
    public Builder hazelcastPort(int port) {
      this.hazelcastPort = port;
      return this;
    }

    /** Sets {@code hazelcast.members}, each {@code host:port}. */
    public Builder members(List<String> members) {
      this.members = new ArrayList<>(members);
      return this;
    }

    /** Sets one extra Hazelcast property. */
    public Builder hazelcastProperty(String key, String value) {
      this.hazelcastProperties.put(key, value);
      return this;
    }

    /** Replaces the extra Hazelcast properties. */
    public Builder hazelcastProperties(Map<String, String> properties) {
      this.hazelcastProperties = new LinkedHashMap<>(properties);
      return this;
    }

    /** Sets {@code clientPort}; 0 is ephemeral. */
    public Builder clientPort(int port) {
      this.clientPort = port;
      return this;
    }

    /**
     * Sets {@code linkPort}; 0 is ephemeral. Unset, it is {@code clientPort + 100} (so peers
     * on neighbouring client ports of one host do not collide), or 0 when {@code clientPort} is
     * 0.
     */
    public Builder linkPort(int port) {
      this.linkPort = port;
      return this;
    }

    /** Sets {@code metricsPort}; 0 is ephemeral, null (the default) serves no endpoint. */
    public Builder metricsPort(Integer port) {
      this.metricsPort = port;
      return this;
    }

    private int effectiveLinkPort() {
      return linkPort != null ? linkPort : clientPort == 0 ? 0 : clientPort + LINK_PORT_OFFSET;
    }

    /**
     * Sets {@code users.enabled}, {@code users.admin} (null: "admin") and
     * {@code users.adminPassword} (null: the environment variable
     * {@code MERIDIAN_ADMIN_PASSWORD}).
     */
    public Builder users(boolean enabled, String admin, String password) {
      this.usersEnabled = enabled;
      this.adminUser = admin == null || admin.isBlank() ? "admin" : admin.strip();
      if (password != null) {
        this.adminPassword = blankToNull(password);
      }
      return this;
    }

    /** Sets {@code insecure}: serve without TLS on a non-loopback address. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * Sets {@code tls.key}, {@code tls.cert} and {@code tls.ca} (PEM files): all three, or all
     * null for no TLS.
     */
    public Builder tls(String key, String cert, String ca) {
      this.tlsKey = blankToNull(key);
      this.tlsCert = blankToNull(cert);
      this.tlsCa = blankToNull(ca);
      return this;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }

    /** Sets {@code backupCount}. */
    public Builder backupCount(int count) {
      this.backupCount = count;
      return this;
    }

    /** Sets {@code maxClockOffsetMs}. */
    public Builder maxClockOffsetMs(long millis) {
      this.maxClockOffsetMs = millis;
      return this;
    }

    /** Sets {@code replication.regions}: the other regions and their peers' driver addresses. */
    public Builder remoteRegions(Map<String, List<String>> regions) {
      this.remoteRegions = new LinkedHashMap<>(regions);
      return this;
    }

    /** Sets {@code replication.batchSize}. */
    public Builder linkBatchSize(int records) {
      this.linkBatchSize = records;
      return this;
    }

    /** Sets {@code replication.maxInFlight}. */
    public Builder linkMaxInFlight(int frames) {
      this.linkMaxInFlight = frames;
      return this;
    }

    /** Sets {@code replication.lingerMs}. */
    public Builder linkLingerMs(long millis) {
      this.linkLingerMs = millis;
      return this;
    }

    /** Sets {@code replication.tombstoneGraceMs}. */
    public Builder tombstoneGraceMs(long millis) {
      this.tombstoneGraceMs = millis;
      return this;
    }

    /** Sets {@code replication.conflictLogMaxEntries}. */
    public Builder conflictLogMaxEntries(int entries) {
      this.conflictLogMaxEntries = entries;
      return this;
    }

    /** Sets {@code replication.conflictLogMaxAgeMs}. */
    public Builder conflictLogMaxAgeMs(long millis) {
      this.conflictLogMaxAgeMs = millis;
      return this;
    }

    /** Sets {@code replication.antiEntropyIntervalMs}. */
    public Builder antiEntropyIntervalMs(long millis) {
      this.antiEntropyIntervalMs = millis;
      return this;
    }

    /** Sets {@code replication.journalCapacity}. */
    public Builder journalCapacity(int entries) {
      this.journalCapacity = entries;
      return this;
    }

    /** Sets {@code replication.wanLatencyMs}: injected one-way latency per remote region. */
    public Builder wanLatencyMs(Map<String, Long> latency) {
      this.wanLatencyMs = new LinkedHashMap<>(latency);
      return this;
    }

    /** Sets {@code maxFrameBytes}. */
    public Builder maxFrameBytes(int bytes) {
      this.maxFrameBytes = bytes;
      return this;
    }

    /**
     * Validates every option and builds the configuration.
     *
     * @throws ConfigException listing every problem
     */
    public PeerConfig build() {
      return build("configuration", List.of());
    }

    /** Validates, adding to problems already found while reading {@code source}. */
    PeerConfig build(String source, List<String> earlier) {
      List<String> problems = new ArrayList<>(earlier);
      validate(problems);
      RoutingConfig routingConfig = routingConfig(problems);
      if (!problems.isEmpty()) {
        throw new ConfigException(source, problems);
      }
      return new PeerConfig(this, routingConfig);
    }

    private void validate(List<String> problems) {
      if (region == null || region.isBlank()) {
        problems.add("region is missing: add 'region: <name>', e.g. 'region: us-east-1'");
      } else if (!REGION.matcher(region).matches()) {
        problems.add("region '" + region + "' is not a valid name: use 1-64 letters, digits,"
            + " '.', '_' or '-', starting with a letter or digit");
      }
      if (name != null && name.isBlank()) {
        problems.add("name is empty: remove it to default to host:port, or set a name");
      }
      if (hazelcastHost == null || hazelcastHost.isBlank() || hazelcastHost.contains(" ")) {
        problems.add("hazelcast.host '" + hazelcastHost + "' is not a host name or address");
      }
      checkPort(problems, "hazelcast.port", hazelcastPort, true);
      checkPort(problems, "clientPort", clientPort, true);
      int linkPort = effectiveLinkPort();
      checkPort(problems, "linkPort", linkPort, true);
      if (clientPort != 0 && clientPort == linkPort) {
        problems.add("clientPort and linkPort are both " + clientPort + ": links have their own"
            + " port; set linkPort to another (default " + DEFAULT_LINK_PORT + ")");
      }
      if (metricsPort != null) {
        checkPort(problems, "metricsPort", metricsPort, true);
        if (metricsPort != 0 && (metricsPort == clientPort || metricsPort == linkPort)) {
          problems.add("metricsPort " + metricsPort + " is also the "
              + (metricsPort == clientPort ? "clientPort" : "linkPort")
              + ": the Prometheus endpoint needs a port of its own; set another, or remove"
              + " metricsPort to serve no endpoint");
        }
      }
      validateTls(problems);
      for (int i = 0; i < members.size(); i++) {
        String problem = MemberAddress.problem(members.get(i));
        if (problem != null) {
          problems.add("hazelcast.members[" + i + "] " + problem);
        }
      }
      for (Map.Entry<String, String> e : hazelcastProperties.entrySet()) {
        if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
          problems.add("hazelcast.properties has an entry without a name or value: "
              + e.getKey() + "=" + e.getValue());
        }
      }
      if (backupCount < 1 || backupCount > MAX_BACKUP_COUNT) {
        problems.add("backupCount " + backupCount + " is out of range: set 1 to "
            + MAX_BACKUP_COUNT + " (at least one synchronous backup keeps acknowledged writes"
            + " when a peer dies)");
      }
      if (maxClockOffsetMs < 1 || maxClockOffsetMs > 3_600_000) {
        problems.add("maxClockOffsetMs " + maxClockOffsetMs
            + " is out of range: set 1 to 3600000 milliseconds (default 500)");
      }
      for (Map.Entry<String, List<String>> e : remoteRegions.entrySet()) {
        String r = e.getKey();
        if (r == null || !REGION.matcher(r).matches()) {
          problems.add("replication.regions has '" + r + "', not a valid region name");
        } else if (r.equals(region)) {
          problems.add("replication.regions lists this peer's own region " + r
              + ": list only the other regions");
        } else if (Stamp.regionId(r) == Stamp.regionId(region == null ? "" : region)) {
          problems.add("region " + r + " has the same stamp id as " + region + ": rename one");
        }
        List<String> peers = e.getValue() == null ? List.of() : e.getValue();
        if (peers.isEmpty()) {
          problems.add("replication.regions." + r + " lists no peers: give host:port of its"
              + " peers' linkPort");
        }
        for (int i = 0; i < peers.size(); i++) {
          String problem = MemberAddress.problem(peers.get(i));
          if (problem != null) {
            problems.add("replication.regions." + r + "[" + i + "] " + problem);
          }
        }
      }
      if (linkBatchSize < 1 || linkBatchSize > 100_000) {
        problems.add("replication.batchSize " + linkBatchSize + " is out of range: set 1 to"
            + " 100000 (default " + DEFAULT_LINK_BATCH_SIZE + ")");
      }
      if (linkMaxInFlight < 1 || linkMaxInFlight > 1024) {
        problems.add("replication.maxInFlight " + linkMaxInFlight + " is out of range: set 1 to"
            + " 1024 (default " + DEFAULT_LINK_MAX_IN_FLIGHT + ")");
      }
      if (linkLingerMs < 0 || linkLingerMs > 1000) {
        problems.add("replication.lingerMs " + linkLingerMs + " is out of range: set 0 to 1000"
            + " milliseconds (default " + DEFAULT_LINK_LINGER_MS + ")");
      }
      if (tombstoneGraceMs < 0 || tombstoneGraceMs > 30L * 24 * 3_600_000) {
        problems.add("replication.tombstoneGraceMs " + tombstoneGraceMs + " is out of range: set"
            + " 0 to 30 days in milliseconds (default " + DEFAULT_TOMBSTONE_GRACE_MS + ")");
      }
      if (conflictLogMaxEntries < 0 || conflictLogMaxEntries > 1_000_000) {
        problems.add("replication.conflictLogMaxEntries " + conflictLogMaxEntries + " is out of"
            + " range: set 0 (off) to 1000000 entries per table (default "
            + DEFAULT_CONFLICT_LOG_MAX_ENTRIES + ")");
      }
      if (conflictLogMaxAgeMs < 1_000 || conflictLogMaxAgeMs > 30L * 24 * 3_600_000) {
        problems.add("replication.conflictLogMaxAgeMs " + conflictLogMaxAgeMs + " is out of"
            + " range: set 1 second to 30 days in milliseconds (default "
            + DEFAULT_CONFLICT_LOG_MAX_AGE_MS + ")");
      }
      if (antiEntropyIntervalMs != 0
          && (antiEntropyIntervalMs < 1000 || antiEntropyIntervalMs > 7L * 24 * 3_600_000)) {
        problems.add("replication.antiEntropyIntervalMs " + antiEntropyIntervalMs + " is out of"
            + " range: set 0 (never) or 1000 to 7 days in milliseconds (default "
            + DEFAULT_ANTI_ENTROPY_INTERVAL_MS + ")");
      }
      if (durabilityPeriodMs < 1 || durabilityPeriodMs > 60_000) {
        problems.add("durabilityPeriodMs " + durabilityPeriodMs + " is out of range: set 1 to"
            + " 60000 milliseconds (default " + DEFAULT_DURABILITY_PERIOD_MS + ")");
      }
      if (journalCapacity < 1000 || journalCapacity > 100_000_000) {
        problems.add("replication.journalCapacity " + journalCapacity + " is out of range: set"
            + " 1000 to 100000000 (default " + DEFAULT_JOURNAL_CAPACITY + ")");
      }
      for (Map.Entry<String, Long> e : wanLatencyMs.entrySet()) {
        if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 60_000) {
          problems.add("replication.wanLatencyMs." + e.getKey() + " " + e.getValue()
              + " is out of range: set 0 to 60000 milliseconds");
        } else if (!remoteRegions.containsKey(e.getKey())) {
          problems.add("replication.wanLatencyMs names " + e.getKey()
              + ", which is not in replication.regions");
        }
      }
      if (maxFrameBytes < 1024 || maxFrameBytes > (1 << 30)) {
        problems.add("maxFrameBytes " + maxFrameBytes + " is out of range: set 1024 to "
            + (1 << 30) + " (default " + DEFAULT_MAX_FRAME_BYTES + ")");
      }
    }

    private void validateTls(List<String> problems) {
      int set = (tlsKey != null ? 1 : 0) + (tlsCert != null ? 1 : 0) + (tlsCa != null ? 1 : 0);
      if (set != 0 && set != 3) {
        problems.add("tls needs all of key, cert and ca (PEM files; 'bin/meridian cert' makes"
            + " them), but has only " + (tlsKey != null ? "key " : "") + (tlsCert != null ? "cert " : "")
            + (tlsCa != null ? "ca" : ""));
      }
      for (String[] f : new String[][] {{"tls.key", tlsKey}, {"tls.cert", tlsCert}, {"tls.ca", tlsCa}}) {
        if (f[1] != null && !Files.isReadable(Path.of(f[1]))) {
          problems.add(f[0] + " " + f[1] + " is not a readable file");
        }
      }
      if (set == 0 && !insecure && hazelcastHost != null && !isLoopback(hazelcastHost)) {
        problems.add("hazelcast.host " + hazelcastHost + " is reachable from other machines, and"
            + " without TLS anyone there could read and write this region's data and speak for"
            + " it: create certificates with 'bin/meridian cert' and set tls.key, tls.cert and"
            + " tls.ca, or set 'insecure: true' to serve in clear on a trusted network");
      }
      if (!usersEnabled && !insecure && hazelcastHost != null && !isLoopback(hazelcastHost)) {
        problems.add("hazelcast.host " + hazelcastHost + " is reachable from other machines, and"
            + " without users anyone who reaches the client port could read, write and drop"
            + " tables: set 'users: {enabled: true}' (the first admin's password from"
            + " users.adminPassword or MERIDIAN_ADMIN_PASSWORD), or set 'insecure: true' on a"
            + " trusted network");
      }
      if (usersEnabled && (adminUser.length() > 128 || adminUser.contains(","))) {
        problems.add("users.admin '" + adminUser + "' is not a valid user name");
      }
    }

    private static boolean isLoopback(String host) {
      String h = host.strip();
      return h.equals("localhost") || h.startsWith("127.") || h.equals("::1")
          || h.equals("[::1]");
    }

    /** Reads the routing file now, so a bad one stops the peer before it starts. */
    private RoutingConfig routingConfig(List<String> problems) {
      if (routing == null) {
        return RoutingConfig.empty();
      }
      RoutingConfig read;
      try {
        read = RoutingConfig.load(Path.of(routing));
      } catch (MeridianException | java.nio.file.InvalidPathException e) {
        problems.add("routing: " + e.getMessage());
        return RoutingConfig.empty();
      }
      if (!read.regionPeers().isEmpty() && region != null
          && !read.regionPeers().containsKey(region)) {
        problems.add("routing: " + routing + " lists the regions " + read.regionPeers().keySet()
            + " but not this peer's region " + region + "; add it under 'regions:'");
      }
      return read;
    }

    private static void checkPort(List<String> problems, String key, int port, boolean zeroOk) {
      if (port < (zeroOk ? 0 : 1) || port > 65535) {
        problems.add(key + " " + port + " is out of range: set 1 to 65535"
            + (zeroOk ? ", or 0 to pick a free port" : ""));
      }
    }
  }
}
