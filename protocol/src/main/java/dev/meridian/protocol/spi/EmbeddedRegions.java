package dev.meridian.protocol.spi;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Starts or joins the in-process regions behind a {@code jdbc:meridian:mem:<name>} URL.
 *
 * <p>The peer artifact provides the one implementation through {@link java.util.ServiceLoader};
 * the driver looks it up only when it sees a {@code mem:} URL, so the driver works without the
 * peer on the class path for remote URLs. Implementations are thread-safe: concurrent calls with
 * the same name start the regions once.
 */
public interface EmbeddedRegions {

  /**
   * Returns the driver-protocol addresses of every peer of every region of the named embedded
   * cluster, starting it on loopback first if no cluster of that name runs in this JVM.
   *
   * @param name the cluster name from the URL
   * @param regions the region names, in the URL's order
   * @param options the URL's further parameters (peer counts, injected latency, ...)
   * @return region name to its peers' addresses
   * @throws dev.meridian.protocol.error.MeridianException when the cluster cannot start or a
   *     running cluster of that name has other regions
   */
  Map<String, List<InetSocketAddress>> start(String name, List<String> regions,
      Map<String, String> options);

  /** Stops the named embedded cluster if it runs; later connections start it afresh. */
  void stop(String name);
}
