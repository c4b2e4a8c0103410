package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's TLS options as pgjdbc users know them: parsing and checking, no server. */
class TlsOptionsTest {
  private static final String URL = "jdbc:meridian://us-east-1=10.0.0.1:7400/?region=us-east-1";

  @TempDir
  Path dir;

  private static DriverConfig config(String url) {
    return DriverConfig.of(url, JdbcUrl.parse(url), new Properties());
  }

  private static String error(String url) {
    MeridianException e = assertThrows(MeridianException.class, () -> config(url));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    return e.getMessage();
  }

  @Test
  void plaintextUnlessAsked() {
    assertNull(config(URL).tls());
    assertNull(config(URL + "&sslmode=disable").tls());
    assertNull(config(URL + "&ssl=false").tls());
  }

  @Test
  void sslTrueMeansVerifyFullAndNeedsARootCertificate() throws Exception {
    assertTrue(error(URL + "&ssl=true").contains("set sslrootcert"));
    Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
    TlsOptions tls = config(URL + "&ssl=true&sslrootcert=" + ca).tls();
    assertEquals("verify-full", tls.mode());
    assertTrue(tls.verifyHostname());
    TlsOptions ca2 = config(URL + "&sslmode=verify-ca&sslrootcert=" + ca).tls();
    assertFalse(ca2.verifyHostname());
  }

  @Test
  void requireEncryptsWithoutARootCertificate() {
    TlsOptions tls = config(URL + "&sslmode=require").tls();
    assertEquals("require", tls.mode());
    assertFalse(tls.verifyHostname());
  }

  @Test
  void contradictionsAndMissingFilesAreNamed() {
    assertTrue(error(URL + "&ssl=true&sslmode=disable").contains("remove one"));
    assertTrue(error(URL + "&sslmode=require&sslcert=/a.crt").contains("sslcert and sslkey"));
    assertTrue(error(URL + "&sslmode=verify-ca&sslrootcert=/nonexistent/ca.crt")
        .contains("cannot read the TLS file"));
    assertTrue(error(URL + "&sslmode=maybe").contains("must be one of"));
  }

  @Test
  void embeddedUrlsStayWithoutTls() {
    String e = error("jdbc:meridian:mem:t?region=a&sslmode=require");
    assertTrue(e.contains("remote URLs"), e);
    assertNull(config("jdbc:meridian:mem:t?region=a").tls());
  }

  @Test
  void equalOptionsAreEqualOpeners() {
    assertEquals(new TlsOpener(config(URL + "&sslmode=require").tls(), null),
        new TlsOpener(config(URL + "&sslmode=require").tls(), null));
  }
}
