package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.replication.AntiEntropy;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.testing.Await;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data residency on three embedded regions reading one routing config: German and French
 * customers live in the EU regions only, American ones in us-east-1, the rest anywhere. Checks
 * each region's storage directly (not through a routed read) and the change records each
 * region's peers received.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResidencyTest {
  private static final String US = "us-east-1";
  private static final String EU_WEST = "eu-west-1";
  private static final String EU_CENTRAL = "eu-central-1";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path dir;
  private static EmbeddedCluster cluster;
  private static Path routing;

  @BeforeAll
  static void start() throws Exception {
    routing = dir.resolve("routing.yml");
    Files.writeString(routing, """
        tables:
          customers:
            column: country
            rules:
              - values: [DE, FR]
                regions: [eu-west-1, eu-central-1]
              - values: [US]
                regions: [us-east-1]
            otherwise: any
        """);
    // No background anti-entropy: the tests run repairs when they want them.
    cluster = EmbeddedCluster.start("residency-" + System.nanoTime(),
        List.of(US, EU_WEST, EU_CENTRAL),
        EmbeddedCluster.Options.defaults().antiEntropyIntervalMs(0).routing(routing.toString()));
    try (Connection c = connect(EU_WEST); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, country VARCHAR(2),"
          + " name VARCHAR(40))");
    }
    assertTrue(cluster.awaitConverged(WAIT), "catalog converged");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Connection connect(String region) throws SQLException {
    return DriverManager.getConnection(cluster.jdbcUrl(region));
  }

  private static int update(String region, String sql) throws SQLException {
    try (Connection c = connect(region); Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  private static TableSchema customers(RegionReplica r) {
    return r.tables().stream().filter(t -> t.name().equals("CUSTOMERS")).findFirst()
        .orElseThrow();
  }

  /** Every key a region's storage holds for CUSTOMERS, visible or only a tombstone. */
  private static Map<Long, StoredRow> stored(String region) {
    RegionReplica r = cluster.peers(region).get(0).node().replica();
    TableSchema t = customers(r);
    Map<Long, StoredRow> out = new TreeMap<>();
    for (int p = 0; p < r.partitionCount(); p++) {
      for (AntiEntropy.Row row : r.scan(t.tableId(), p)) {
        out.put((Long) Values.read(Unpooled.wrappedBuffer(row.key())),
            RowFormat.decode(row.row()));
      }
    }
    return out;
  }

  /** A region's visible row (id, country, name), or null. */
  private static Object[] visible(String region, long id) {
    StoredRow row = stored(region).get(id);
    return row == null ? null : row.visibleValues(3);
  }

  /** Change records the peers of {@code region} applied from each other region's links. */
  private static Map<String, Long> received(String region) throws SQLException {
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

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Waits until every link of {@code from} has shipped all it was told of. */
  private static void awaitShipped(String from) {
    Await.until("links of " + from + " caught up", WAIT, () -> cluster.peers(from).stream()
        .allMatch(p -> {
          p.node().replicator().sweepNow();
          return p.node().replicator().caughtUp().toCompletableFuture().join();
        }));
  }

  @Test
  @Order(1)
  void aGermanRowReachesTheOtherEuRegionAndNeverUsEast() throws Exception {
    long usBefore = total(received(US));
    assertEquals(1, update(EU_WEST, "UPSERT INTO customers VALUES (1, 'DE', 'Anna')"));
    Await.until("DE row in eu-central-1", WAIT, () -> visible(EU_CENTRAL, 1) != null);
    assertEquals(List.of(1L, "DE", "Anna"), List.of(visible(EU_CENTRAL, 1)));
    // A row of no rule goes everywhere: once us-east-1 has it, the link from eu-west-1 has
    // read past the German row too (and the counter is shown to count).
    assertEquals(1, update(EU_WEST, "UPSERT INTO customers VALUES (2, 'JP', 'Kenji')"));
    Await.until("JP row in us-east-1", WAIT, () -> visible(US, 2) != null);
    awaitShipped(EU_WEST);
    awaitShipped(EU_CENTRAL);
    assertFalse(stored(US).containsKey(1L), "us-east-1 stores nothing of the German row");
    assertEquals(usBefore + 1, total(received(US)),
        "us-east-1 received only the JP row's record: " + received(US));
    assertTrue(received(EU_CENTRAL).getOrDefault(EU_WEST, 0L) >= 2, received(EU_CENTRAL).toString());
  }

  @Test
  @Order(2)
  void usEastRefusesAGermanRowWithTheResidencyState() throws Exception {
    SQLException e = assertThrows(SQLException.class,
        () -> update(US, "INSERT INTO customers VALUES (10, 'DE', 'Bernd')"));
    assertInstanceOf(SQLIntegrityConstraintViolationException.class, e);
    assertEquals("23M01", e.getSQLState());
    for (String part : List.of("CUSTOMERS", "COUNTRY = 'DE'", "[eu-west-1, eu-central-1]",
        "not in region us-east-1", routing.toString())) {
      assertTrue(e.getMessage().contains(part), part + " missing in: " + e.getMessage());
    }
    assertNull(stored(US).get(10L));
    // Per row: the American row of a two-row write is stored, the German one refused.
    SQLException partial = assertThrows(SQLException.class,
        () -> update(US, "INSERT INTO customers VALUES (11, 'US', 'Carl'), (12, 'FR', 'Dora')"));
    assertEquals("23M01", partial.getSQLState());
    assertTrue(partial.getMessage().contains("wrote 1 of 2 rows"), partial.getMessage());
    assertEquals(List.of(11L, "US", "Carl"), List.of(visible(US, 11)));
    assertNull(stored(US).get(12L));
    // An update that does not assign the column is decided by the row's current value.
    assertEquals(1, update(US, "UPDATE customers SET name = 'Carla' WHERE id = 11"));
    assertEquals("Carla", visible(US, 11)[2]);
  }

  @Test
  @Order(3)
  void aDeleteOfAGermanRowReachesTheOtherEuRegionOnly() throws Exception {
    long usBefore = total(received(US));
    update(EU_WEST, "UPSERT INTO customers VALUES (20, 'DE', 'Emil')");
    Await.until("row 20 in eu-central-1", WAIT, () -> visible(EU_CENTRAL, 20) != null);
    assertEquals(1, update(EU_WEST, "DELETE FROM customers WHERE id = 20"));
    Await.until("row 20 deleted in eu-central-1", WAIT, () -> visible(EU_CENTRAL, 20) == null);
    assertTrue(stored(EU_CENTRAL).containsKey(20L), "eu-central-1 holds the tombstone");
    awaitShipped(EU_WEST);
    assertFalse(stored(US).containsKey(20L), "not even the tombstone reached us-east-1");
    assertEquals(usBefore, total(received(US)));
  }

  @Test
  @Order(4)
  void changingTheCountryMovesTheRowWithAllItsCells() throws Exception {
    update(EU_WEST, "UPSERT INTO customers VALUES (30, 'DE', 'Frida')");
    Await.until("row 30 in eu-central-1", WAIT, () -> visible(EU_CENTRAL, 30) != null);
    // Only the country is assigned; the name must travel with the row.
    assertEquals(1, update(EU_WEST, "UPDATE customers SET country = 'US' WHERE id = 30"));
    assertEquals(List.of(30L, "US", "Frida"), List.of(visible(US, 30)),
        "in us-east-1 once the update returned");
    assertNull(visible(EU_WEST, 30), "gone from eu-west-1");
    Await.until("row 30 gone from eu-central-1", WAIT, () -> visible(EU_CENTRAL, 30) == null);

    // And back: a French country from us-east-1 moves it to both EU regions.
    assertEquals(1, update(US, "UPSERT INTO customers (id, country) VALUES (30, 'FR')"));
    assertNull(visible(US, 30));
    Await.until("row 30 in both EU regions", WAIT,
        () -> visible(EU_WEST, 30) != null && visible(EU_CENTRAL, 30) != null);
    assertEquals(List.of(30L, "FR", "Frida"), List.of(visible(EU_WEST, 30)));
    assertEquals(List.of(30L, "FR", "Frida"), List.of(visible(EU_CENTRAL, 30)));
    awaitShipped(EU_WEST);
    awaitShipped(EU_CENTRAL);
    assertNull(visible(US, 30), "the French row did not come back to us-east-1");

    // A value of no rule may live anywhere: the row spreads to every region.
    assertEquals(1, update(EU_CENTRAL, "UPDATE customers SET country = 'JP' WHERE id = 30"));
    for (String r : List.of(US, EU_WEST, EU_CENTRAL)) {
      Await.until("JP row 30 in " + r, WAIT, () -> visible(r, 30) != null);
      assertEquals(List.of(30L, "JP", "Frida"), List.of(visible(r, 30)));
    }
    assertTrue(cluster.awaitConverged(WAIT), "converged over the rows each pair may hold");
  }

  @Test
  @Order(5)
  void repairsCoverOnlyRowsBothRegionsMayHold() throws Exception {
    for (int i = 40; i < 60; i++) {
      update(i % 2 == 0 ? EU_WEST : US, "UPSERT INTO customers VALUES (" + i + ", '"
          + (i % 2 == 0 ? "DE" : "US") + "', 'n" + i + "')");
    }
    awaitShipped(EU_WEST);
    awaitShipped(US);
    long usBefore = total(received(US));
    for (String to : List.of(US, EU_CENTRAL)) {
      Response r = cluster.peers(EU_WEST).get(0).node().replicator()
          .handle(new Request.Repair(to)).toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertInstanceOf(Response.RepairDone.class, r, r.toString());
    }
    Response r = cluster.peers(US).get(0).node().replicator()
        .handle(new Request.Repair("")).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertInstanceOf(Response.RepairDone.class, r, r.toString());
    for (int i = 40; i < 60; i += 2) {
      assertFalse(stored(US).containsKey((long) i), "German row " + i + " not in us-east-1");
      int id = i;
      Await.until("German row " + i + " in eu-central-1", WAIT,
          () -> visible(EU_CENTRAL, id) != null);
      assertNull(visible(EU_WEST, i + 1), "American row " + (i + 1) + " not in eu-west-1");
      assertNull(visible(EU_CENTRAL, i + 1), "American row " + (i + 1) + " not in eu-central-1");
      assertEquals("US", visible(US, i + 1)[1]);
    }
    assertEquals(usBefore, total(received(US)), "the repair towards us-east-1 shipped nothing");
    assertTrue(cluster.awaitConverged(WAIT));
  }

  @Test
  @Order(6)
  void aRegionRestartedEmptyIsBackfilledWithTheRowsItMayHoldOnly() throws Exception {
    cluster.stopRegion(US);
    cluster.startRegion(US);
    assertTrue(cluster.awaitServing(US, Duration.ofMinutes(2)), cluster.backfillStatus(US));
    Map<Long, StoredRow> us = stored(US);
    TreeSet<Long> visibleIds = new TreeSet<>();
    us.forEach((id, row) -> {
      Object[] v = row.visibleValues(3);
      if (v != null) {
        visibleIds.add(id);
        assertFalse(v[1].equals("DE") || v[1].equals("FR"), "pinned row " + id + " backfilled");
      }
    });
    // The rows of no rule come back; the American ones lived in us-east-1 alone, so emptying it
    // lost them (a row pinned to one region has no copy elsewhere).
    assertEquals(new TreeSet<>(List.of(2L, 30L)), visibleIds);
    assertFalse(us.containsKey(1L) || us.containsKey(20L) || us.containsKey(40L), us.keySet()
        .toString());

    cluster.stopRegion(EU_CENTRAL);
    cluster.startRegion(EU_CENTRAL);
    assertTrue(cluster.awaitServing(EU_CENTRAL, Duration.ofMinutes(2)),
        cluster.backfillStatus(EU_CENTRAL));
    for (long id : List.of(1L, 30L, 40L, 58L)) {
      Await.until("row " + id + " backfilled into eu-central-1", WAIT,
          () -> visible(EU_CENTRAL, id) != null);
    }
    for (long id : List.of(11L, 41L, 59L)) {
      assertFalse(stored(EU_CENTRAL).containsKey(id), "American row " + id + " in eu-central-1");
    }
    assertTrue(cluster.awaitConverged(WAIT));
  }
  /** The ids a region's index returns (every row it indexes), read on its first peer. */
  private static TreeSet<Long> viaIndex(String region, String index) throws Exception {
    RegionReplica r = cluster.peers(region).get(0).node().replica();
    Response answer = cluster.peers(region).get(0).node().handler().handle(new Request.IndexScan(
        customers(r).tableId(), index, new int[] {0}, null, null, false, null, false, false,
        10_000)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    TreeSet<Long> ids = new TreeSet<>();
    for (Object[] row : assertInstanceOf(Response.Rows.class, answer, answer::toString).rows()) {
      ids.add((Long) row[0]);
    }
    return ids;
  }

  @Test
  @Order(7)
  void eachRegionsIndexesHoldTheRowsItMayHoldAndNoOthers() throws Exception {
    for (String region : List.of(US, EU_WEST, EU_CENTRAL)) {
      update(region, "CREATE INDEX IF NOT EXISTS customers_country ON customers (country)");
    }
    // Rows of every rule written in every region, then moved between the rules' regions, with
    // the indexes in place: an index follows its region's rows in and out.
    String[] countries = {"DE", "FR", "US", "JP"};
    String[] regions = {US, EU_WEST, EU_CENTRAL};
    for (int i = 0; i < 24; i++) {
      long id = 100 + i;
      String country = countries[i % 4];
      String from = country.equals("US") ? US : country.equals("JP") ? regions[i % 3]
          : (i % 2 == 0 ? EU_WEST : EU_CENTRAL);
      update(from, "UPSERT INTO customers VALUES (" + id + ", '" + country + "', 'c" + id + "')");
    }
    for (int i = 0; i < 24; i += 3) {
      long id = 100 + i;
      String to = countries[(i + 1) % 4];
      String serving = to.equals("US") ? US : EU_WEST;
      assertEquals(1, update(serving, "UPSERT INTO customers (id, country) VALUES (" + id + ", '"
          + to + "')"));
    }
    for (String region : regions) {
      awaitShipped(region);
    }
    assertTrue(cluster.awaitConverged(WAIT), "converged over the rows each pair may hold");
    for (String region : regions) {
      TreeSet<Long> stored = new TreeSet<>();
      stored(region).forEach((id, row) -> {
        Object[] v = row.visibleValues(3);
        if (v != null) {
          stored.add(id);
          boolean eu = v[1].equals("DE") || v[1].equals("FR");
          assertFalse(region.equals(US) ? eu : v[1].equals("US"), "row " + id + " ("
              + v[1] + ") stored in " + region);
        }
      });
      RegionReplica r = cluster.peers(region).get(0).node().replica();
      assertEquals(stored, viaIndex(region, "CUSTOMERS_COUNTRY"), "the country index of "
          + region);
      assertEquals(stored, viaIndex(region, dev.meridian.protocol.types.IndexDef.primaryKey(
          customers(r)).name()), "the key's index of " + region);
    }
  }
}
