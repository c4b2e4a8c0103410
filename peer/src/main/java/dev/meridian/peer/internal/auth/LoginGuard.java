package dev.meridian.peer.internal.auth;

import dev.meridian.protocol.auth.Authenticator;
import dev.meridian.protocol.auth.ScramVerifier;
import dev.meridian.protocol.auth.UserRecord;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver port's {@link Authenticator}: verifiers from the region's {@link UserStore}, and a
 * refusal delay per source host that doubles with each failure (100 ms, 200 ms, … up to
 * {@value #MAX_DELAY_MILLIS} ms) and is forgotten after a success or
 * {@value #FORGET_AFTER_MILLIS} ms without failures. One host guessing slows only itself; there
 * is no lockout. Counts failures and successes. Thread-safe, never blocks.
 */
public final class LoginGuard implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
  static final long FIRST_DELAY_MILLIS = 100;
  static final long MAX_DELAY_MILLIS = 3_000;
  static final long FORGET_AFTER_MILLIS = 600_000;
  private static final int MAX_HOSTS = 100_000;

  private final Supplier<UserStore> users;
  private final byte[] secret = new byte[32];
  private final ConcurrentMap<String, long[]> failures = new ConcurrentHashMap<>();
  private final LongAdder failed = new LongAdder();
  private final LongAdder succeeded = new LongAdder();

  /** @param users the region's users; null until the peer has started (no one logs in then) */
  public LoginGuard(Supplier<UserStore> users) {
    this.users = users;
    new SecureRandom().nextBytes(secret);
  }

  @Override
  public ScramVerifier verifier(String user) {
    UserStore store = users.get();
    UserRecord r = store == null ? null : store.user(user);
    return r == null ? null : r.verifier();
  }

  @Override
  public byte[] decoySecret() {
    return secret.clone();
  }

  @Override
  public long failed(SocketAddress from, String user) {
    failed.increment();
    long now = System.currentTimeMillis();
    if (failures.size() > MAX_HOSTS) {
      failures.values().removeIf(f -> now - f[1] > FORGET_AFTER_MILLIS);
    }
    long[] f = failures.compute(host(from), (h, old) -> {
      long count = old == null || now - old[1] > FORGET_AFTER_MILLIS ? 1 : old[0] + 1;
      return new long[] {count, now};
    });
    long delay = Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << Math.min(20, f[0] - 1));
    LOG.warn("password authentication failed for user \"{}\" from {} ({} in a row from there;"
        + " answered after {} ms)", user, from, f[0], delay);
    return delay;
  }

  @Override
  public void succeeded(SocketAddress from, String user) {
    succeeded.increment();
    failures.remove(host(from));
  }

  /** Failed logins since start (wrong password or unknown user). */
  public long failures() {
    return failed.sum();
  }

  /** Successful logins since start. */
  public long successes() {
    return succeeded.sum();
  }

  private static String host(SocketAddress from) {
    return from instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : String.valueOf(from);
  }
}
