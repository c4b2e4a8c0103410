package dev.meridian.peer.internal.server;

import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.concurrent.CompletionStage;

/**
 * What the link port asks to answer the requests of other regions. Implementations are
 * thread-safe, never block the calling (event-loop) thread and never complete exceptionally.
 */
public interface LinkService {

  /**
   * Whether a link from {@code region} may open here: null when it may, else why not (for
   * example a region this one does not replicate with).
   */
  String refusal(String region);

  /**
   * Answers one request of a link whose connection authenticated as {@code fromRegion}: every
   * part of the request that names a region must name that one.
   */
  CompletionStage<Response> handle(String fromRegion, Request request);
}
