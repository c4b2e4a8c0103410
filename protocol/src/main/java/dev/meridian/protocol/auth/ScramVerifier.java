package dev.meridian.protocol.auth;

import java.util.Arrays;

/**
 * What a peer keeps of a password (RFC 5802's "authentication information"): the salt and
 * iteration count of PBKDF2-HMAC-SHA-256, and {@code StoredKey} and {@code ServerKey} derived
 * from the salted password. Neither key lets anyone log in: logging in needs {@code ClientKey},
 * whose hash {@code StoredKey} is. Immutable (the arrays are copied in and out).
 *
 * @param salt at least 8 bytes
 * @param iterations PBKDF2 rounds, {@value Scram#MIN_ITERATIONS} to {@value Scram#MAX_ITERATIONS}
 * @param storedKey SHA-256 of ClientKey, 32 bytes
 * @param serverKey HMAC(SaltedPassword, "Server Key"), 32 bytes
 */
public record ScramVerifier(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

  /** Checks the sizes; a verifier that breaks them cannot come from {@link Scram}. */
  public ScramVerifier {
    if (salt == null || salt.length < 8 || salt.length > 64) {
      throw new IllegalArgumentException("a SCRAM salt has 8 to 64 bytes");
    }
    if (iterations < Scram.MIN_ITERATIONS || iterations > Scram.MAX_ITERATIONS) {
      throw new IllegalArgumentException("SCRAM iterations must be " + Scram.MIN_ITERATIONS
          + " to " + Scram.MAX_ITERATIONS + ", not " + iterations);
    }
    if (storedKey == null || storedKey.length != 32 || serverKey == null
        || serverKey.length != 32) {
      throw new IllegalArgumentException("SCRAM-SHA-256 keys have 32 bytes");
    }
    salt = salt.clone();
    storedKey = storedKey.clone();
    serverKey = serverKey.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] storedKey() {
    return storedKey.clone();
  }

  @Override
  public byte[] serverKey() {
    return serverKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScramVerifier v && iterations == v.iterations
        && Arrays.equals(salt, v.salt) && Arrays.equals(storedKey, v.storedKey)
        && Arrays.equals(serverKey, v.serverKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(storedKey) * 31 + iterations;
  }

  /** Never the keys. */
  @Override
  public String toString() {
    return "ScramVerifier[iterations=" + iterations + "]";
  }
}
