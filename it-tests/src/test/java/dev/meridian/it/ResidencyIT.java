package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.AckLedger;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Data residency on three regions of real peer processes (us-east-1, eu-west-1, eu-central-1)
 * that read one routing config: German customers live in the EU regions only. Writes go
 * through JDBC, to an EU region directly or from a us-east-1 connection that reads the same
 * config and routes the German row to the EU; every region is then asked with
 * {@code routing=local} what it holds, and how many change records its peers received.
 * Every acknowledged write goes into an {@link AckLedger} per region (where the row may not
 * live, as a delete), checked in every region at the end. Configurations and logs stay under
 * {@code target/it-runs/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResidencyIT {
  static final String US = "us-east-1";
  static final String EU_WEST = "eu-west-1";
  static final String EU_CENTRAL = "eu-central-1";
  static final Duration WAIT = Duration.ofSeconds(60);

  static Regions regions;
  static Path routing;
  /**
   * Per region, every acknowledged write: a row written with a country that may not live there
   * (or moved away) is, in that region, a delete. Each write's (country, name) is unique, and its
   * index in {@link #WRITTEN} is its value.
   */
  static final Map<String, AckLedger> LEDGERS = Map.of(US, new AckLedger(), EU_WEST,
      new AckLedger(), EU_CENTRAL, new AckLedger());
  static final List<List<String>> WRITTEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void startRegions() throws Exception {
    Path dir = Path.of("target", "it-runs", "ResidencyIT-" + System.currentTimeMillis());
    Files.createDirectories(dir);
    routing = dir.resolve("routing.yml");
    Files.writeString(routing, """
        regions:
          us-east-1: []
          eu-west-1: []
          eu-central-1: []
        tables:
          customers:
            column: country
            rules:
              - values: [DE, FR]
                regions: [eu-west-1, eu-central-1]
              - values: [US]
                regions: [us-east-1]
        """);
    System.out.printf("ResidencyIT: logs in %s%n", dir.toAbsolutePath());
    regions = Regions.builder(dir).regions(US, EU_WEST, EU_CENTRAL).peersPerRegion(1)
        .routing(routing).build();
    regions.startAll();
    try (Connection c = connect(EU_WEST); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, country VARCHAR(2),"
          + " name VARCHAR(40))");
    }
    for (String r : List.of(US, EU_CENTRAL)) {
      Deadline.await("the table in " + r, WAIT, () -> {
        try (Connection c = connect(r)) {
          row(c, 0);
          return true;
        } catch (SQLException e) {
          return false;
        }
      });
    }
  }

  @AfterAll
  static void stopRegions() {
    if (regions != null) {
      regions.close();
    }
  }

  /** A connection that asks {@code region} and nowhere else. */
  static Connection connect(String region) throws SQLException {
    return DriverManager.getConnection(regions.localJdbcUrl(region));
  }

  /** A connection at home in {@code region} whose driver reads the routing config too. */
  static Connection routed(String region) throws SQLException {
    return DriverManager.getConnection(regions.jdbcUrl(region) + "&routing="
        + routing.toAbsolutePath());
  }

  /** The row (country, name) as the connection's region holds it, or null. */
  static List<String> row(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT country, name FROM customers WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? List.of(rs.getString(1), rs.getString(2)) : null;
      }
    }
  }

  static List<String> rowIn(String region, long id) {
    try (Connection c = connect(region)) {
      return row(c, id);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  static int update(String region, String sql) throws SQLException {
    try (Connection c = connect(region); Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  /** Whether a row of {@code country} may live in {@code region}, by the routing config. */
  static boolean mayLive(String country, String region) {
    return switch (country) {
      case "DE", "FR" -> region.equals(EU_WEST) || region.equals(EU_CENTRAL);
      case "US" -> region.equals(US);
      default -> true;
    };
  }

  /**
   * Runs a write that leaves row {@code id} as (country, name), and records it in every
   * region's ledger when it answers 1, as acknowledged by {@code servedBy} (null when a routed
   * connection chose).
   */
  static int recorded(long id, String country, String name, String servedBy,
      java.util.concurrent.Callable<Integer> write) throws Exception {
    List<String> row = List.of(country, name);
    assertFalse(WRITTEN.contains(row), "each write's (country, name) must be unique: " + row);
    long value = WRITTEN.size();
    WRITTEN.add(row);
    Map<String, AckLedger.Pending> pending = new TreeMap<>();
    LEDGERS.forEach((region, ledger) -> pending.put(region, mayLive(country, region)
        ? ledger.begin(id, value) : ledger.beginDelete(id, value)));
    int n = write.call();
    if (n == 1) {
      pending.values().forEach(p -> p.acknowledged(servedBy));
    }
    return n;
  }

  /** What {@code region} holds, as ledger values (an unwritten (country, name) as -1). */
  static Map<Long, Long> held(String region) throws SQLException {
    Map<Long, Long> out = new TreeMap<>();
    try (Connection c = connect(region); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, country, name FROM customers")) {
      while (rs.next()) {
        out.put(rs.getLong(1), (long) WRITTEN.indexOf(List.of(rs.getString(2), rs.getString(3))));
      }
    }
    return out;
  }

  /** Change records the peers of {@code region} applied, per origin region. */
  static Map<String, Long> received(String region) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = connect(region); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT from_region, to_region, measured_at, records"
            + " FROM meridian.replication_links")) {
      while (rs.next()) {
        if ("receiver".equals(rs.getString(3)) && region.equals(rs.getString(2))) {
          out.merge(rs.getString(1), rs.getLong(4), Long::sum);
        }
      }
    }
    return out;
  }

  @Test
  @Order(1)
  void aGermanRowWrittenInTheEuLivesInTheEuRegionsOnly() throws Exception {
    assertEquals(1, recorded(1, "DE", "Anna", EU_WEST,
        () -> update(EU_WEST, "UPSERT INTO customers VALUES (1, 'DE', 'Anna')")));
    Deadline.await("the German row in eu-central-1", WAIT, () -> rowIn(EU_CENTRAL, 1) != null);
    assertEquals(List.of("DE", "Anna"), rowIn(EU_CENTRAL, 1));
    // A row of no rule goes everywhere; once us-east-1 has it, the links from both EU regions
    // have read past the German row (same region of origin, written earlier).
    assertEquals(1, recorded(2, "JP", "Kenji", EU_WEST,
        () -> update(EU_WEST, "UPSERT INTO customers VALUES (2, 'JP', 'Kenji')")));
    assertEquals(1, recorded(3, "JP", "Yuki", EU_CENTRAL,
        () -> update(EU_CENTRAL, "UPSERT INTO customers VALUES (3, 'JP', 'Yuki')")));
    Deadline.await("the rows of no rule in us-east-1", WAIT,
        () -> rowIn(US, 2) != null && rowIn(US, 3) != null);
    assertNull(rowIn(US, 1), "us-east-1 does not hold the German row");
    // The receiver figures are published once a second: wait until both rows are counted.
    Map<String, Long> us = Deadline.await("us-east-1's receiver figures", WAIT, () -> {
      try {
        Map<String, Long> r = received(US);
        return r.getOrDefault(EU_WEST, 0L) + r.getOrDefault(EU_CENTRAL, 0L) >= 2 ? r : null;
      } catch (SQLException e) {
        return null;
      }
    });
    assertEquals(Map.of(EU_WEST, 1L, EU_CENTRAL, 1L), us,
        "us-east-1 received exactly the two records of no rule, none of the German row");
    System.out.printf("ResidencyIT: records received by us-east-1 %s, by eu-central-1 %s%n", us,
        received(EU_CENTRAL));
  }

  @Test
  @Order(2)
  void usEastRefusesAGermanRow() {
    SQLException e = assertThrows(SQLException.class,
        () -> update(US, "INSERT INTO customers VALUES (10, 'DE', 'Bernd')"));
    assertInstanceOf(SQLIntegrityConstraintViolationException.class, e);
    assertEquals("23M01", e.getSQLState());
    assertTrue(e.getMessage().contains("[eu-west-1, eu-central-1]"), e.getMessage());
    assertNull(rowIn(US, 10));
  }

  @Test
  @Order(3)
  void changingTheCountryMovesTheRow() throws Exception {
    assertEquals(1, recorded(20, "DE", "Frida", EU_WEST,
        () -> update(EU_WEST, "UPSERT INTO customers VALUES (20, 'DE', 'Frida')")));
    Deadline.await("row 20 in eu-central-1", WAIT, () -> rowIn(EU_CENTRAL, 20) != null);
    assertEquals(1, recorded(20, "US", "Frida", EU_WEST,
        () -> update(EU_WEST, "UPDATE customers SET country = 'US' WHERE id = 20")));
    assertEquals(List.of("US", "Frida"), rowIn(US, 20), "in us-east-1 with every cell");
    assertNull(rowIn(EU_WEST, 20));
    Deadline.await("row 20 gone from eu-central-1", WAIT, () -> rowIn(EU_CENTRAL, 20) == null);
  }

  @Test
  @Order(4)
  void aGermanRowWrittenFromUsEastGoesToTheEuAndOnlyThere() throws Exception {
    long fromEuWest = received(US).getOrDefault(EU_WEST, 0L);
    long fromEuCentral = received(US).getOrDefault(EU_CENTRAL, 0L);
    try (Connection c = routed(US)) {
      try (Statement s = c.createStatement()) {
        assertEquals(1, recorded(100, "DE", "Clara", null,
            () -> s.executeUpdate("INSERT INTO customers VALUES (100, 'DE', 'Clara')")));
      }
      String served = c.unwrap(dev.meridian.driver.api.MeridianConnection.class).servingRegion();
      assertTrue(served.equals(EU_WEST) || served.equals(EU_CENTRAL), "served by " + served);
      assertEquals(List.of("DE", "Clara"), row(c, 100), "the us-east-1 connection reads it back");
    }
    Deadline.await("the German row in both EU regions", WAIT,
        () -> rowIn(EU_WEST, 100) != null && rowIn(EU_CENTRAL, 100) != null);
    // Rows of no rule written after it in each EU region: once us-east-1 holds them, the links
    // from both EU regions have read past the German row.
    assertEquals(1, recorded(101, "JP", "Aiko", EU_WEST,
        () -> update(EU_WEST, "UPSERT INTO customers VALUES (101, 'JP', 'Aiko')")));
    assertEquals(1, recorded(102, "JP", "Ren", EU_CENTRAL,
        () -> update(EU_CENTRAL, "UPSERT INTO customers VALUES (102, 'JP', 'Ren')")));
    Deadline.await("the rows of no rule in us-east-1", WAIT,
        () -> rowIn(US, 101) != null && rowIn(US, 102) != null);
    assertNull(rowIn(US, 100), "us-east-1 holds the German row");
    Map<String, Long> us = Deadline.await("us-east-1's receiver figures", WAIT, () -> {
      try {
        Map<String, Long> r = received(US);
        return r.getOrDefault(EU_WEST, 0L) >= fromEuWest + 1
            && r.getOrDefault(EU_CENTRAL, 0L) >= fromEuCentral + 1 ? r : null;
      } catch (SQLException e) {
        return null;
      }
    });
    assertEquals(Map.of(EU_WEST, fromEuWest + 1, EU_CENTRAL, fromEuCentral + 1), us,
        "us-east-1 received only the two rows of no rule, no record of the German row");
  }

  @Test
  @Order(5)
  void aCountryChangeFromUsEastMovesTheRowOutOfTheEu() throws Exception {
    try (Connection c = routed(US); Statement s = c.createStatement()) {
      assertEquals(1, recorded(110, "FR", "Marc", null,
          () -> s.executeUpdate("INSERT INTO customers VALUES (110, 'FR', 'Marc')")));
      Deadline.await("row 110 in both EU regions", WAIT,
          () -> rowIn(EU_WEST, 110) != null && rowIn(EU_CENTRAL, 110) != null);
      // The driver cannot know where row 110 lives: it asks home (absent there), then the EU.
      assertEquals(1, recorded(110, "US", "Marc", null,
          () -> s.executeUpdate("UPDATE customers SET country = 'US' WHERE id = 110")));
      assertEquals(List.of("US", "Marc"), row(c, 110));
    }
    Deadline.await("row 110 in us-east-1", WAIT, () -> rowIn(US, 110) != null);
    assertEquals(List.of("US", "Marc"), rowIn(US, 110), "in us-east-1 with every cell");
    Deadline.await("row 110 gone from both EU regions", WAIT,
        () -> rowIn(EU_WEST, 110) == null && rowIn(EU_CENTRAL, 110) == null);
  }

  @Test
  @Order(6)
  void anUpsertThatChangesTheCountryMovesTheRowToo() throws Exception {
    try (Connection c = routed(US); Statement s = c.createStatement()) {
      assertEquals(1, recorded(120, "DE", "Olga", null,
          () -> s.executeUpdate("UPSERT INTO customers VALUES (120, 'DE', 'Olga')")));
      Deadline.await("row 120 in both EU regions", WAIT,
          () -> rowIn(EU_WEST, 120) != null && rowIn(EU_CENTRAL, 120) != null);
      // Bound for us-east-1 by its new value; the driver finds the row in the EU first, and the
      // EU peer moves it rather than leave a German copy behind.
      assertEquals(1, recorded(120, "US", "Olga", null,
          () -> s.executeUpdate("UPSERT INTO customers VALUES (120, 'US', 'Olga')")));
      // A second INSERT of the key, bound elsewhere, is the duplicate it is.
      SQLException dup = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO customers VALUES (120, 'FR', 'Olga')"));
      assertEquals("23505", dup.getSQLState(), dup.getMessage());
    }
    assertEquals(List.of("US", "Olga"), rowIn(US, 120));
    Deadline.await("row 120 gone from both EU regions", WAIT,
        () -> rowIn(EU_WEST, 120) == null && rowIn(EU_CENTRAL, 120) == null);
  }

  @Test
  @Order(7)
  void everyAcknowledgedWriteIsWhereItMayLiveAndNowhereElse() throws Exception {
    for (String region : List.of(US, EU_WEST, EU_CENTRAL)) {
      AckLedger ledger = LEDGERS.get(region);
      ledger.phantomIfAsked(region, 999, -2);
      try {
        Deadline.await(region + " to hold every acknowledged write as its ledger says", WAIT,
            () -> {
              try {
                return ledger.problems(region, held(region)).isEmpty();
              } catch (SQLException e) {
                return false;
              }
            });
      } catch (AssertionError timedOut) {
        ledger.assertHolds(region, held(region));
        throw timedOut;
      }
      ledger.assertHolds(region, held(region));
    }
  }
}
