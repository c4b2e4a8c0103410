package dev.meridian.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ephemeral loopback ports for processes that must be told their port up front (Hazelcast's
 * member list). The OS picks each; they are free when returned, and a clash with another
 * process in the short window before use shows up as a failed start, not a wrong result.
 */
public final class FreePorts {
  private FreePorts() {}

  /** One free loopback port. */
  public static int next() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
