package dev.meridian.driver.internal;

import dev.meridian.driver.api.MeridianProperty;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A connection's options, validated once and frozen (HikariCP's {@code validate()}): built by
 * {@link #of} from a parsed URL and the {@code Properties} given to {@code connect}. A URL
 * parameter wins over a property of the same key. Immutable and thread-safe.
 */
final class DriverConfig {

  /** The {@code consistency} option. */
  enum Consistency {
    SESSION,
    EVENTUAL
  }

  private final String url;
  private final JdbcUrl.Mode mode;
  private final String clusterName;
  private final List<String> regions;
  private final Map<String, List<InetSocketAddress>> peers;
  private final String homeRegion;
  private final int connectTimeoutMillis;
  private final int networkTimeoutMillis;
  private final int queryTimeoutSeconds;
  private final int maxFrameBytes;
  private final long planCacheSize;
  private final Consistency consistency;
  private final String routing;
  private final String routingPolicy;
  private final int sessionWaitMillis;
  private final int sessionRecentWrites;
  private final int hysteresisMillis;
  private final String user;
  private final String password;
  private final String applicationName;
  private final TlsOptions tls;
  private final int peersPerRegion;
  private final String wanLatencyMs;

  private DriverConfig(String url, JdbcUrl parsed, Map<MeridianProperty, String> v) {
    this.url = url;
    this.mode = parsed.mode();
    this.clusterName = parsed.name();
    if (mode == JdbcUrl.Mode.REMOTE) {
      for (MeridianProperty p : MeridianProperty.values()) {
        if (p.embeddedOnly() && v.containsKey(p)) {
          throw bad("the option " + p.key() + " applies only to jdbc:meridian:mem: URLs; a"
              + " remote URL lists its regions and peers before the '/': remove it");
        }
      }
      this.peers = parsed.peers();
      this.regions = List.copyOf(parsed.peers().keySet());
    } else {
      this.peers = Map.of();
      this.regions = embeddedRegions(v);
    }
    checkRegionIds(regions);
    String region = v.get(MeridianProperty.REGION);
    if (region == null) {
      this.homeRegion = regions.get(0);
    } else if (!regions.contains(region)) {
      throw bad("the home region '" + region + "' is not one of the URL's regions ("
          + String.join(", ", regions) + "): set region to one of them");
    } else {
      this.homeRegion = region;
    }
    this.connectTimeoutMillis = (int) integer(v, MeridianProperty.CONNECT_TIMEOUT);
    this.networkTimeoutMillis = networkTimeout(v);
    this.queryTimeoutSeconds = (int) integer(v, MeridianProperty.QUERY_TIMEOUT);
    this.maxFrameBytes = (int) integer(v, MeridianProperty.MAX_FRAME_BYTES);
    this.planCacheSize = integer(v, MeridianProperty.PLAN_CACHE_SIZE);
    this.consistency = Consistency.valueOf(
        choice(v, MeridianProperty.CONSISTENCY).toUpperCase(Locale.ROOT));
    this.routing = v.get(MeridianProperty.ROUTING);
    if (routing != null && routing.isBlank()) {
      throw bad("the option routing is empty: give local, or the path of a routing config file");
    }
    this.routingPolicy = v.get(MeridianProperty.ROUTING_POLICY);
    if (routingPolicy != null && routing != null && isLocal(routing)) {
      throw bad("routing=local sends everything home and uses no routing policy: remove"
          + " routingPolicy, or routing=local");
    }
    this.sessionWaitMillis = (int) integer(v, MeridianProperty.SESSION_WAIT_MS);
    this.sessionRecentWrites = (int) integer(v, MeridianProperty.SESSION_RECENT_WRITES);
    this.hysteresisMillis = (int) integer(v, MeridianProperty.HYSTERESIS_MS);
    this.user = v.get(MeridianProperty.USER);
    this.password = v.get(MeridianProperty.PASSWORD);
    this.applicationName = v.get(MeridianProperty.APPLICATION_NAME);
    this.tls = TlsOptions.of(choice(v, MeridianProperty.SSL).equals("true"),
        v.containsKey(MeridianProperty.SSL_MODE) ? choice(v, MeridianProperty.SSL_MODE) : null,
        v.get(MeridianProperty.SSL_ROOT_CERT), v.get(MeridianProperty.SSL_CERT),
        v.get(MeridianProperty.SSL_KEY));
    if (tls != null && mode != JdbcUrl.Mode.REMOTE) {
      throw bad("ssl options apply to remote URLs: embedded (mem:) regions run in this JVM on"
          + " loopback without TLS");
    }
    this.peersPerRegion = (int) integer(v, MeridianProperty.PEERS_PER_REGION);
    this.wanLatencyMs = wanLatency(v, regions);
  }

  /**
   * Validates the options of a URL and properties.
   *
   * @param url the URL as given (kept for {@code DatabaseMetaData.getURL}, password hidden)
   * @param parsed the parsed URL
   * @param info the properties passed to {@code connect}; may be null
   * @throws MeridianException {@code 22023} naming the option and what to change
   */
  static DriverConfig of(String url, JdbcUrl parsed, Properties info) {
    return new DriverConfig(url, parsed, merge(parsed, info, true));
  }

  /**
   * The raw values the URL and properties give each known option, the URL winning; unknown
   * keys fail when {@code strict}, else are ignored.
   */
  static Map<MeridianProperty, String> merge(JdbcUrl parsed, Properties info, boolean strict) {
    Map<MeridianProperty, String> values = new EnumMap<>(MeridianProperty.class);
    if (info != null) {
      for (String key : info.stringPropertyNames()) {
        put(values, key, info.getProperty(key), "property", strict);
      }
    }
    for (Map.Entry<String, String> e : parsed.parameters().entrySet()) {
      put(values, e.getKey(), e.getValue(), "URL parameter", strict);
    }
    return values;
  }

  private static void put(Map<MeridianProperty, String> values, String key, String value,
      String where, boolean strict) {
    MeridianProperty p = MeridianProperty.forKey(key);
    if (p == null) {
      if (!strict) {
        return;
      }
      String hint = "";
      for (MeridianProperty q : MeridianProperty.values()) {
        if (q.key().equalsIgnoreCase(key)) {
          hint = " (did you mean " + q.key() + "? keys are case-sensitive)";
        }
      }
      throw bad("unknown " + where + " '" + key + "'" + hint + "; valid options are: "
          + MeridianProperty.keys());
    }
    values.put(p, value);
  }

  private static List<String> embeddedRegions(Map<MeridianProperty, String> v) {
    String list = v.get(MeridianProperty.REGIONS);
    String region = v.get(MeridianProperty.REGION);
    if (list == null) {
      if (region == null) {
        throw bad("jdbc:meridian:mem: needs its regions: add ?regions=<a>,<b>&region=<home>"
            + " or ?region=<home> for a single region");
      }
      list = region;
    }
    List<String> out = new ArrayList<>();
    for (String r : list.split(",", -1)) {
      String name = r.trim();
      if (name.isEmpty()) {
        throw bad("regions '" + list + "' has an empty entry: write regions=<a>,<b>");
      }
      if (!JdbcUrl.isValidName(name)) {
        throw bad("the region name '" + name
            + "' may contain only letters, digits, '.', '_' and '-'");
      }
      if (out.contains(name)) {
        throw bad("regions lists '" + name + "' twice");
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  private static void checkRegionIds(List<String> regions) {
    Map<Integer, String> ids = new LinkedHashMap<>();
    for (String r : regions) {
      String other = ids.put(Stamp.regionId(r), r);
      if (other != null) {
        throw bad("the regions '" + other + "' and '" + r + "' hash to the same region id;"
            + " rename one of them");
      }
    }
  }

  private static int networkTimeout(Map<MeridianProperty, String> v) {
    String network = v.get(MeridianProperty.NETWORK_TIMEOUT);
    String socket = v.get(MeridianProperty.SOCKET_TIMEOUT);
    if (network != null && socket != null) {
      long a = integer(v, MeridianProperty.NETWORK_TIMEOUT);
      long b = integer(v, MeridianProperty.SOCKET_TIMEOUT);
      if (a != b) {
        throw bad("networkTimeout=" + a + " and socketTimeout=" + b + " disagree; they are"
            + " the same option: give only networkTimeout");
      }
    }
    if (network == null && socket != null) {
      return (int) integer(v, MeridianProperty.SOCKET_TIMEOUT);
    }
    return (int) integer(v, MeridianProperty.NETWORK_TIMEOUT);
  }

  private static long integer(Map<MeridianProperty, String> v, MeridianProperty p) {
    String text = v.getOrDefault(p, p.defaultValue());
    String unit = p.unit().isEmpty() ? "" : " (" + p.unit() + ")";
    String range = " from " + p.minimum() + " to " + p.maximum();
    long n;
    try {
      n = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw bad("the option " + p.key() + " must be a whole number" + unit + range + ", not '"
          + text + "'");
    }
    if (n < p.minimum() || n > p.maximum()) {
      throw bad("the option " + p.key() + " must be" + range + unit + ", not " + n);
    }
    return n;
  }

  private static String choice(Map<MeridianProperty, String> v, MeridianProperty p) {
    String text = v.getOrDefault(p, p.defaultValue()).trim();
    for (String c : p.choices()) {
      if (c.equalsIgnoreCase(text)) {
        return c;
      }
    }
    throw bad("the option " + p.key() + " must be one of " + String.join(", ", p.choices())
        + ", not '" + text + "'");
  }

  private static String wanLatency(Map<MeridianProperty, String> v, List<String> regions) {
    MeridianProperty p = MeridianProperty.WAN_LATENCY_MS;
    String text = v.getOrDefault(p, p.defaultValue()).trim();
    if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
      return String.valueOf(checkedLatency(text, text));
    }
    for (String pair : text.split(",", -1)) {
      int eq = pair.indexOf('=');
      int colon = pair.indexOf(':');
      if (eq < 0 || colon < 0 || colon > eq) {
        throw bad("the option wanLatencyMs must be milliseconds (80) or pairs like"
            + " us-east-1:eu-west-1=80,us-east-1:ap-southeast-1=120, not '" + text + "'");
      }
      for (String r : new String[] {pair.substring(0, colon), pair.substring(colon + 1, eq)}) {
        if (!regions.contains(r)) {
          throw bad("wanLatencyMs names the region '" + r + "', which is not one of "
              + String.join(", ", regions));
        }
      }
      checkedLatency(pair.substring(eq + 1), text);
    }
    return text;
  }

  private static long checkedLatency(String ms, String whole) {
    try {
      long n = Long.parseLong(ms.trim());
      if (n >= 0 && n <= 60_000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad("the option wanLatencyMs needs latencies from 0 to 60000 ms; '" + ms
        + "' in '" + whole + "' is not one");
  }

  private static MeridianException bad(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, message);
  }

  /** The URL as given, with the value of a {@code password} parameter replaced by ***. */
  String url() {
    return url.replaceAll("([?&]password=)[^&]*", "$1***");
  }

  JdbcUrl.Mode mode() {
    return mode;
  }

  /** The embedded cluster's name; null for remote URLs. */
  String clusterName() {
    return clusterName;
  }

  /** Every region, in URL order. */
  List<String> regions() {
    return regions;
  }

  /** Remote URLs: each region's peers; empty for embedded URLs. */
  Map<String, List<InetSocketAddress>> peers() {
    return peers;
  }

  String homeRegion() {
    return homeRegion;
  }

  /** The connection's TLS options, or null for plaintext. */
  TlsOptions tls() {
    return tls;
  }

  int connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /** 0 means none. */
  int networkTimeoutMillis() {
    return networkTimeoutMillis;
  }

  /** 0 means none. */
  int queryTimeoutSeconds() {
    return queryTimeoutSeconds;
  }

  int maxFrameBytes() {
    return maxFrameBytes;
  }

  long planCacheSize() {
    return planCacheSize;
  }

  Consistency consistency() {
    return consistency;
  }

  /** The routing option as given (local, or a config file path); nullable. */
  String routing() {
    return routing;
  }

  /** Whether {@code routing=local}: the home region only. */
  boolean localRouting() {
    return routing != null && isLocal(routing);
  }

  /** The routing config file, or null (none, or {@code routing=local}). */
  String routingConfigPath() {
    return routing == null || isLocal(routing) ? null : routing;
  }

  private static boolean isLocal(String routing) {
    return routing.trim().equalsIgnoreCase("local");
  }

  /** The routing policy's class name; null for the default. */
  String routingPolicy() {
    return routingPolicy;
  }

  int sessionWaitMillis() {
    return sessionWaitMillis;
  }

  /** How many of the connection's latest row writes the session token names. */
  int sessionRecentWrites() {
    return sessionRecentWrites;
  }

  int hysteresisMillis() {
    return hysteresisMillis;
  }

  /** Nullable. */
  String user() {
    return user;
  }

  /** Nullable. */
  String password() {
    return password;
  }

  /** Nullable. */
  String applicationName() {
    return applicationName;
  }

  int peersPerRegion() {
    return peersPerRegion;
  }

  /** A figure ({@code 80}) or pairs ({@code a:b=80,...}), validated. */
  String wanLatencyMs() {
    return wanLatencyMs;
  }

  /** The options handed to {@link dev.meridian.protocol.spi.EmbeddedRegions#start}. */
  Map<String, String> embeddedOptions() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(MeridianProperty.PEERS_PER_REGION.key(), String.valueOf(peersPerRegion));
    m.put(MeridianProperty.WAN_LATENCY_MS.key(), wanLatencyMs);
    String file = routingConfigPath();
    if (file != null) {
      // Every embedded peer reads the same rules as the driver.
      m.put(MeridianProperty.ROUTING.key(),
          java.nio.file.Path.of(file).toAbsolutePath().normalize().toString());
    }
    return m;
  }

  @Override
  public String toString() {
    return "DriverConfig[" + url() + ", home " + homeRegion + ", regions " + regions + "]";
  }
}
