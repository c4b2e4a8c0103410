package dev.meridian.peer.internal.server;

import dev.meridian.peer.api.PeerConfig;
import dev.meridian.protocol.net.TransportSettings;

/**
 * The transport settings of a peer's Netty pipelines, read from its configuration in one
 * place: its two listening ports and its outgoing links. Stateless.
 */
public final class PeerTransports {
  /** How long a link waits for TCP, TLS and the hello of a peer of another region. */
  private static final int LINK_CONNECT_TIMEOUT_MS = 5_000;

  private PeerTransports() {}

  /** The settings of the driver and link ports. */
  public static TransportSettings serverSettings(PeerConfig config) {
    return TransportSettings.DEFAULTS.withMaxFrameBytes(config.maxFrameBytes());
  }

  /** The settings of this peer's links to other regions (the latency is each link's own). */
  public static TransportSettings linkClientSettings(PeerConfig config) {
    return TransportSettings.DEFAULTS.withMaxFrameBytes(config.maxFrameBytes())
        .withConnectTimeoutMillis(LINK_CONNECT_TIMEOUT_MS);
  }
}
