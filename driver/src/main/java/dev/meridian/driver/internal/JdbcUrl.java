package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed {@code jdbc:meridian:} URL: the pure function {@link #parse} and its result.
 *
 * <p>Two forms:
 * <pre>
 *   jdbc:meridian:mem:&lt;name&gt;[?k=v[&amp;k=v...]]
 *   jdbc:meridian://&lt;region&gt;=&lt;host[:port]&gt;[,&lt;host[:port]&gt;...][;&lt;region&gt;=...][/][?k=v[&amp;k=v...]]
 * </pre>
 * Hosts are names, IPv4 addresses or bracketed IPv6 addresses ({@code [::1]:7401}); the port
 * defaults to {@value #DEFAULT_PORT}. Parameter keys and values are percent-decoded (UTF-8;
 * {@code +} stays a plus). Addresses are left unresolved: parsing never touches the network.
 * What the parameters mean is {@link DriverConfig}'s business. Immutable and thread-safe.
 *
 * @param mode embedded or remote
 * @param name the embedded cluster's name; null for a remote URL
 * @param peers for a remote URL, each region's peers in URL order; empty for an embedded one
 * @param parameters the decoded parameters, in URL order
 */
record JdbcUrl(Mode mode, String name, Map<String, List<InetSocketAddress>> peers,
    Map<String, String> parameters) {

  /** What every Meridian URL starts with. */
  static final String PREFIX = "jdbc:meridian:";
  /** The port of a host given without one. */
  static final int DEFAULT_PORT = 7400;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");
  private static final String FORMS = "write jdbc:meridian:mem:<name>?region=<region> or"
      + " jdbc:meridian://<region>=<host>:<port>/?region=<region>";

  /** The two URL forms. */
  enum Mode {
    /** {@code jdbc:meridian:mem:}: regions started in this JVM. */
    EMBEDDED,
    /** {@code jdbc:meridian://}: peers already running. */
    REMOTE
  }

  JdbcUrl {
    peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** Whether this is a Meridian URL at all (it may still be malformed). */
  static boolean accepts(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  /** Whether a region or cluster name is well formed: letters, digits, '.', '_' and '-'. */
  static boolean isValidName(String s) {
    return NAME.matcher(s).matches();
  }

  /**
   * Parses a URL.
   *
   * @throws MeridianException {@code 22023} saying exactly what is wrong and how to write it
   */
  static JdbcUrl parse(String url) {
    if (url == null) {
      throw bad("the URL is null; " + FORMS);
    }
    if (!accepts(url)) {
      throw bad("'" + url + "' is not a Meridian URL; " + FORMS);
    }
    String rest = url.substring(PREFIX.length());
    if (rest.startsWith("mem:")) {
      return parseEmbedded(rest.substring(4));
    }
    if (rest.startsWith("//")) {
      return parseRemote(rest.substring(2));
    }
    throw bad("'" + url + "' is neither an embedded nor a remote Meridian URL; " + FORMS);
  }

  private static JdbcUrl parseEmbedded(String body) {
    int q = body.indexOf('?');
    String name = q < 0 ? body : body.substring(0, q);
    if (name.isEmpty()) {
      throw bad("the embedded cluster name is missing: write jdbc:meridian:mem:<name>?region=...");
    }
    if (!isValidName(name)) {
      throw bad("the embedded cluster name '" + name
          + "' may contain only letters, digits, '.', '_' and '-'");
    }
    Map<String, String> params = q < 0 ? Map.of() : parseQuery(body.substring(q + 1));
    return new JdbcUrl(Mode.EMBEDDED, name, Map.of(), params);
  }

  private static JdbcUrl parseRemote(String body) {
    int end = indexOfAny(body, "/?");
    String authority = end < 0 ? body : body.substring(0, end);
    String query = "";
    if (end >= 0) {
      String tail = body.substring(end);
      if (tail.startsWith("/")) {
        int q = tail.indexOf('?');
        String path = q < 0 ? tail.substring(1) : tail.substring(1, q);
        if (!path.isEmpty()) {
          throw bad("unexpected '" + path + "' after the '/': a Meridian URL names no database;"
              + " choose the home region with ?region=<region>");
        }
        tail = q < 0 ? "" : tail.substring(q);
      }
      query = tail.isEmpty() ? "" : tail.substring(1);
    }
    if (authority.isEmpty()) {
      throw bad("the URL lists no region: write jdbc:meridian://<region>=<host>:<port>"
          + "[;<region>=<host>:<port>]/?region=<home>");
    }
    Map<String, List<InetSocketAddress>> peers = new LinkedHashMap<>();
    for (String group : authority.split(";", -1)) {
      int eq = group.indexOf('=');
      if (group.isEmpty()) {
        throw bad("an empty region entry in '" + authority + "': separate regions with"
            + " exactly one ';'");
      }
      if (eq < 0) {
        throw bad("the entry '" + group + "' names no region: write <region>=<host>:<port>");
      }
      String region = group.substring(0, eq);
      if (!isValidName(region)) {
        throw bad("the region name '" + region
            + "' may contain only letters, digits, '.', '_' and '-'");
      }
      if (peers.containsKey(region)) {
        throw bad("region '" + region + "' is listed twice; list all its peers in one entry:"
            + " " + region + "=<host>:<port>,<host>:<port>");
      }
      String hosts = group.substring(eq + 1);
      if (hosts.isEmpty()) {
        throw bad("region '" + region + "' has no peers: write " + region + "=<host>:<port>");
      }
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (String hostPort : hosts.split(",", -1)) {
        InetSocketAddress a = parseHostPort(region, hostPort);
        if (addresses.contains(a)) {
          throw bad("peer " + hostPort + " is listed twice for region '" + region + "'");
        }
        addresses.add(a);
      }
      peers.put(region, List.copyOf(addresses));
    }
    return new JdbcUrl(Mode.REMOTE, null, peers, parseQuery(query));
  }

  private static InetSocketAddress parseHostPort(String region, String s) {
    if (s.isEmpty()) {
      throw bad("an empty peer address in region '" + region + "': separate peers with"
          + " exactly one ','");
    }
    String host;
    String portText = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw bad("the IPv6 address '" + s + "' lacks its closing ']': write [::1]:7400");
      }
      host = s.substring(1, close);
      String after = s.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw bad("unexpected '" + after + "' after the IPv6 address in '" + s
              + "': write [::1]:7400");
        }
        portText = after.substring(1);
      }
      if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
        throw bad("'" + host + "' in '" + s + "' is not an IPv6 address");
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw bad("the address '" + s + "' has several ':'; put IPv6 addresses in brackets:"
            + " [::1]:7400");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      portText = colon < 0 ? null : s.substring(colon + 1);
      if (host.isEmpty()) {
        throw bad("the address '" + s + "' in region '" + region + "' has no host");
      }
      if (!HOST.matcher(host).matches()) {
        throw bad("the host '" + host + "' in region '" + region
            + "' may contain only letters, digits, '.', '_' and '-'");
      }
    }
    int port = DEFAULT_PORT;
    if (portText != null) {
      port = parsePort(s, portText);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static int parsePort(String address, String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      throw bad("the port '" + text + "' of '" + address + "' is not a number from 1 to 65535");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw bad("the port " + port + " of '" + address + "' is not from 1 to 65535");
    }
    return port;
  }

  /** Parses {@code k=v&k=v}; empty pieces (as in {@code a=1&&b=2}) are skipped. */
  static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String piece : query.split("&", -1)) {
      if (piece.isEmpty()) {
        continue;
      }
      int eq = piece.indexOf('=');
      if (eq < 0) {
        throw bad("the parameter '" + piece + "' has no value: write " + piece + "=<value>");
      }
      String rawKey = piece.substring(0, eq);
      String key = decode(rawKey, "the parameter name '" + rawKey + "'");
      if (key.isEmpty()) {
        throw bad("the parameter '" + piece + "' has no name: write <name>=<value>");
      }
      String value = decode(piece.substring(eq + 1), "the value of '" + key + "'");
      if (out.put(key, value) != null) {
        throw bad("the parameter '" + key + "' is given twice; give it once");
      }
    }
    return out;
  }

  /** Percent-decodes UTF-8; {@code +} stays {@code +}. */
  static String decode(String s, String what) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw bad("a truncated percent-escape '" + s.substring(i) + "' in " + what
              + ": write %XX with two hex digits");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw bad("a malformed percent-escape '" + s.substring(i, i + 3) + "' in " + what
              + ": write %XX with two hex digits");
        }
        bytes.write(hi << 4 | lo);
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("the percent-escapes in " + what + " are not valid UTF-8");
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static MeridianException bad(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "invalid Meridian URL: " + message);
  }
}
