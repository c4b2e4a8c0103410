package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.cli.tls.CertificateAuthority;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three regions of two peer processes each, set up as between real regions: every driver port
 * serves TLS only (clients verify the peer's name against the cluster CA), every link runs over
 * mutual TLS with each region's own certificate, and every peer requires users. A user made in
 * one region logs in everywhere once the catalog has crossed the links; writers logged in as a
 * granted, non-admin user write in every region at once, and every acknowledged write is checked
 * in every region; a reader may read but not write anywhere; {@code getTablePrivileges} says who
 * may do what.
 *
 * <p>The cases share the regions and run in order. The seed printed at the start fixes the
 * writers' choices ({@code -Dmeridian.seed=...}). Configurations, certificates and peer logs stay
 * under {@code target/it-runs/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureClusterIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final String AP = "ap-southeast-1";
  static final List<String> ALL = List.of(US, EU, AP);
  static final String ADMIN_PASSWORD = "Secure-Admin-1";
  static final String ADMIN_LOGIN = "&user=admin&password=" + ADMIN_PASSWORD;
  static final String APP_LOGIN = "&user=app&password=App-Writer-2";
  static final String VIEWER_LOGIN = "&user=viewer&password=Only-Looks-3";
  static final Duration WAIT = Duration.ofSeconds(90);

  static Regions regions;
  static long seed;

  @BeforeAll
  static void startRegions() throws Exception {
    seed = Long.getLong("meridian.seed", new Random().nextLong());
    Path dir = Path.of("target", "it-runs", "SecureClusterIT-" + System.currentTimeMillis());
    Path certs = dir.resolve("certs");
    Files.createDirectories(certs);
    System.out.printf("SecureClusterIT: seed %d (-Dmeridian.seed=%d), logs in %s%n", seed, seed,
        dir.toAbsolutePath());
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create("SecureClusterIT CA",
        Duration.ofDays(2));
    ca.write(certs);
    for (String region : ALL) {
      ca.issuePeer(region, List.of("localhost", "127.0.0.1"), now.minusSeconds(60),
          now.plus(Duration.ofDays(1))).write(certs, region);
    }
    String tls = "&sslmode=verify-full&sslrootcert=" + certs.resolve("ca.crt").toAbsolutePath();
    long start = System.nanoTime();
    regions = Regions.builder(dir).regions(US, EU, AP).peersPerRegion(2).tls(certs)
        .users(ADMIN_PASSWORD).clientParameters(tls + ADMIN_LOGIN).build();
    regions.startAll();
    System.out.printf("SecureClusterIT: 3 regions x 2 peers ready in %.1f s%n",
        (System.nanoTime() - start) / 1e9);
  }

  @AfterAll
  static void stopRegions() {
    if (regions != null) {
      regions.close();
    }
  }

  /** {@code region}'s URL (TLS verify-full), logged in with {@code login} instead of admin. */
  static String url(String region, int firstPeer, String login) {
    String url = regions.jdbcUrl(region, firstPeer);
    assertTrue(url.contains(ADMIN_LOGIN), url);
    return url.replace(ADMIN_LOGIN, login);
  }

  @Test
  @Order(1)
  void usersMadeInOneRegionLogInToEveryRegionOverTls() throws Exception {
    Replicas.createTable(regions, US, "kv", WAIT);
    try (Connection c = DriverManager.getConnection(regions.jdbcUrl(US));
        Statement s = c.createStatement()) {
      s.execute("CREATE USER app WITH PASSWORD 'App-Writer-2'");
      s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON kv TO app");
      s.execute("CREATE USER viewer WITH PASSWORD 'Only-Looks-3'");
      s.execute("GRANT SELECT ON kv TO viewer");
    }
    for (String region : ALL) {
      for (String login : List.of(APP_LOGIN, VIEWER_LOGIN)) {
        Deadline.await(login + " can log in to " + region + " and read kv", WAIT, () -> {
          try (Connection c = DriverManager.getConnection(url(region, 0, login)
                  + "&routing=local");
              Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kv")) {
            return rs.next();
          } catch (SQLException e) {
            if (!e.getSQLState().equals("28P01") && !e.getSQLState().equals("42501")
                && !e.getSQLState().equals("42P01")) {
              throw new AssertionError(e);
            }
            return false;
          }
        });
      }
    }
    SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        url(EU, 0, "&user=app&password=not-it")));
    assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
  }

  @Test
  @Order(2)
  void aGrantedUserWritesInEveryRegionAndEveryAcknowledgedWriteReachesEveryRegion()
      throws Exception {
    long start = System.nanoTime();
    try (KeyWriters w = new KeyWriters("kv", seed, 100, 0.1, 0.15)) {
      long first = 1_000;
      for (String region : ALL) {
        for (int i = 0; i < 2; i++) {
          w.add(region, url(region, i, APP_LOGIN), first, 400);
          first += 400;
        }
      }
      w.start();
      w.awaitAcknowledged(3_000, Duration.ofSeconds(180));
      w.stop();
      for (String region : ALL) {
        assertTrue(w.acknowledged(region) > 0, "no write was acknowledged in " + region);
      }
      Replicas.Converged c = Replicas.awaitConverged(regions, "kv", w.ledger(), WAIT);
      System.out.printf("SecureClusterIT: %d writes acknowledged as app over TLS (%d retried),"
          + " %d keys, %d rows in each region; converged over mutual TLS %.1f s after the"
          + " writers stopped; case took %.1f s%n", w.acknowledged(), w.retried(), c.keys(),
          c.present(), c.took().toMillis() / 1e3, (System.nanoTime() - start) / 1e9);
    }
  }

  @Test
  @Order(3)
  void aReaderReadsButMayNotWriteInAnyRegion() throws Exception {
    for (String region : ALL) {
      try (Connection c = DriverManager.getConnection(url(region, 1, VIEWER_LOGIN)
              + "&routing=local");
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kv")) {
          assertTrue(rs.next());
          assertTrue(rs.getLong(1) > 0, "the viewer reads the rows in " + region);
        }
        SQLException denied = assertThrows(SQLException.class,
            () -> s.executeUpdate("INSERT INTO kv VALUES (1, 'viewer', 1)"));
        assertEquals("42501", denied.getSQLState(), region + ": " + denied.getMessage());
        assertTrue(denied.getMessage().contains("permission denied for table KV: INSERT"),
            denied.getMessage());
      }
    }
  }

  @Test
  @Order(4)
  void getTablePrivilegesSaysWhoMayDoWhatInEveryRegion() throws Exception {
    List<String> expected = List.of(
        "admin DELETE YES", "app DELETE NO",
        "admin INSERT YES", "app INSERT NO",
        "admin SELECT YES", "app SELECT NO", "viewer SELECT NO",
        "admin UPDATE YES", "app UPDATE NO");
    for (String region : ALL) {
      try (Connection c = DriverManager.getConnection(url(region, 0, VIEWER_LOGIN)
              + "&routing=local");
          ResultSet rs = c.getMetaData().getTablePrivileges(null, null, "KV")) {
        List<String> got = new ArrayList<>();
        while (rs.next()) {
          assertEquals("KV", rs.getString("TABLE_NAME"));
          got.add(rs.getString("GRANTEE") + " " + rs.getString("PRIVILEGE") + " "
              + rs.getString("IS_GRANTABLE"));
        }
        assertEquals(expected, got, "privileges on KV as " + region + " holds them");
        assertEquals("viewer", c.getMetaData().getUserName());
      }
    }
  }
}
