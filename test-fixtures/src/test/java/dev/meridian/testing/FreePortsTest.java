package dev.meridian.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /**
   * The range was read with Files.readString, which returned "3" of the procfs file, so every
   * port came from the OS's ephemeral range and an IT's Hazelcast port clashed with a proxy's.
   */
  @Test
  void portsComeFromBelowTheEphemeralRangeWhereTheOsSaysWhichItIs() throws Exception {
    if (!Files.isReadable(RANGE)) {
      return; // not Linux: the OS picks, and there is nothing to check
    }
    int low = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.next();
      assertTrue(port >= FreePorts.LOWEST && port < low, "port " + port + " is not in ["
          + FreePorts.LOWEST + ", " + low + ")");
    }
  }
}
