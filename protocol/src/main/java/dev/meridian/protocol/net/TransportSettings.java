package dev.meridian.protocol.net;

import io.netty.handler.ssl.SslContext;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Everything a Netty pipeline of ours is built from, for every role (driver client, driver
 * server, link client and server): one value handed to the role's initializer instead of
 * positional arguments. Immutable; the {@code with…} methods return changed copies.
 *
 * @param connectTimeoutMillis how long a client waits for TCP, TLS and the hello together
 * @param handshakeTimeoutMillis how long a server waits for a new connection's hello (and TLS)
 *     before closing it
 * @param maxFrameBytes the largest frame accepted either way
 * @param tls the TLS context for each new connection, or null for plaintext; asked once per
 *     connection, so a server whose certificates were reloaded hands new connections the new
 *     context while open ones keep theirs
 * @param verifyHostname client side: whether the peer's certificate must name the host dialled
 *     (pgjdbc's {@code verify-full}); ignored without TLS and on servers
 * @param oneWayDelayMillis injected one-way latency read per message ({@link DelayHandler}), or
 *     null for none
 * @param credentials client side: the user and password proven by SCRAM-SHA-256 at the hello,
 *     or null to offer none; ignored on servers
 */
public record TransportSettings(int connectTimeoutMillis, int handshakeTimeoutMillis,
    int maxFrameBytes, Supplier<SslContext> tls, boolean verifyHostname,
    LongSupplier oneWayDelayMillis, Credentials credentials) {

  /** Default connect and handshake deadline. */
  public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;
  /** Default largest frame: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  /** Plaintext, no injected latency, default deadlines and frame limit. */
  public static final TransportSettings DEFAULTS = new TransportSettings(DEFAULT_TIMEOUT_MILLIS,
      DEFAULT_TIMEOUT_MILLIS, DEFAULT_MAX_FRAME_BYTES, null, false, null, null);

  /** Checks the figures. */
  public TransportSettings {
    if (connectTimeoutMillis < 1 || handshakeTimeoutMillis < 1) {
      throw new IllegalArgumentException("timeouts must be positive: connect "
          + connectTimeoutMillis + " ms, handshake " + handshakeTimeoutMillis + " ms");
    }
    if (maxFrameBytes < 64) {
      throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " is too small");
    }
  }

  /** With another connect deadline. */
  public TransportSettings withConnectTimeoutMillis(int millis) {
    return new TransportSettings(millis, handshakeTimeoutMillis, maxFrameBytes, tls,
        verifyHostname, oneWayDelayMillis, credentials);
  }

  /** With another server-side hello deadline. */
  public TransportSettings withHandshakeTimeoutMillis(int millis) {
    return new TransportSettings(connectTimeoutMillis, millis, maxFrameBytes, tls,
        verifyHostname, oneWayDelayMillis, credentials);
  }

  /** With another frame limit. */
  public TransportSettings withMaxFrameBytes(int bytes) {
    return new TransportSettings(connectTimeoutMillis, handshakeTimeoutMillis, bytes, tls,
        verifyHostname, oneWayDelayMillis, credentials);
  }

  /** With TLS from the given contexts (null: plaintext). */
  public TransportSettings withTls(Supplier<SslContext> contexts, boolean verifyHostname) {
    return new TransportSettings(connectTimeoutMillis, handshakeTimeoutMillis, maxFrameBytes,
        contexts, verifyHostname, oneWayDelayMillis, credentials);
  }

  /** With injected one-way latency (null: none). */
  public TransportSettings withOneWayDelay(LongSupplier millis) {
    return new TransportSettings(connectTimeoutMillis, handshakeTimeoutMillis, maxFrameBytes,
        tls, verifyHostname, millis, credentials);
  }

  /** With credentials to prove at the hello (null: none). */
  public TransportSettings withCredentials(Credentials credentials) {
    return new TransportSettings(connectTimeoutMillis, handshakeTimeoutMillis, maxFrameBytes,
        tls, verifyHostname, oneWayDelayMillis, credentials);
  }

  /** Whether connections are encrypted. */
  public boolean isTls() {
    return tls != null;
  }
}
