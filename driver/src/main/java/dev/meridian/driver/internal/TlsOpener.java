package dev.meridian.driver.internal;

import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Opens channels over TLS. A value: connections with equal {@link TlsOptions} have equal
 * openers, so they share a routing group as plaintext ones do. Thread-safe.
 */
record TlsOpener(TlsOptions options) implements ChannelOpener {
  @Override
  public PeerChannel open(List<InetSocketAddress> peers, int connectTimeoutMillis,
      int maxFrameBytes) {
    return PeerConnector.connect(peers, TransportSettings.DEFAULTS
        .withConnectTimeoutMillis(Math.max(1, connectTimeoutMillis))
        .withMaxFrameBytes(maxFrameBytes)
        .withTls(options.context(), options.verifyHostname()), "meridian-jdbc");
  }
}
