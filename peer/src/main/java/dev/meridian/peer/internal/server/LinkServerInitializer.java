package dev.meridian.peer.internal.server;

import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.wire.FrameCodecs;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.ServerHandshake;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;

/**
 * The pipeline of a connection to the link port: the same layers as the driver port's, with
 * the link magic, only link requests admitted ({@link PortRole}), client certificates required
 * under TLS, and a {@link LinkSession} that fixes which region the connection speaks for.
 * Sharable: builds a new pipeline per connection.
 */
@ChannelHandler.Sharable
public final class LinkServerInitializer extends ChannelInitializer<SocketChannel> {
  private static final FrameCodecs.RequestDecoder REQUESTS = new FrameCodecs.RequestDecoder(PortRole.LINK);
  private static final FrameCodecs.ResponseEncoder RESPONSES = new FrameCodecs.ResponseEncoder();

  private final TransportSettings settings;
  private final String region;
  private final String peer;
  private final LinkService service;

  public LinkServerInitializer(TransportSettings settings, String region, String peer,
      LinkService service) {
    this.settings = settings;
    this.region = region;
    this.peer = peer;
    this.service = service;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // 1. deadline for TLS and hello together; lifted once the hello is done
    ServerPipelines.addHandshakeDeadline(p, settings);
    // 2. mutual TLS: the other region proves its name by certificate
    ServerPipelines.addTls(ch, settings, true);
    // 3. framing: length-prefixed, bounded
    p.addLast("frame-decoder", FrameCodecs.frameDecoder(settings.maxFrameBytes()));
    p.addLast("frame-prepender", FrameCodecs.framePrepender());
    // 4. hello ("MRDL"), removed once done
    p.addLast("handshake", new ServerHandshake(region, peer, PortRole.LINK));
    // 5. codec: link requests in (driver requests refused), responses out
    p.addLast("request-decoder", REQUESTS);
    p.addLast("response-encoder", RESPONSES);
    // 6. dispatch, as the region this connection authenticated as
    LinkSession session = new LinkSession(service, ch);
    p.addLast("dispatch", new RequestDispatcher(session, ProtocolServer.MAX_IN_FLIGHT,
        session::closesAfter));
  }
}
