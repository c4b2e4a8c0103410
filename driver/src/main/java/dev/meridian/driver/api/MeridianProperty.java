package dev.meridian.driver.api;

import java.sql.DriverPropertyInfo;
import java.util.List;

/**
 * Every option of a Meridian connection, in one place (pgjdbc's {@code PGProperty}): its key,
 * type, default, allowed values and what it does. The same list feeds
 * {@link java.sql.Driver#getPropertyInfo} and the option reference in the README
 * ({@link #markdownTable()}; {@code java dev.meridian.driver.api.MeridianProperty} prints it).
 *
 * <p>Options are read from the URL's parameters and from the {@code Properties} passed to
 * {@code connect}; a URL parameter wins. Keys are case-sensitive. Immutable and thread-safe.
 */
public enum MeridianProperty {
  /** The home region. */
  REGION("region", Type.TEXT, null, "",
      "The connection's home region, where its statements go. Must be one of the regions the"
          + " URL lists; defaults to the first.", 0, 0, false),
  /** The embedded regions. */
  REGIONS("regions", Type.LIST, null, "",
      "Embedded (mem:) URLs only: the regions to start, comma-separated, e.g."
          + " us-east-1,eu-west-1. Defaults to the single region named by region.", 0, 0, true),
  /** Connect timeout. */
  CONNECT_TIMEOUT("connectTimeout", Type.INTEGER, "5000", "ms",
      "How long to wait for a peer to accept the connection and complete the handshake.",
      1, Integer.MAX_VALUE, false),
  /** Network timeout. */
  NETWORK_TIMEOUT("networkTimeout", Type.INTEGER, "0", "ms",
      "How long any one request may wait for its answer before the connection to that peer is"
          + " dropped (reopened by the next statement) and the statement fails with HYT00;"
          + " 0 waits forever. Connection.setNetworkTimeout changes it.", 0, Integer.MAX_VALUE,
      false),
  /** Alias of networkTimeout. */
  SOCKET_TIMEOUT("socketTimeout", Type.INTEGER, null, "ms",
      "Another name for networkTimeout, for pgjdbc habits; give one of the two.",
      0, Integer.MAX_VALUE, false),
  /** Default query timeout. */
  QUERY_TIMEOUT("queryTimeout", Type.INTEGER, "0", "s",
      "The query timeout every new Statement starts with (as Statement.setQueryTimeout, in"
          + " seconds): a statement running longer fails with HYT00; 0 means none.",
      0, Integer.MAX_VALUE, false),
  /** Largest frame. */
  MAX_FRAME_BYTES("maxFrameBytes", Type.INTEGER, "16777216", "bytes",
      "The largest protocol frame sent or accepted (16 MiB by default).", 1024, 1 << 30, false),
  /** Plan cache size. */
  PLAN_CACHE_SIZE("planCacheSize", Type.INTEGER, "1000", "plans",
      "How many planned statements the driver keeps, by SQL text, shared by all connections"
          + " with the same setting; 0 keeps none.", 0, Integer.MAX_VALUE, false),
  /** Consistency level. */
  CONSISTENCY("consistency", Type.CHOICE, "session", "",
      "session: a read never misses this connection's own writes, even after a failover: it"
          + " waits (sessionWaitMs) until the serving region has applied them, goes to a region"
          + " that has, or fails with 57M01; eventual: serve from the chosen region as it"
          + " stands.", 0, 0, false, "session", "eventual"),
  /** Session wait. */
  SESSION_WAIT_MS("sessionWaitMs", Type.INTEGER, "2000", "ms",
      "consistency=session: how long a read may wait for a region to apply this connection's"
          + " earlier writes before it fails with 57M01.", 0, 600_000, false),
  /** Recent writes named in the session token. */
  SESSION_RECENT_WRITES("sessionRecentWrites", Type.INTEGER, "256", "rows",
      "consistency=session: how many of this connection's latest row writes the session token"
          + " names. A region whose replication figures cannot vouch for them (their region is"
          + " down) may still serve a read by showing it holds each of them; older writes"
          + " rely on the figures alone.", 0, 100_000, false),
  /** Routing config or local routing. */
  ROUTING("routing", Type.TEXT, null, "",
      "local: every statement goes to the home region and nowhere else (no failover; for"
          + " operators and tests asking one region what it holds). Otherwise the path of the"
          + " routing config file (YAML: data residency rules).", 0, 0, false),
  /** Routing policy class. */
  ROUTING_POLICY("routingPolicy", Type.TEXT, null, "",
      "Class name of the dev.meridian.router.api.RoutingPolicy to use; the default sends"
          + " statements home while home is healthy, else to the nearest healthy region by"
          + " measured round trip, and back home after hysteresisMs of health.", 0, 0, false),
  /** Hysteresis. */
  HYSTERESIS_MS("hysteresisMs", Type.INTEGER, "5000", "ms",
      "Default routing policy: how long the home region must stay healthy before statements"
          + " go home again after a failover.", 0, 86_400_000, false),
  /** User name. */
  USER("user", Type.TEXT, null, "",
      "The user to log in as: proven with SCRAM-SHA-256 at every connection to a peer that"
          + " has users (wrong password: 28P01); reported by DatabaseMetaData.getUserName."
          + " Peers without users (and mem: URLs) ignore it.", 0, 0, false),
  /** Password. */
  PASSWORD("password", Type.TEXT, null, "",
      "The user's password. Never sent: SCRAM-SHA-256 proves it without it crossing the"
          + " wire. Never printed.", 0, 0, false),
  /** TLS on or off. */
  SSL("ssl", Type.CHOICE, "false", "",
      "true: connect over TLS, verify-full unless sslmode says otherwise (as pgjdbc).", 0, 0,
      false, "false", "true"),
  /** TLS mode. */
  SSL_MODE("sslmode", Type.CHOICE, null, "",
      "disable: plaintext; require: TLS without checking the peer's certificate (encrypts, but"
          + " a man in the middle goes unnoticed); verify-ca: TLS with a certificate signed by"
          + " sslrootcert; verify-full: also naming the host dialled. Any mode but disable turns"
          + " ssl on.", 0, 0, false, "disable", "require", "verify-ca", "verify-full"),
  /** Trusted CA. */
  SSL_ROOT_CERT("sslrootcert", Type.TEXT, null, "",
      "PEM file of the CA certificates to trust (the cluster's ca.crt); required by verify-ca"
          + " and verify-full.", 0, 0, false),
  /** Client certificate. */
  SSL_CERT("sslcert", Type.TEXT, null, "",
      "PEM file of a client certificate chain to present (optional; with sslkey).", 0, 0, false),
  /** Client key. */
  SSL_KEY("sslkey", Type.TEXT, null, "",
      "PEM file (PKCS#8) of the client certificate's private key.", 0, 0, false),
  /** Application name. */
  APPLICATION_NAME("applicationName", Type.TEXT, null, "",
      "A name for the application, reported as the ApplicationName client info.", 0, 0, false),
  /** Peers per embedded region. */
  PEERS_PER_REGION("peersPerRegion", Type.INTEGER, "1", "peers",
      "Embedded (mem:) URLs only: how many peers each region starts with.", 1, 16, true),
  /** Injected WAN latency. */
  WAN_LATENCY_MS("wanLatencyMs", Type.TEXT, "0", "ms",
      "Embedded (mem:) URLs only: one-way latency injected on the links between regions;"
          + " one figure for all links (80) or per pair of regions, both directions"
          + " (us-east-1:eu-west-1=80,us-east-1:ap-southeast-1=120; unlisted pairs get 0).",
      0, 0, true);

