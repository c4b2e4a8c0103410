package dev.meridian.peer.internal.server;

import dev.meridian.protocol.net.TransportSettings;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;

/** The layers both ports' pipelines share. Stateless. */
final class ServerPipelines {
  private ServerPipelines() {}

  /**
   * Closes a connection that has not completed TLS and the hello in time, so half-open or
   * silent sockets cost nothing for long; {@link RequestDispatcher} lifts it after the hello.
   */
  static void addHandshakeDeadline(ChannelPipeline p, TransportSettings settings) {
    p.addLast("handshake-deadline",
        new ReadTimeoutHandler(settings.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS));
  }

  /**
   * Adds TLS when the settings have it, from the context current now (certificates reloaded
   * since reach new connections only). The context itself says whether a client certificate
   * is required.
   */
  static void addTls(SocketChannel ch, TransportSettings settings, boolean link) {
    if (!settings.isTls()) {
      return;
    }
    SslHandler tls = settings.tls().get().newHandler(ch.alloc());
    tls.setHandshakeTimeoutMillis(settings.handshakeTimeoutMillis());
    ch.pipeline().addLast(link ? "mtls" : "tls", tls);
  }
}
