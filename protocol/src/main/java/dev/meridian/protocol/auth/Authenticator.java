package dev.meridian.protocol.auth;

import java.net.SocketAddress;

/**
 * What a server's handshake asks when it authenticates clients with SCRAM-SHA-256.
 * Implementations are thread-safe and never block (they are called on event loops).
 */
public interface Authenticator {
  /** The verifier of {@code user}'s password, or null when there is no such user. */
  ScramVerifier verifier(String user);

  /** A secret of this server from which made-up salts for unknown users are derived. */
  byte[] decoySecret();

  /**
   * Records a failed attempt (wrong password or unknown user) from {@code from} and says how
   * long to wait before answering it: the delay grows with the failures from that address, so
   * guessing is slow while everyone else logs in at once.
   *
   * @return milliseconds to wait before the refusal is sent
   */
  long failed(SocketAddress from, String user);

  /** Records a successful login from {@code from}. */
  void succeeded(SocketAddress from, String user);
}
