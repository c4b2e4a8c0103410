package dev.meridian.protocol.net;

import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.concurrent.CompletableFuture;

/**
 * One open driver-protocol connection to a peer. Many calls may be in flight at once; each
 * completes with the peer's {@link Response} (possibly {@link Response.Error}), or
 * exceptionally with a {@link dev.meridian.protocol.error.MeridianException} of class
 * {@code 08} when the connection fails. Thread-safe.
 */
public interface PeerChannel extends AutoCloseable {

  /** Sends a request; the future completes with its response. */
  CompletableFuture<Response> call(Request request);

  /** Whether the connection is still usable. */
  boolean isOpen();

  /** The region the peer reported in the handshake. */
  String region();

  /** The peer's name reported in the handshake. */
  String peer();

  /** Closes the connection; calls in flight fail with {@code 08003}. Idempotent. */
  @Override
  void close();
}
