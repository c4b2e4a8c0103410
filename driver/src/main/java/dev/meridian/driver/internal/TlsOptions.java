package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * A connection's TLS options, pgjdbc style ({@code sslmode}, {@code sslrootcert},
 * {@code sslcert}, {@code sslkey}), validated once. Equal options share one TLS context (and
 * connections with equal options share a routing group). Immutable and thread-safe.
 *
 * @param mode require, verify-ca or verify-full
 * @param rootCert the trusted CA file, null for require
 * @param cert client certificate file, or null
 * @param key its key file, or null
 */
record TlsOptions(String mode, String rootCert, String cert, String key) {
  private static final Map<TlsOptions, SslContext> CONTEXTS = new ConcurrentHashMap<>();

  /**
   * The options of {@code ssl} and {@code sslmode} and the files, or null for plaintext.
   *
   * @throws MeridianException {@code 22023} naming what to change
   */
  static TlsOptions of(boolean ssl, String sslMode, String rootCert, String cert, String key) {
    String mode = sslMode != null ? sslMode : ssl ? "verify-full" : "disable";
    if (mode.equals("disable")) {
      if (ssl) {
        throw bad("ssl=true with sslmode=disable: remove one");
      }
      return null;
    }
    if (!mode.equals("require") && rootCert == null) {
      throw bad("sslmode=" + mode + " checks the peers' certificates against a CA: set"
          + " sslrootcert to the cluster's ca.crt, or sslmode=require to encrypt without checking");
    }
    if ((cert == null) != (key == null)) {
      throw bad("a client certificate needs both sslcert and sslkey");
    }
    for (String f : new String[] {rootCert, cert, key}) {
      if (f != null && !new File(f).canRead()) {
        throw bad("cannot read the TLS file " + f);
      }
    }
    return new TlsOptions(mode, rootCert, cert, key);
  }

  /** Whether the peer's certificate must name the host dialled. */
  boolean verifyHostname() {
    return mode.equals("verify-full");
  }

  /** The context of these options, built on first use. */
  Supplier<SslContext> context() {
    return () -> CONTEXTS.computeIfAbsent(this, TlsOptions::build);
  }

  private static SslContext build(TlsOptions o) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
      b = o.mode.equals("require") ? b.trustManager(InsecureTrustManagerFactory.INSTANCE)
          : b.trustManager(new File(o.rootCert));
      if (o.cert != null) {
        b = b.keyManager(new File(o.cert), new File(o.key));
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "cannot set up TLS from sslrootcert/sslcert/sslkey: " + e.getMessage(), e);
    }
  }

  private static MeridianException bad(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, message);
  }
}
