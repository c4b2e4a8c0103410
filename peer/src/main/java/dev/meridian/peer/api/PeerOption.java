package dev.meridian.peer.api;

/**
 * Every option of a peer's YAML configuration, with its key, default and meaning: the one
 * list that {@link PeerConfig}, its error messages and the documentation draw from.
 *
 * <p>Nested keys are written with dots ({@code hazelcast.port} is {@code port:} under
 * {@code hazelcast:}).
 */
public enum PeerOption {
  /** The region this peer belongs to. */
  REGION("region", null, "the region this peer serves, e.g. us-east-1; required"),
  /** The peer's name. */
  NAME("name", "<hazelcast.host>:<hazelcast.port>", "the peer's name in logs and Pong answers"),
  /** The address the Hazelcast member binds to and announces. */
  HAZELCAST_HOST("hazelcast.host", PeerConfig.DEFAULT_HAZELCAST_HOST,
      "the address the peer's Hazelcast member binds to and announces to the others"),
  /** The Hazelcast member's port. */
  HAZELCAST_PORT("hazelcast.port", String.valueOf(PeerConfig.DEFAULT_HAZELCAST_PORT),
      "the Hazelcast member's port, 1-65535; 0 picks a free port at start"),
  /** The other peers of the region. */
  HAZELCAST_MEMBERS("hazelcast.members", "[]",
      "host:port of the region's peers' Hazelcast members (TCP-IP join; may include this one)"),
  /** Extra Hazelcast properties. */
  HAZELCAST_PROPERTIES("hazelcast.properties", "{}",
      "extra Hazelcast system properties, name: value (advanced tuning)"),
  /** The driver-protocol port. */
  CLIENT_PORT("clientPort", String.valueOf(PeerConfig.DEFAULT_CLIENT_PORT),
      "the port drivers connect to, 1-65535; 0 picks a free port at start"),
  /** The link port. */
  LINK_PORT("linkPort", "<clientPort + 100>",
      "the port other regions' replication links connect to, 1-65535; 0 picks a free port"
          + " (the default when clientPort is 0)"),
  /** The Prometheus endpoint. */
  METRICS_PORT("metricsPort", "<none>",
      "the port of the peer's Prometheus endpoint (GET /metrics on hazelcast.host, plain HTTP),"
          + " 1-65535, 0 picks a free port; unset, the peer serves no metrics endpoint"),
  /** Plaintext on a reachable address. */
  INSECURE("insecure", "false",
      "serve both ports without TLS on an address other machines can reach (trusted networks"
          + " only); a peer on such an address without TLS refuses to start otherwise"),
  /** Users and grants. */
  USERS_ENABLED("users.enabled", "false",
      "drivers log in as users (SCRAM-SHA-256) and need grants; required on an address other"
          + " machines can reach unless insecure"),
  /** The first admin's name. */
  USERS_ADMIN("users.admin", "admin",
      "the admin created at the first start of a region that has never had a user"),
  /** The first admin's password. */
  USERS_ADMIN_PASSWORD("users.adminPassword", "<MERIDIAN_ADMIN_PASSWORD>",
      "that admin's password; the environment variable MERIDIAN_ADMIN_PASSWORD is read when"
          + " unset; a region with users enabled and no user yet refuses to start without it"),
  /** TLS key. */
  TLS_KEY("tls.key", "", "PEM private key of this peer's certificate (bin/meridian cert)"),
  /** TLS chain. */
  TLS_CERT("tls.cert", "", "PEM certificate chain of this peer, its own first; its subject"
      + " alternative names carry the peer's host names and its region's name (links prove"
      + " their region by it); reloaded when the file changes"),
  /** TLS CA. */
  TLS_CA("tls.ca", "", "PEM CA certificates trusted for links and driver client certificates"),
  /** Synchronous backups per partition. */
  BACKUP_COUNT("backupCount", String.valueOf(PeerConfig.DEFAULT_BACKUP_COUNT),
      "synchronous backup copies of every row inside the region, 1-6"),
  /** Tolerated clock offset. */
  MAX_CLOCK_OFFSET_MS("maxClockOffsetMs", String.valueOf(PeerConfig.DEFAULT_MAX_CLOCK_OFFSET_MS),
      "how far (ms) a received stamp may be ahead of local time before it counts as clock skew"),
  /** Largest frame. */
  MAX_FRAME_BYTES("maxFrameBytes", String.valueOf(PeerConfig.DEFAULT_MAX_FRAME_BYTES),
      "the largest driver-protocol frame accepted, in bytes (1 KiB to 1 GiB)"),
  /** The routing config file (data residency). */
  ROUTING("routing", "",
      "path of the routing config (YAML, shared with the drivers): the rows this region may"
          + " store; a write of another row fails with 23M01 and links never ship it here"),
  /** The data directory. */
  DATA_DIR("dataDir", "",
      "directory where the peer logs what it holds (as owner) so a region restarted with its"
          + " data comes back with it; empty keeps nothing on disk (memory only)"),
  /** When a write is durable. */
  DURABILITY("durability", "sync",
      "sync: a write is acknowledged once on disk at its owner (group commit); periodic: the"
          + " log is forced every durabilityPeriodMs, so a power loss can lose that much"),
  /** Force period. */
  DURABILITY_PERIOD_MS("durabilityPeriodMs", String.valueOf(PeerConfig.DEFAULT_DURABILITY_PERIOD_MS),
      "under periodic durability, how often (ms) the log is forced to disk, 1-60000"),
  /** The other regions. */
  REPLICATION_REGIONS("replication.regions", "{}",
      "the other regions to replicate with: region name to a list of its peers' host:linkPort"),
  /** Frame size of links. */
  REPLICATION_BATCH_SIZE("replication.batchSize", String.valueOf(PeerConfig.DEFAULT_LINK_BATCH_SIZE),
      "most change records per replication frame"),
  /** Window of links. */
  REPLICATION_MAX_IN_FLIGHT("replication.maxInFlight",
      String.valueOf(PeerConfig.DEFAULT_LINK_MAX_IN_FLIGHT),
      "most unacknowledged replication frames per link (keeps a long round trip from adding lag)"),
  /** Linger of links. */
  REPLICATION_LINGER_MS("replication.lingerMs", String.valueOf(PeerConfig.DEFAULT_LINK_LINGER_MS),
      "how long (ms) a local change waits for others before its link ships them together"),
  /** Tombstone grace. */
  REPLICATION_TOMBSTONE_GRACE_MS("replication.tombstoneGraceMs",
      String.valueOf(PeerConfig.DEFAULT_TOMBSTONE_GRACE_MS),
      "how long (ms) a deleted row's tombstone is kept after every region has had it"),
  /** Conflict-log count bound. */
  REPLICATION_CONFLICT_LOG_MAX_ENTRIES("replication.conflictLogMaxEntries",
      String.valueOf(PeerConfig.DEFAULT_CONFLICT_LOG_MAX_ENTRIES),
      "entries of MERIDIAN.CONFLICTS each peer keeps per table, oldest dropped first (0: off)"),
  /** Conflict-log age bound. */
  REPLICATION_CONFLICT_LOG_MAX_AGE_MS("replication.conflictLogMaxAgeMs",
      String.valueOf(PeerConfig.DEFAULT_CONFLICT_LOG_MAX_AGE_MS),
      "how long (ms) an entry of MERIDIAN.CONFLICTS is kept"),
  /** Background anti-entropy. */
  REPLICATION_ANTI_ENTROPY_INTERVAL_MS("replication.antiEntropyIntervalMs",
      String.valueOf(PeerConfig.DEFAULT_ANTI_ENTROPY_INTERVAL_MS),
      "how often (ms) each peer compares its partitions with every other region and ships rows"
          + " that differ (0: only on demand)"),
  /** Journal size. */
  REPLICATION_JOURNAL_CAPACITY("replication.journalCapacity",
      String.valueOf(PeerConfig.DEFAULT_JOURNAL_CAPACITY),
      "change-journal entries kept per table across all partitions; a link down for longer"
          + " than this history is repaired by anti-entropy"),
  /** Injected latency. */
  REPLICATION_WAN_LATENCY_MS("replication.wanLatencyMs", "{}",
      "injected one-way latency per remote region in ms, e.g. {eu-west-1: 40} (testing, demos)");

  private final String key;
  private final String defaultValue;
  private final String description;

  PeerOption(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The YAML key, dotted for nested keys. */
  public String key() {
    return key;
  }

  /** The default as text, or null when the option is required. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What the option does. */
  public String description() {
    return description;
  }
}
