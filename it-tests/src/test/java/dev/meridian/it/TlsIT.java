package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.cli.tls.CertificateAuthority;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.Regions;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two regions of real peer processes with TLS on both ports and mutual TLS between regions,
 * certificates made by {@code bin/meridian cert}'s {@link CertificateAuthority}: what gets in,
 * what is refused (plaintext, another CA, an expired certificate, a region's certificate
 * claiming another), and certificate rotation under load. After every refusal the peer serves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final Duration WAIT = Duration.ofSeconds(60);

  static Path certs;
  static Path foreign;
  static CertificateAuthority ca;
  static Regions regions;
  static PeerProcess target;

  @BeforeAll
  static void startRegions() throws Exception {
    Path dir = Path.of("target", "it-runs", "TlsIT-" + System.currentTimeMillis());
    certs = dir.resolve("certs");
    foreign = dir.resolve("foreign");
    Files.createDirectories(certs);
    System.out.printf("TlsIT: logs in %s%n", dir.toAbsolutePath());
    Instant now = Instant.now();
    Instant year = now.plus(Duration.ofDays(365));
    ca = CertificateAuthority.create("TlsIT CA", Duration.ofDays(365));
    ca.write(certs);
    for (String region : List.of(US, EU)) {
      ca.issuePeer(region, List.of("localhost", "127.0.0.1"), now.minusSeconds(60), year)
          .write(certs, region);
    }
    ca.issueClient("app", now.minusSeconds(60), year).write(certs, "app");
    ca.issuePeer("ap-southeast-1", List.of("127.0.0.1"), now.minusSeconds(60), year)
        .write(certs, "ap-southeast-1");
    ca.issuePeer(EU, List.of("127.0.0.1"), now.minus(Duration.ofDays(30)),
        now.minus(Duration.ofDays(1))).write(certs, "expired");
    CertificateAuthority other = CertificateAuthority.create("another CA", Duration.ofDays(365));
    other.write(foreign);
    other.issuePeer(EU, List.of("127.0.0.1"), now.minusSeconds(60), year).write(foreign, EU);

    regions = Regions.builder(dir).regions(US, EU).peersPerRegion(1).tls(certs).build();
    regions.startAll();
    target = regions.peer(US, 0);
    try (Connection c = DriverManager.getConnection(url(US)); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kv (id BIGINT PRIMARY KEY, v VARCHAR(40))");
    }
  }

  @AfterAll
  static void stop() {
    if (regions != null) {
      regions.close();
    }
  }

  @Test
  @Order(1)
  void writesGoOverTlsAndReplicateOverMutualTls() throws Exception {
    try (Connection c = DriverManager.getConnection(url(US)); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO kv VALUES (1, 'secret')");
    }
    awaitValue(EU, 1, "secret");
    try (Connection c = DriverManager.getConnection(url(EU) + "&sslcert="
        + certs.resolve("app.crt").toAbsolutePath() + "&sslkey="
        + certs.resolve("app.key").toAbsolutePath()); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO kv VALUES (2, 'with a client certificate')");
    }
    awaitValue(US, 2, "with a client certificate");
  }

  @Test
  @Order(2)
  void plaintextToATlsPortIsRefusedWithAHint() throws Exception {
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(regions.jdbcUrl(US) + "&connectTimeout=3000"));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("sslmode"), e.getMessage());
    assertThrows(MeridianException.class, () -> PeerConnector.connectOne(linkAddress(),
        TransportSettings.DEFAULTS.withConnectTimeoutMillis(3_000), PortRole.LINK, "plain"));
    assertServing();
  }

  @Test
  @Order(3)
  void aDriverTrustingAnotherCaRefusesThePeer() throws Exception {
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        regions.jdbcUrl(US) + "&sslmode=verify-ca&connectTimeout=3000&sslrootcert="
            + foreign.resolve("ca.crt").toAbsolutePath()));
    assertEquals("08001", e.getSQLState());
    try (Connection c = DriverManager.getConnection(regions.jdbcUrl(US) + "&sslmode=require");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE id = 1")) {
      assertTrue(rs.next(), "require encrypts without checking the certificate");
    }
    assertServing();
  }

  @Test
  @Order(4)
  void aLinkCertificateFromAnotherCaIsRefused() throws Exception {
    assertLinkRefused(context(foreign.resolve(EU + ".crt"), foreign.resolve(EU + ".key")), EU);
  }

  @Test
  @Order(5)
  void anExpiredLinkCertificateIsRefused() throws Exception {
    assertLinkRefused(context(certs.resolve("expired.crt"), certs.resolve("expired.key")), EU);
  }

  @Test
  @Order(6)
  void aLinkWithoutACertificateIsRefused() throws Exception {
    SslContext noCert = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(certs.resolve("ca.crt").toFile()).build();
    assertLinkRefused(noCert, EU);
  }

  @Test
  @Order(7)
  void aRegionsCertificateClaimingAnotherRegionIsRefused() throws Exception {
    SslContext apac = context(certs.resolve("ap-southeast-1.crt"),
        certs.resolve("ap-southeast-1.key"));
    try (PeerChannel ch = PeerConnector.connectOne(linkAddress(),
        TransportSettings.DEFAULTS.withTls(() -> apac, true), PortRole.LINK, "impostor")) {
      Response r = ch.call(new Request.LinkHello(EU)).get(30, TimeUnit.SECONDS);
      assertEquals(SqlState.INVALID_AUTHORIZATION, ((Response.Error) r).state());
      assertTrue(((Response.Error) r).message().contains("certificate names"));
    }
    SslContext genuine = context(certs.resolve(EU + ".crt"), certs.resolve(EU + ".key"));
    try (PeerChannel ch = PeerConnector.connectOne(linkAddress(),
        TransportSettings.DEFAULTS.withTls(() -> genuine, true), PortRole.LINK, "eu")) {
      assertInstanceOf(Response.LinkWelcome.class,
          ch.call(new Request.LinkHello(EU)).get(30, TimeUnit.SECONDS));
    }
    assertServing();
  }

  @Test
  @Order(8)
  void certificatesRotateWhileEightWritersRunWithoutAFailedStatement() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        long n = 0;
        while (!stop.get() && failure.get() == null) {
          // A new connection every 20 statements, so connections open across the rotation.
          try (Connection c = DriverManager.getConnection(url(US));
              PreparedStatement ps = c.prepareStatement("UPSERT INTO kv VALUES (?, ?)")) {
            for (int i = 0; i < 20 && !stop.get(); i++) {
              ps.setLong(1, 1_000_000L * (writer + 1) + n++);
              ps.setString(2, "w" + writer);
              ps.executeUpdate();
              written.incrementAndGet();
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }
      }, "writer-" + w);
      t.start();
      writers.add(t);
    }
    try {
      Deadline.await("writers under way", WAIT, () -> written.get() >= 200);
      long before = written.get();
      Instant now = Instant.now();
      // A new key and certificate for us-east-1, written as an operator would: file by file.
      ca.issuePeer(US, List.of("localhost", "127.0.0.1"), now.minusSeconds(60),
          now.plus(Duration.ofDays(30))).write(certs, US);
      Deadline.await("the peer reloaded its certificates", WAIT,
          () -> target.logText().contains("certificates reloaded"));
      Deadline.await("writes after the rotation", WAIT, () -> written.get() >= before + 400);
    } finally {
      stop.set(true);
      for (Thread t : writers) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
    }
    if (failure.get() != null) {
      throw new AssertionError("a statement failed during the rotation", failure.get());
    }
    assertServing();
  }

  // ---- helpers ----

  private static String url(String home) {
    return regions.jdbcUrl(home) + "&sslmode=verify-full&sslrootcert="
        + certs.resolve("ca.crt").toAbsolutePath();
  }

  private static InetSocketAddress linkAddress() {
    return new InetSocketAddress("127.0.0.1", target.linkPort());
  }

  private static SslContext context(Path cert, Path key) throws Exception {
    return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .keyManager(new File(cert.toString()), new File(key.toString()))
        .trustManager(certs.resolve("ca.crt").toFile()).build();
  }

  /** A link with this certificate gets no welcome, and the peer serves on. */
  private static void assertLinkRefused(SslContext tls, String claim) throws Exception {
    Throwable refused = null;
    try (PeerChannel ch = PeerConnector.connectOne(linkAddress(),
        TransportSettings.DEFAULTS.withConnectTimeoutMillis(5_000).withTls(() -> tls, true),
        PortRole.LINK, "hostile")) {
      // TLS 1.3 may finish the client's side before the server refuses its certificate.
      ch.call(new Request.LinkHello(claim)).get(30, TimeUnit.SECONDS);
    } catch (MeridianException e) {
      refused = e;
    } catch (java.util.concurrent.ExecutionException e) {
      refused = e.getCause();
    }
    assertInstanceOf(MeridianException.class, refused, "the link was let in");
    assertServing();
  }

  private static void awaitValue(String region, long id, String value) {
    Deadline.await("row " + id + " in " + region, WAIT, () -> {
      try (Connection c = DriverManager.getConnection(url(region) + "&routing=local");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE id = " + id)) {
        return rs.next() && value.equals(rs.getString(1));
      } catch (SQLException e) {
        return false;
      }
    });
  }

  /** The attacked peer serves TLS clients, and replication still runs both ways. */
  private static void assertServing() throws Exception {
    long id = 100 + System.nanoTime() % 1_000_000;
    try (Connection c = DriverManager.getConnection(url(EU)); Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO kv VALUES (" + id + ", 'eu')");
    }
    awaitValue(US, id, "eu");
  }
}
