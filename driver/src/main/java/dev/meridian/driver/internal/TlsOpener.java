package dev.meridian.driver.internal;

import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Opens channels over TLS (when {@code options} is not null) and/or proving credentials with
 * SCRAM-SHA-256 (when {@code credentials} is not null). A value: connections with equal options
 * and credentials have equal openers, so they share a routing group as plaintext ones do.
 * Thread-safe.
 */
record TlsOpener(TlsOptions options, dev.meridian.protocol.net.Credentials credentials)
    implements ChannelOpener {
  @Override
  public PeerChannel open(List<InetSocketAddress> peers, int connectTimeoutMillis,
      int maxFrameBytes) {
    TransportSettings settings = TransportSettings.DEFAULTS
        .withConnectTimeoutMillis(Math.max(1, connectTimeoutMillis))
        .withMaxFrameBytes(maxFrameBytes)
        .withCredentials(credentials);
    if (options != null) {
      settings = settings.withTls(options.context(), options.verifyHostname());
    }
    return PeerConnector.connect(peers, settings, "meridian-jdbc");
  }
}
