package dev.meridian.driver.internal;

import dev.meridian.protocol.net.PeerChannel;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Opens a {@link PeerChannel} to the first of a list of peers that answers (in production
 * {@code PeerConnector::connect}; tests pass fakes). Implementations are thread-safe.
 */
@FunctionalInterface
interface ChannelOpener {

  /**
   * Connects.
   *
   * @throws dev.meridian.protocol.error.MeridianException {@code 08001} when none answers
   */
  PeerChannel open(List<InetSocketAddress> peers, int connectTimeoutMillis, int maxFrameBytes);
}
