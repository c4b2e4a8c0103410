package dev.meridian.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code meridian cert}: the files it writes and what the certificates say. */
class CertCommandTest {
  @TempDir
  Path dir;

  private int run(String... args) {
    return new CommandLine(new MeridianCommand()).execute(args);
  }

  private X509Certificate read(String name) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void makesACaAPeerCertificateNamingItsRegionAndHostsAndAClientCertificate() throws Exception {
    assertEquals(0, run("cert", "ca", "--dir", dir.toString()));
    assertEquals(0, run("cert", "peer", "--dir", dir.toString(), "--region", "eu-west-1",
        "--host", "db1.example.com", "--host", "10.1.0.5"));
    assertEquals(0, run("cert", "client", "--dir", dir.toString(), "--name", "app"));
    X509Certificate ca = read("ca.crt");
    X509Certificate peer = read("eu-west-1.crt");
    peer.verify(ca.getPublicKey());
    read("app.crt").verify(ca.getPublicKey());
    Set<String> sans = peer.getSubjectAlternativeNames().stream()
        .map(san -> String.valueOf(((List<?>) san).get(1))).collect(Collectors.toSet());
    assertEquals(Set.of("db1.example.com", "10.1.0.5", "eu-west-1"), sans);
    assertTrue(Files.readString(dir.resolve("eu-west-1.key")).startsWith("-----BEGIN PRIVATE KEY"));
    assertTrue(ca.getBasicConstraints() >= 0, "the CA may sign");
    assertEquals(-1, peer.getBasicConstraints(), "a peer may not");
  }

  @Test
  void refusesToOverwriteACa() {
    assertEquals(0, run("cert", "ca", "--dir", dir.toString()));
    assertEquals(1, run("cert", "ca", "--dir", dir.toString()));
  }

  @Test
  void aPeerCertificateNeedsTheCa() {
    assertEquals(1, run("cert", "peer", "--dir", dir.resolve("empty").toString(), "--region", "r"));
  }
}
