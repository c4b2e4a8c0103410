package dev.meridian.peer.internal.server;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the link port: its first request must be a {@link Request.LinkHello}
 * naming the region it speaks for, which must be a region this one replicates with and, under
 * mutual TLS, a name its client certificate carries ({@link TlsIdentity}). From then on every
 * request is answered as that region's; a connection cannot change its region. A refused hello
 * or any request before one is answered {@code 28000} and the connection closed. Thread-safe.
 */
final class LinkSession implements RequestService {
  private static final Logger LOG = LoggerFactory.getLogger(LinkSession.class);

  private final LinkService service;
  private final Channel channel;
  private volatile String region;

  LinkSession(LinkService service, Channel channel) {
    this.service = service;
    this.channel = channel;
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    String current = region;
    if (request instanceof Request.LinkHello hello) {
      String claimed = hello.fromRegion();
      String why = current != null && !current.equals(claimed)
          ? "this connection already speaks for " + current : authenticate(claimed);
      if (why != null) {
        return refuse("link from " + channel.remoteAddress() + " claiming region " + claimed
            + " refused: " + why);
      }
      region = claimed;
      return service.handle(claimed, request);
    }
    if (current == null) {
      return refuse(request.getClass().getSimpleName() + " from " + channel.remoteAddress()
          + " before a LinkHello");
    }
    return service.handle(current, request);
  }

  /** Whether the dispatcher closes the connection once this answer is written. */
  boolean closesAfter(Response answer) {
    return answer instanceof Response.Error e && e.state() == SqlState.INVALID_AUTHORIZATION;
  }

  private String authenticate(String claimed) {
    if (claimed == null || claimed.isEmpty()) {
      return "no region named";
    }
    List<String> names = TlsIdentity.peerNames(channel);
    if (names != null && !names.contains(claimed)) {
      return "its certificate names " + names + ", not " + claimed;
    }
    return service.refusal(claimed);
  }

  private static CompletionStage<Response> refuse(String why) {
    LOG.warn("{}", why);
    return CompletableFuture.completedFuture(new Response.Error(SqlState.INVALID_AUTHORIZATION, why));
  }
}
