package dev.meridian.peer.api;

/**
 * Checks a {@code host:port} member address ({@code [v6]:port} for IPv6 literals).
 * Stateless and thread-safe.
 */
final class MemberAddress {
  private MemberAddress() {}

  /** What is wrong with an address, or null when it is a valid {@code host:port}. */
  static String problem(String address) {
    if (address == null || address.isBlank()) {
      return "is empty: write host:port, e.g. 10.0.0.6:5701";
    }
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? "" : address.substring(0, colon);
    if (colon < 0 || host.isEmpty() || host.contains(" ")
        || (host.contains(":") && !(host.startsWith("[") && host.endsWith("]")))) {
      return "'" + address + "' is not host:port: write e.g. 10.0.0.6:5701 or [::1]:5701";
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      return "'" + address + "' has no numeric port: write e.g. " + host + ":5701";
    }
    if (port < 1 || port > 65535) {
      return "'" + address + "' has port " + port + ", out of range: set 1 to 65535";
    }
    return null;
  }
}