  /** The kind of value an option takes. */
  public enum Type {
    /** Any text. */
    TEXT,
    /** A whole number between {@link #minimum()} and {@link #maximum()}. */
    INTEGER,
    /** A comma-separated list. */
    LIST,
    /** One of {@link #choices()}, case-insensitive. */
    CHOICE
  }

  private final String key;
  private final Type type;
  private final String defaultValue;
  private final String unit;
  private final String description;
  private final long minimum;
  private final long maximum;
  private final boolean embeddedOnly;
  private final List<String> choices;

  MeridianProperty(String key, Type type, String defaultValue, String unit, String description,
      long minimum, long maximum, boolean embeddedOnly, String... choices) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.unit = unit;
    this.description = description;
    this.minimum = minimum;
    this.maximum = maximum;
    this.embeddedOnly = embeddedOnly;
    this.choices = List.of(choices);
  }

  /** The key, as written in URLs and {@code Properties}. */
  public String key() {
    return key;
  }

  /** The kind of value. */
  public Type type() {
    return type;
  }

  /** The default as text, or null when there is none (or it is derived from other options). */
  public String defaultValue() {
    return defaultValue;
  }

  /** The unit of an {@link Type#INTEGER} option ({@code ms}, {@code s}, ...), or "". */
  public String unit() {
    return unit;
  }

  /** What the option does. */
  public String description() {
    return description;
  }

  /** The smallest value of an {@link Type#INTEGER} option. */
  public long minimum() {
    return minimum;
  }

  /** The largest value of an {@link Type#INTEGER} option. */
  public long maximum() {
    return maximum;
  }

  /** Whether the option applies only to {@code jdbc:meridian:mem:} URLs. */
  public boolean embeddedOnly() {
    return embeddedOnly;
  }

  /** The allowed values of a {@link Type#CHOICE} option; empty for the others. */
  public List<String> choices() {
    return choices;
  }

  /** Whether the value must never be shown (the password). */
  public boolean secret() {
    return this == PASSWORD;
  }

  /** The option with exactly this key, or null. */
  public static MeridianProperty forKey(String key) {
    for (MeridianProperty p : values()) {
      if (p.key.equals(key)) {
        return p;
      }
    }
    return null;
  }

  /** Every key, comma-separated, in declaration order (for error messages). */
  public static String keys() {
    StringBuilder b = new StringBuilder();
    for (MeridianProperty p : values()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(p.key);
    }
    return b.toString();
  }

  /**
   * This option as {@link DriverPropertyInfo}.
   *
   * @param value the value given by the URL or properties, or null to report the default
   */
  public DriverPropertyInfo toDriverPropertyInfo(String value) {
    String shown = secret() ? null : value != null ? value : defaultValue;
    DriverPropertyInfo info = new DriverPropertyInfo(key, shown);
    info.description = description + (unit.isEmpty() || type != Type.INTEGER ? "" : " (" + unit + ")");
    info.required = false;
    info.choices = choices.isEmpty() ? null : choices.toArray(new String[0]);
    return info;
  }

  /** The option reference as a Markdown table: key, type, default, description. */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder();
    b.append("| option | type | default | description |\n");
    b.append("| --- | --- | --- | --- |\n");
    for (MeridianProperty p : values()) {
      b.append("| `").append(p.key).append("` | ").append(p.typeText()).append(" | ")
          .append(p.defaultValue == null ? "" : "`" + p.defaultValue + "`").append(" | ")
          .append(p.description.replace("|", "\\|")).append(" |\n");
    }
    return b.toString();
  }

  private String typeText() {
    switch (type) {
      case INTEGER:
        return "integer" + (unit.isEmpty() ? "" : " (" + unit + ")") + ", " + minimum + ".."
            + maximum;
      case CHOICE:
        return String.join(" \\| ", choices);
      case LIST:
        return "list";
      default:
        return "text";
    }
  }

  /** Prints {@link #markdownTable()} to standard output. */
  public static void main(String[] args) {
    System.out.print(markdownTable());
  }
}
