package dev.meridian.peer.internal.server;

import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.concurrent.CompletionStage;

/**
 * What the driver-protocol server asks to answer a request. Implementations are thread-safe,
 * never block the calling (event-loop) thread, and never complete exceptionally: a failure is a
 * {@link Response.Error}.
 */
@FunctionalInterface
public interface RequestService {
  /** Answers one request. */
  CompletionStage<Response> handle(Request request);

  /**
   * Why a new driver connection is refused at its handshake (the peer is still starting, say),
   * or null when it is accepted. A refused client tries the region's other peers, which may
   * serve already; a peer that took the connection and answered every request with an error
   * would make it alternate between the two.
   */
  default String notReady() {
    return null;
  }
}
