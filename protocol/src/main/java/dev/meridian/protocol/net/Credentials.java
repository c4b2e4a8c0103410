package dev.meridian.protocol.net;

import dev.meridian.protocol.auth.Scram;
import java.util.Objects;

/**
 * A user name and password a client proves with SCRAM-SHA-256 at every connection's handshake.
 * Equal when user and password are equal (connections with equal credentials share routing).
 * Holds the salted passwords it has computed, so the many channels one user opens pay PBKDF2
 * once per salt. The password is never printed. Thread-safe.
 */
public final class Credentials {
  private final String user;
  private final String password;
  private final Scram.SaltedPasswords salted = new Scram.SaltedPasswords();

  /** Credentials of {@code user}; a null password counts as empty. */
  public Credentials(String user, String password) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = password == null ? "" : password;
  }

  /** The user name. */
  public String user() {
    return user;
  }

  /** A fresh client half of one SCRAM exchange. */
  public Scram.Client scram() {
    return new Scram.Client(user, password, Scram.nonce(), salted);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credentials c && user.equals(c.user) && password.equals(c.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, password);
  }

  @Override
  public String toString() {
    return "Credentials[" + user + ", password ***]";
  }
}
