package dev.meridian.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for processes that must be told their port up front (Hazelcast's member
 * list) and keep it across restarts. Where the OS says which ports it hands out to outgoing
 * connections (Linux's {@code ip_local_port_range}), the ports come from below that range: a
 * peer killed and restarted on its port would otherwise find it taken by some client's
 * connection in the meantime (it happened: "Port [34967] is already in use"). Elsewhere the OS
 * picks. Each port is free when returned and never handed out twice by this JVM; a clash with
 * another process before use shows up as a failed start, not a wrong result. Thread-safe.
 */
public final class FreePorts {
  /** Lowest port chosen below the OS's range. */
  static final int LOWEST = 10_000;
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  /** One free loopback port. */
  public static synchronized int next() {
    int below = ephemeralLow();
    if (below - LOWEST > 1_000) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
        if (!GIVEN.contains(port) && bindable(port)) {
          GIVEN.add(port);
          return port;
        }
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      GIVEN.add(s.getLocalPort());
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port the OS uses for outgoing connections, or 0 when it does not say. */
  private static int ephemeralLow() {
    try {
      // Not Files.readString: procfs reports a size that is not the content's, and on this
      // JDK readString returned "3" of "32768\t60999", so every port came from the range.
      String range;
      try (java.io.BufferedReader r = Files.newBufferedReader(
          Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        range = r.readLine().trim();
      }
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
