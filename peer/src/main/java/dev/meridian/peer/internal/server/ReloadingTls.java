package dev.meridian.peer.internal.server;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS context built from PEM files and rebuilt when they change, for certificate rotation
 * without a restart. Each new connection asks {@link #get()}; at most once a second that looks
 * at the files' sizes and modification times, and when they changed builds a new context. A
 * build that fails (a rotation caught half way: a new key beside an old certificate) keeps the
 * current context, logs, and is tried again on a later look, so no connection ever fails for a
 * rotation. Open connections keep the context they started with. Thread-safe.
 */
final class ReloadingTls implements Supplier<SslContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingTls.class);
  private static final long LOOK_EVERY_NANOS = 1_000_000_000L;

  /** Builds a context from the files (throws on a bad file). */
  interface Builder {
    SslContext build() throws IOException;
  }

  private final String what;
  private final List<Path> files;
  private final Builder builder;
  private volatile SslContext current;
  private volatile String stamp;
  private volatile long lookedAt;

  /**
   * Builds the first context now.
   *
   * @param files the private key, the certificate chain, then any other file the context reads
   * @throws IllegalArgumentException naming the files when they do not make a context
   */
  ReloadingTls(String what, List<Path> files, Builder builder) {
    this.what = what;
    this.files = List.copyOf(files);
    this.builder = builder;
    this.stamp = stampOf();
    try {
      this.current = build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot set up TLS for the " + what + " from " + files
          + ": " + e.getMessage(), e);
    }
    this.lookedAt = System.nanoTime();
  }

  @Override
  public SslContext get() {
    long now = System.nanoTime();
    if (now - lookedAt >= LOOK_EVERY_NANOS) {
      reloadIfChanged(now);
    }
    return current;
  }

  private synchronized void reloadIfChanged(long now) {
    if (now - lookedAt < LOOK_EVERY_NANOS) {
      return;
    }
    lookedAt = now;
    String seen = stampOf();
    if (seen.equals(stamp)) {
      return;
    }
    try {
      current = build();
      stamp = seen;
      LOG.info("TLS for the {}: certificates reloaded from {}", what, files);
    } catch (IOException | RuntimeException e) {
      LOG.warn("TLS for the {}: the changed files {} do not make a context yet ({}); serving on"
          + " with the previous certificates", what, files, e.getMessage());
    }
  }

  private SslContext build() throws IOException {
    KeyMatch.check(files.get(1), files.get(0));
    return builder.build();
  }

  private String stampOf() {
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      try {
        b.append(Files.size(f)).append('@').append(Files.getLastModifiedTime(f).toMillis());
      } catch (IOException e) {
        b.append("missing");
      }
      b.append(';');
    }
    return b.toString();
  }
}
