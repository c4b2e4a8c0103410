package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.Credentials;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two regions of real peer processes with users enabled ({@code users.enabled}, each region's
 * first admin from its configuration): SCRAM-SHA-256 logins, grants checked on the peer at every
 * statement, users replicated between regions, and a HikariCP pool logging in.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsersIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final String ADMIN_PASSWORD = "admin-Secret-1";
  static final Duration WAIT = Duration.ofSeconds(60);

  static Regions regions;

  @BeforeAll
  static void startRegions() throws Exception {
    Path dir = Path.of("target", "it-runs", "UsersIT-" + System.currentTimeMillis());
    System.out.printf("UsersIT: logs in %s%n", dir.toAbsolutePath());
    regions = Regions.builder(dir).regions(US, EU).peersPerRegion(1).users(ADMIN_PASSWORD)
        .build();
    regions.startAll();
    try (Connection c = connect(US, "admin", ADMIN_PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kv (id BIGINT PRIMARY KEY, v VARCHAR(40))");
      s.execute("CREATE TABLE other (id BIGINT PRIMARY KEY)");
      s.executeUpdate("INSERT INTO kv VALUES (1, 'one')");
    }
  }

  @AfterAll
  static void stop() {
    if (regions != null) {
      regions.close();
    }
  }

  static Connection connect(String region, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(regions.localJdbcUrl(region), p);
  }

  @Test
  @Order(1)
  void wrongPasswordIs28P01AndNoPasswordIsRefused() throws Exception {
    SQLException wrong = assertThrows(SQLException.class, () -> connect(US, "admin", "nope"));
    assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
    assertInstanceOf(SQLInvalidAuthorizationSpecException.class, wrong);
    assertTrue(wrong.getMessage().contains("password authentication failed for user \"admin\""),
        wrong.getMessage());
    SQLException unknown = assertThrows(SQLException.class, () -> connect(US, "nobody", "x"));
    assertEquals("28P01", unknown.getSQLState(), "an unknown user looks like a wrong password");
    SQLException none = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(regions.localJdbcUrl(US)));
    assertEquals("28000", none.getSQLState(), none.getMessage());
    assertTrue(none.getMessage().contains("requires a user name and password"), none.getMessage());
  }

  @Test
  @Order(2)
  void manyWrongPasswordsAreCountedAndDoNotLockOutTheRightOne() throws Exception {
    long before = failedLogins(US);
    for (int i = 0; i < 4; i++) {
      SQLException e = assertThrows(SQLException.class, () -> connect(US, "admin", "guess"));
      assertEquals("28P01", e.getSQLState());
    }
    assertEquals(before + 4, failedLogins(US), "every failure is counted in MERIDIAN.SECURITY");
    try (Connection c = connect(US, "admin", ADMIN_PASSWORD)) {
      assertEquals("admin", c.getMetaData().getUserName());
    }
  }

  @Test
  @Order(3)
  void aReaderReadsButMayNotWriteUntilGrantedAndARevokeTakesEffectAtTheNextStatement()
      throws Exception {
    try (Connection admin = connect(US, "admin", ADMIN_PASSWORD);
        Statement a = admin.createStatement()) {
      a.execute("CREATE USER reader WITH PASSWORD 'read-Only-2'");
      a.execute("GRANT SELECT ON kv TO reader");
      try (Connection reader = connect(US, "reader", "read-Only-2");
          Statement r = reader.createStatement()) {
        try (ResultSet rs = r.executeQuery("SELECT v FROM kv WHERE id = 1")) {
          assertTrue(rs.next());
          assertEquals("one", rs.getString(1));
        }
        SQLException denied = assertThrows(SQLException.class,
            () -> r.executeUpdate("INSERT INTO kv VALUES (2, 'two')"));
        assertEquals("42501", denied.getSQLState(), denied.getMessage());
        assertTrue(denied.getMessage().contains("permission denied for table KV: INSERT"),
            denied.getMessage());
        SQLException otherTable = assertThrows(SQLException.class,
            () -> r.executeQuery("SELECT * FROM other WHERE id = 1"));
        assertEquals("42501", otherTable.getSQLState(), otherTable.getMessage());
        SQLException ddl = assertThrows(SQLException.class,
            () -> r.execute("CREATE TABLE mine (id BIGINT PRIMARY KEY)"));
        assertEquals("42501", ddl.getSQLState(), ddl.getMessage());
        assertTrue(ddl.getMessage().contains("ADMIN"), ddl.getMessage());
        SQLException alter = assertThrows(SQLException.class,
            () -> r.execute("ALTER TABLE kv ADD COLUMN sneaky VARCHAR(5)"));
        assertEquals("42501", alter.getSQLState(), alter.getMessage());
        assertTrue(alter.getMessage().contains("ALTER TABLE needs the ADMIN right"),
            alter.getMessage());
        SQLException users = assertThrows(SQLException.class,
            () -> r.execute("CREATE USER sneaky WITH PASSWORD 'x'"));
        assertEquals("42501", users.getSQLState(), users.getMessage());

        a.execute("GRANT INSERT, UPDATE ON kv TO reader");
        // The reader's open connection: its next statement is allowed.
        assertEquals(1, r.executeUpdate("INSERT INTO kv VALUES (2, 'two')"));
        assertEquals(1, r.executeUpdate("UPSERT INTO kv VALUES (2, 'deux')"));

        a.execute("REVOKE INSERT ON kv FROM reader");
        SQLException revoked = assertThrows(SQLException.class,
            () -> r.executeUpdate("INSERT INTO kv VALUES (3, 'three')"));
        assertEquals("42501", revoked.getSQLState(), revoked.getMessage());
        assertEquals(1, r.executeUpdate("UPDATE kv SET v = 'zwei' WHERE id = 2"),
            "UPDATE is still granted");
      }
      try (ResultSet rs = a.executeQuery(
          "SELECT user_name, admin, privileges FROM meridian.users ORDER BY user_name")) {
        assertTrue(rs.next());
        assertEquals("admin", rs.getString(1));
        assertTrue(rs.getBoolean(2));
        assertTrue(rs.next());
        assertEquals("reader", rs.getString(1));
        assertFalse(rs.getBoolean(2));
        assertEquals("SELECT, UPDATE ON KV", rs.getString(3));
        assertFalse(rs.next());
      }
    }
  }

  @Test
  @Order(4)
  void aUserCreatedInOneRegionLogsInToTheOtherOnceReplicated() throws Exception {
    try (Connection admin = connect(US, "admin", ADMIN_PASSWORD);
        Statement a = admin.createStatement()) {
      a.execute("CREATE USER traveller WITH PASSWORD 'Far-Away-3'");
      a.execute("GRANT SELECT ON ALL TABLES TO traveller");
    }
    Deadline.await("traveller can log in to " + EU, WAIT, () -> {
      try (Connection c = connect(EU, "traveller", "Far-Away-3");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kv")) {
        return rs.next();
      } catch (SQLException e) {
        if (!e.getSQLState().equals("28P01") && !e.getSQLState().equals("42501")) {
          throw new AssertionError(e);
        }
        return false;
      }
    });
    try (Connection c = connect(EU, "traveller", "Far-Away-3"); Statement s = c.createStatement()) {
      SQLException denied = assertThrows(SQLException.class,
          () -> s.executeUpdate("DELETE FROM kv WHERE id = 1"));
      assertEquals("42501", denied.getSQLState(), denied.getMessage());
    }
  }

  @Test
  @Order(5)
  void aDroppedUsersOpenConnectionIsRefusedAtItsNextStatement() throws Exception {
    try (Connection admin = connect(US, "admin", ADMIN_PASSWORD);
        Statement a = admin.createStatement()) {
      a.execute("CREATE USER leaver WITH PASSWORD 'Bye-Bye-4'");
      a.execute("GRANT SELECT ON kv TO leaver");
      try (Connection leaver = connect(US, "leaver", "Bye-Bye-4");
          Statement l = leaver.createStatement()) {
        try (ResultSet rs = l.executeQuery("SELECT v FROM kv WHERE id = 1")) {
          assertTrue(rs.next());
        }
        a.execute("DROP USER leaver");
        SQLException gone = assertThrows(SQLException.class,
            () -> l.executeQuery("SELECT v FROM kv WHERE id = 1").next());
        assertTrue(gone.getSQLState().startsWith("28") || gone.getSQLState().startsWith("08"),
            gone.getSQLState() + " " + gone.getMessage());
      }
      SQLException login = assertThrows(SQLException.class,
          () -> connect(US, "leaver", "Bye-Bye-4"));
      assertEquals("28P01", login.getSQLState());
      a.execute("ALTER USER reader WITH PASSWORD 'new-Password-5'");
    }
    assertEquals("28P01", assertThrows(SQLException.class,
        () -> connect(US, "reader", "read-Only-2")).getSQLState(), "the old password is gone");
    try (Connection c = connect(US, "reader", "new-Password-5")) {
      assertTrue(c.isValid(5));
    }
  }

  @Test
  @Order(6)
  void repairNeedsTheAdminRight() throws Exception {
    String[] hostPort = regions.clientAddresses(US).get(0).split(":");
    InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    TransportSettings reader = TransportSettings.DEFAULTS
        .withCredentials(new Credentials("reader", "new-Password-5"));
    try (PeerChannel ch = PeerConnector.connectOne(address, reader, PortRole.DRIVER, "it")) {
      Response r = ch.call(new Request.Repair(EU)).get(30, TimeUnit.SECONDS);
      Response.Error e = assertInstanceOf(Response.Error.class, r);
      assertEquals(SqlState.INSUFFICIENT_PRIVILEGE, e.state());
    }
    TransportSettings admin = TransportSettings.DEFAULTS
        .withCredentials(new Credentials("admin", ADMIN_PASSWORD));
    try (PeerChannel ch = PeerConnector.connectOne(address, admin, PortRole.DRIVER, "it")) {
      assertInstanceOf(Response.RepairDone.class,
          ch.call(new Request.Repair(EU)).get(60, TimeUnit.SECONDS));
    }
    MeridianException wrong = assertThrows(MeridianException.class,
        () -> PeerConnector.connectOne(address, TransportSettings.DEFAULTS
            .withCredentials(new Credentials("admin", "wrong")), PortRole.DRIVER, "it"));
    assertEquals(SqlState.INVALID_PASSWORD, wrong.state());
  }

  @Test
  @Order(7)
  void aHikariPoolLogsInWithItsCredentials() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(regions.jdbcUrl(US));
    config.setUsername("reader");
    config.setPassword("new-Password-5");
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(30_000);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      List<Connection> held = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Connection c = pool.getConnection();
          held.add(c);
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("one", rs.getString(1));
          }
          assertEquals("reader", c.getMetaData().getUserName());
        }
      } finally {
        for (Connection c : held) {
          c.close();
        }
      }
    }
    HikariConfig bad = new HikariConfig();
    bad.setJdbcUrl(regions.jdbcUrl(US));
    bad.setUsername("reader");
    bad.setPassword("wrong");
    bad.setInitializationFailTimeout(1);
    SQLException e = assertInstanceOf(SQLException.class, assertThrows(RuntimeException.class,
        () -> new HikariDataSource(bad).close()).getCause());
    assertEquals("28P01", e.getSQLState());
  }

  private static long failedLogins(String region) throws SQLException {
    try (Connection c = connect(region, "admin", ADMIN_PASSWORD); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT total FROM meridian.security"
            + " WHERE event = 'failed_logins'")) {
      assertTrue(rs.next(), "MERIDIAN.SECURITY has a failed_logins row");
      return rs.getLong(1);
    }
  }
}
