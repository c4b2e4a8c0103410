package dev.meridian.peer.internal.server;

import dev.meridian.peer.api.PeerConfig;
import dev.meridian.protocol.net.TransportSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * The transport settings of a peer's Netty pipelines, read from its configuration in one
 * place: its driver port, its link port and its outgoing links. With {@code tls} configured:
 * the driver port speaks TLS and checks a client certificate when one is offered; the link port
 * requires one signed by the cluster CA (mutual TLS; {@link LinkSession} then requires its name
 * to be the region the link claims); outgoing links present this peer's certificate and check
 * that the other peer's names the host dialled. Every context reloads its files when they
 * change ({@link ReloadingTls}).
 *
 * <p>TLS is the JDK's provider ({@link SslProvider#JDK}), not netty-tcnative's BoringSSL: it
 * needs no native library per platform (the driver stays one pure-Java jar and the peer runs
 * wherever Java does), and Java 17's TLS 1.3 with AES-GCM intrinsics costs little next to a
 * request's round trip (bench figures in the issue note).
 */
public final class PeerTransports {
  /** How long a link waits for TCP, TLS and the hello of a peer of another region. */
  private static final int LINK_CONNECT_TIMEOUT_MS = 5_000;

  private PeerTransports() {}

  /** The settings of the driver port. */
  public static TransportSettings driverServer(PeerConfig config) {
    TransportSettings s = TransportSettings.DEFAULTS.withMaxFrameBytes(config.maxFrameBytes());
    if (!config.tls()) {
      return s;
    }
    return s.withTls(new ReloadingTls("driver port", files(config),
        () -> SslContextBuilder.forServer(file(config.tlsCert()), file(config.tlsKey()))
            .trustManager(file(config.tlsCa())).clientAuth(ClientAuth.OPTIONAL)
            .sslProvider(SslProvider.JDK).build()), false);
  }

  /** The settings of the link port: mutual TLS. */
  public static TransportSettings linkServer(PeerConfig config) {
    TransportSettings s = TransportSettings.DEFAULTS.withMaxFrameBytes(config.maxFrameBytes());
    if (!config.tls()) {
      return s;
    }
    return s.withTls(new ReloadingTls("link port", files(config),
        () -> SslContextBuilder.forServer(file(config.tlsCert()), file(config.tlsKey()))
            .trustManager(file(config.tlsCa())).clientAuth(ClientAuth.REQUIRE)
            .sslProvider(SslProvider.JDK).build()), false);
  }

  /** The settings of this peer's links to other regions (the latency is each link's own). */
  public static TransportSettings linkClient(PeerConfig config) {
    TransportSettings s = TransportSettings.DEFAULTS.withMaxFrameBytes(config.maxFrameBytes())
        .withConnectTimeoutMillis(LINK_CONNECT_TIMEOUT_MS);
    if (!config.tls()) {
      return s;
    }
    return s.withTls(new ReloadingTls("links", files(config),
        () -> SslContextBuilder.forClient().keyManager(file(config.tlsCert()),
            file(config.tlsKey())).trustManager(file(config.tlsCa()))
            .sslProvider(SslProvider.JDK).build()), true);
  }

  /** The files a context is built from: key, certificate chain, CA (in that order). */
  private static List<Path> files(PeerConfig config) {
    return List.of(Path.of(config.tlsKey()), Path.of(config.tlsCert()), Path.of(config.tlsCa()));
  }

  private static java.io.File file(String path) {
    return new java.io.File(path);
  }
}
