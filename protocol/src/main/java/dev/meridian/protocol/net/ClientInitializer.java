package dev.meridian.protocol.net;

import dev.meridian.protocol.wire.ClientHandshake;
import dev.meridian.protocol.wire.FrameCodecs;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Builds the pipeline of a client connection to a peer, for either port (driver clients and
 * links alike: they differ only in the handshake's magic). One instance per connection.
 */
final class ClientInitializer extends ChannelInitializer<SocketChannel> {
  private static final FrameCodecs.RequestEncoder REQUEST_ENCODER = new FrameCodecs.RequestEncoder();
  private static final FrameCodecs.ResponseDecoder RESPONSE_DECODER = new FrameCodecs.ResponseDecoder();

  private final TransportSettings settings;
  private final InetSocketAddress remote;
  private final ClientHandshake handshake;
  private final ChannelHandler calls;

  ClientInitializer(TransportSettings settings, InetSocketAddress remote,
      ClientHandshake handshake, ChannelHandler calls) {
    this.settings = settings;
    this.remote = remote;
    this.handshake = handshake;
    this.calls = calls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // 1. injected WAN latency, first so it holds raw bytes and the TLS handshake too
    if (settings.oneWayDelayMillis() != null) {
      p.addLast("wan-delay", new DelayHandler(settings.oneWayDelayMillis()));
    }
    // 2. TLS; writes made before its handshake ends (our hello) wait inside it
    if (settings.isTls()) {
      p.addLast("tls", tlsHandler(ch));
    }
    // 3. framing: length-prefixed, bounded
    p.addLast("frame-decoder", FrameCodecs.frameDecoder(settings.maxFrameBytes()));
    p.addLast("frame-prepender", FrameCodecs.framePrepender());
    // 4. our hello and the peer's welcome; removes itself once welcomed
    p.addLast("handshake", handshake);
    // 5. codec: responses in, requests out
    p.addLast("response-decoder", RESPONSE_DECODER);
    p.addLast("request-encoder", REQUEST_ENCODER);
    // 6. calls in flight by request id
    p.addLast("calls", calls);
  }

  private SslHandler tlsHandler(SocketChannel ch) {
    SslHandler handler = settings.tls().get().newHandler(ch.alloc(), remote.getHostString(),
        remote.getPort());
    handler.setHandshakeTimeoutMillis(settings.connectTimeoutMillis());
    if (settings.verifyHostname()) {
      SSLEngine engine = handler.engine();
      SSLParameters params = engine.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(params);
    }
    return handler;
  }
}
