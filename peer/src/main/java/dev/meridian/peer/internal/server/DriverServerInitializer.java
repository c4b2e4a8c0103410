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
 * The pipeline of a connection to the driver port. Refuses every request that speaks for a
 * region ({@link PortRole}): those are taken on the link port only. Sharable: builds a new
 * pipeline per connection.
 */
@ChannelHandler.Sharable
public final class DriverServerInitializer extends ChannelInitializer<SocketChannel> {
  private static final FrameCodecs.RequestDecoder REQUESTS = new FrameCodecs.RequestDecoder(PortRole.DRIVER);
  private static final FrameCodecs.ResponseEncoder RESPONSES = new FrameCodecs.ResponseEncoder();

  private final TransportSettings settings;
  private final String region;
  private final String peer;
  private final RequestService service;
  private final dev.meridian.protocol.auth.Authenticator auth;
  private final dev.meridian.peer.internal.auth.AccessControl access;

  /** A driver port that lets every client in and allows it everything. */
  public DriverServerInitializer(TransportSettings settings, String region, String peer,
      RequestService service) {
    this(settings, region, peer, service, null, null);
  }

  /**
   * A driver port whose clients log in with SCRAM-SHA-256 through {@code auth} and whose every
   * request {@code access} checks against the user's grants (both null: neither).
   */
  public DriverServerInitializer(TransportSettings settings, String region, String peer,
      RequestService service, dev.meridian.protocol.auth.Authenticator auth,
      dev.meridian.peer.internal.auth.AccessControl access) {
    this.settings = settings;
    this.region = region;
    this.peer = peer;
    this.service = service;
    this.auth = auth;
    this.access = access;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // 1. deadline for TLS and hello together; lifted once the hello is done
    ServerPipelines.addHandshakeDeadline(p, settings);
    // 2. TLS
    ServerPipelines.addTls(ch, settings, false);
    // 3. framing: length-prefixed, bounded
    p.addLast("frame-decoder", FrameCodecs.frameDecoder(settings.maxFrameBytes()));
    p.addLast("frame-prepender", FrameCodecs.framePrepender());
    // 4. hello ("MRDN") and, with users, the SCRAM exchange; removed once done. A peer still
    //    starting refuses the hello, so the client tries another peer of the region.
    p.addLast("handshake", new ServerHandshake(region, peer, PortRole.DRIVER, service::notReady,
        auth));
    // 5. codec: driver requests in (link messages refused), responses out
    p.addLast("request-decoder", REQUESTS);
    p.addLast("response-encoder", RESPONSES);
    // 6. dispatch to the storage and replication handlers, each request checked against the
    //    user's grants first; a dropped user's connection is closed after its refusal
    if (access == null) {
      p.addLast("dispatch", new RequestDispatcher(service, ProtocolServer.MAX_IN_FLIGHT));
    } else {
      RequestService checked = request -> {
        String user = ch.attr(ServerHandshake.USER).get();
        return access.check(user, request).thenCompose(denied -> denied != null
            ? java.util.concurrent.CompletableFuture.completedFuture(denied)
            : service.handle(request).thenApply(answer -> {
              access.answered(user, request, answer);
              return answer;
            }));
      };
      p.addLast("dispatch", new RequestDispatcher(checked, ProtocolServer.MAX_IN_FLIGHT,
          answer -> answer instanceof dev.meridian.protocol.wire.Response.Error e
              && e.state() == dev.meridian.protocol.error.SqlState.INVALID_AUTHORIZATION));
    }
  }
}
