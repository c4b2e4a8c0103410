package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ChangeRecord;
import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.Regions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile matrix of the link port and the driver port, against real peer processes of two
 * regions replicating in clear on loopback (where anyone may claim a region: what a link may
 * say is checked all the same). Every case ends with the attacked peer serving SQL and
 * replicating with the genuine other region.
 */
class LinkSecurityIT {
  static final String US = "us-east-1";
  static final String EU = "eu-west-1";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final long HOUR = 3_600_000L;

  static Regions regions;
  static PeerProcess target;
  static long tableId;

  @BeforeAll
  static void startRegions() throws Exception {
    Path dir = Path.of("target", "it-runs", "LinkSecurityIT-" + System.currentTimeMillis());
    Files.createDirectories(dir);
    System.out.printf("LinkSecurityIT: logs in %s%n", dir.toAbsolutePath());
    regions = Regions.builder(dir).regions(US, EU).peersPerRegion(1).build();
    regions.startAll();
    target = regions.peer(US, 0);
    try (Connection c = DriverManager.getConnection(regions.jdbcUrl(US));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, name VARCHAR(20), n BIGINT)");
    }
    try (PeerChannel driver = driverChannel()) {
      Response.Catalog catalog = (Response.Catalog) call(driver, new Request.GetCatalog());
      tableId = catalog.tables().stream().filter(t -> t.name().equalsIgnoreCase("ACCT"))
          .mapToLong(TableSchema::tableId).findFirst().orElseThrow();
    }
  }

  @AfterAll
  static void stop() {
    if (regions != null) {
      regions.close();
    }
  }

  @Test
  void theDriverPortRefusesEveryLinkMessage() throws Exception {
    List<Request> linkMessages = List.of(
        new Request.LinkHello(EU),
        new Request.SyncCatalog(List.of(), List.of()),
        new Request.Replicate(EU, 1, List.of()),
        new Request.GetDigests(tableId, List.of(0), EU),
        new Request.GetRowHashes(tableId, 0, List.of(0), EU),
        new Request.LinkProgress(EU, System.currentTimeMillis(), 271, new long[] {-1L}));
    for (Request r : linkMessages) {
      assertTrue(PortRole.isLinkMessage(r));
      try (PeerChannel driver = driverChannel()) {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> driver.call(r).get(30, TimeUnit.SECONDS), r.toString());
        assertEquals(SqlState.CONNECTION_FAILURE, ((MeridianException) e.getCause()).state(),
            r + ": the connection is closed, nothing answered");
      }
      assertServing();
    }
    awaitLog("is not taken on the driver port");
  }

  @Test
  void theLinkPortRefusesDriverRequestsAndDriverHandshakes() throws Exception {
    for (Request r : List.of(new Request.GetCatalog(), new Request.GetPartitions(),
        new Request.Get(tableId, List.<Object[]>of(new Object[] {1L})),
        new Request.AwaitApplied(Map.of(), 0), new Request.Repair(""))) {
      try (PeerChannel link = link(EU)) {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> link.call(r).get(30, TimeUnit.SECONDS), r.toString());
        assertInstanceOf(MeridianException.class, e.getCause());
      }
    }
    MeridianException wrongPort = assertThrows(MeridianException.class,
        () -> PeerConnector.connectOne(linkAddress(), TransportSettings.DEFAULTS, PortRole.DRIVER,
            "lost-driver"));
    assertTrue(wrongPort.getMessage().contains("connect to its clientPort"), wrongPort.getMessage());
    MeridianException wrongWay = assertThrows(MeridianException.class,
        () -> PeerConnector.connectOne(clientAddress(), TransportSettings.DEFAULTS, PortRole.LINK,
            "lost-link"));
    assertTrue(wrongWay.getMessage().contains("connect to its linkPort"), wrongWay.getMessage());
    assertServing();
  }

  @Test
  void theEpochGoesOnlyToARegionThisOneReplicatesWith() throws Exception {
    for (String claimed : List.of("sa-east-1", US, "")) {
      try (PeerChannel ch = PeerConnector.connectOne(linkAddress(), TransportSettings.DEFAULTS,
          PortRole.LINK, "hostile")) {
        Response r = call(ch, new Request.LinkHello(claimed));
        assertEquals(SqlState.INVALID_AUTHORIZATION, ((Response.Error) r).state(), claimed);
        Deadline.await("the refused link closed", WAIT, () -> !ch.isOpen());
      }
    }
    try (PeerChannel ch = PeerConnector.connectOne(linkAddress(), TransportSettings.DEFAULTS,
        PortRole.LINK, "hostile")) {
      Response r = call(ch, new Request.Replicate(EU, 1, List.of()));
      assertEquals(SqlState.INVALID_AUTHORIZATION, ((Response.Error) r).state(),
          "nothing before a hello");
    }
    assertServing();
  }

  @Test
  void aLinkMayNotSpeakForAnotherRegion() throws Exception {
    List<Request> forged = List.of(
        new Request.LinkProgress("ap-southeast-1", System.currentTimeMillis() + HOUR, 271,
            new long[] {-1L, -1L, -1L, -1L, -1L}),
        new Request.Replicate("ap-southeast-1", 0, List.of()),
        new Request.GetDigests(tableId, List.of(0), "ap-southeast-1"),
        new Request.GetRowHashes(tableId, 0, List.of(0), US),
        new Request.LinkHello("ap-southeast-1"));
    for (Request r : forged) {
      try (PeerChannel link = link(EU)) {
        Response answer = call(link, r);
        assertEquals(SqlState.INVALID_AUTHORIZATION, ((Response.Error) answer).state(),
            r.toString());
      }
    }
    awaitLog("speaking for ap-southeast-1; refused");
    awaitLog("already speaks for " + EU);
    assertServing();
  }

  @Test
  void aCatalogNoRegionCouldHaveSentIsRefusedAndCountedWhereOperatorsSeeIt() throws Exception {
    long before = refusedFrames(EU);
    dev.meridian.protocol.auth.UserRecord forged = new dev.meridian.protocol.auth.UserRecord(
        "intruder", dev.meridian.protocol.auth.Scram.verifier("x"), true, java.util.Map.of(),
        new Stamp(Stamp.hlc(System.currentTimeMillis(), 0), Stamp.regionId("mars")), false);
    dev.meridian.protocol.auth.UserRecord farAhead = new dev.meridian.protocol.auth.UserRecord(
        "later", dev.meridian.protocol.auth.Scram.verifier("x"), true, java.util.Map.of(),
        new Stamp(Stamp.hlc(System.currentTimeMillis() + 48 * HOUR, 0), Stamp.regionId(EU)),
        false);
    try (PeerChannel link = link(EU)) {
      for (var user : List.of(forged, farAhead)) {
        Response r = call(link, new Request.SyncCatalog(List.of(), List.of(), List.of(user)));
        assertEquals(SqlState.PROTOCOL_VIOLATION, ((Response.Error) r).state(), r.toString());
      }
      assertTrue(link.isOpen());
    }
    awaitLog("refused a catalog from the link of " + EU);
    assertEquals(before + 2, refusedFrames(EU),
        "MERIDIAN.SECURITY counts each refused frame of the link");
    try (PeerChannel driver = driverChannel()) {
      Response.Rows users = (Response.Rows) call(driver, new Request.ReadSystemTable("USERS"));
      assertTrue(users.rows().isEmpty(), "nothing of a refused catalog applied");
    }
    assertServing();
  }

  /** MERIDIAN.SECURITY's count of frames the target refused from {@code region}'s link. */
  private static long refusedFrames(String region) throws Exception {
    try (PeerChannel driver = driverChannel()) {
      Response.Rows rows = (Response.Rows) call(driver, new Request.ReadSystemTable("SECURITY"));
      return rows.rows().stream().filter(r -> "refused_link_frames".equals(r[1])
          && region.equals(r[2])).mapToLong(r -> (Long) r[3]).sum();
    }
  }

  @Test
  void aStampAnHourAheadAppliesToItsRowButDoesNotDragTheClock() throws Exception {
    long now = System.currentTimeMillis();
    Stamp ahead = new Stamp(Stamp.hlc(now + HOUR, 0), Stamp.regionId(EU));
    try (PeerChannel link = link(EU)) {
      Response r = replicate(link, record(10L, Cell.of(0, ahead, 10L), Cell.of(1, ahead, "future"),
          Cell.of(2, ahead, 1L)));
      assertEquals(1, ((Response.Replicated) r).skewEvents(), r.toString());
    }
    assertEquals("future", name(10L), "the row holds what was sent");
    assertClockNearWallTime();
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("UPDATE acct SET name = 'local' WHERE id = 10"));
      s.executeUpdate("INSERT INTO acct VALUES (20, 'other', 1)");
    }
    assertEquals("local", name(10L), "a later local write stamps above what the row holds");
    assertClockNearWallTime();
  }

  @Test
  void stampsBeyondTheHardBoundAreRefusedAndThePeerStillWrites() throws Exception {
    long now = System.currentTimeMillis();
    Stamp twoDays = new Stamp(Stamp.hlc(now + 48 * HOUR, 0), Stamp.regionId(EU));
    Stamp largest = new Stamp(Long.MAX_VALUE, Stamp.regionId(EU));
    try (PeerChannel link = link(EU)) {
      for (Stamp s : List.of(twoDays, largest)) {
        Response r = replicate(link, record(11L, Cell.of(0, s, 11L), Cell.of(1, s, "doom")));
        assertEquals(SqlState.PROTOCOL_VIOLATION, ((Response.Error) r).state(), r.toString());
        Response tomb = replicate(link, new ChangeRecord(tableId, key(11L),
            RowFormat.encode(StoredRow.deleted(s))));
        assertEquals(SqlState.PROTOCOL_VIOLATION, ((Response.Error) tomb).state());
      }
      assertTrue(link.isOpen(), "a refused frame keeps the link: it does not advance");
    }
    assertEquals(null, name(11L));
    assertClockNearWallTime();
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("INSERT INTO acct VALUES (21, 'still', 1)"));
    }
    assertEquals("still", name(21L));
    awaitLog("more than a day ahead");
  }

  @Test
  void malformedFragmentsAreRefusedWhole() throws Exception {
    Stamp now = new Stamp(Stamp.hlc(System.currentTimeMillis(), 0), Stamp.regionId(EU));
    ChangeRecord good = record(13L, Cell.of(0, now, 13L), Cell.of(1, now, "fine"));
    List<ChangeRecord> bad = List.of(
        record(12L, Cell.of(0, now, 99L), Cell.of(1, now, "wrong key cell")),
        record(12L, Cell.of(0, now, 12L), Cell.of(1, now, "x".repeat(30))),
        record(12L, Cell.of(7, now, 1L)),
        record(12L, Cell.of(2, now, "not a number")),
        new ChangeRecord(tableId, new byte[] {1, 2, 3}, RowFormat.encode(StoredRow.deleted(now))),
        new ChangeRecord(tableId, key(12L), new byte[] {9, 9}));
    try (PeerChannel link = link(EU)) {
      for (ChangeRecord b : bad) {
        Response r = call(link, new Request.Replicate(EU, epoch(link), List.of(good, b)));
        // A column id beyond the catalog may be a column added in a region whose catalog has
        // not arrived yet: the frame is refused whole as well, as "exchange catalogs and
        // resend" (42703), and the sender's link holds the record until the catalogs agree.
        SqlState expected = b == bad.get(2) ? SqlState.UNDEFINED_COLUMN
            : SqlState.PROTOCOL_VIOLATION;
        assertEquals(expected, ((Response.Error) r).state(), r.toString());
      }
    }
    assertEquals(null, name(12L));
    assertEquals(null, name(13L), "a bad fragment refuses its whole frame");
    awaitLog("does not fit");
    assertServing();
  }

  // ---- helpers ----

  /** Waits until the target's log (copied from the process as it prints) holds a line. */
  private static void awaitLog(String text) {
    Deadline.await("'" + text + "' in the peer's log", WAIT,
        () -> target.logText().contains(text));
  }

  private static InetSocketAddress clientAddress() {
    return new InetSocketAddress("127.0.0.1", target.clientPort());
  }

  private static InetSocketAddress linkAddress() {
    return new InetSocketAddress("127.0.0.1", target.linkPort());
  }

  private static PeerChannel driverChannel() {
    return PeerConnector.connectOne(clientAddress(), TransportSettings.DEFAULTS, PortRole.DRIVER,
        "hostile");
  }

  /** A link connection that said hello as {@code region}. */
  private static PeerChannel link(String region) throws Exception {
    PeerChannel ch = PeerConnector.connectOne(linkAddress(), TransportSettings.DEFAULTS,
        PortRole.LINK, "hostile-link");
    assertInstanceOf(Response.LinkWelcome.class, call(ch, new Request.LinkHello(region)));
    return ch;
  }

  private static long epoch(PeerChannel link) throws Exception {
    return ((Response.LinkWelcome) call(link, new Request.LinkHello(EU))).epoch();
  }

  private static Response replicate(PeerChannel link, ChangeRecord record) throws Exception {
    return call(link, new Request.Replicate(EU, epoch(link), List.of(record)));
  }

  private static Response call(PeerChannel ch, Request r) throws Exception {
    return ch.call(r).get(30, TimeUnit.SECONDS);
  }

  private static byte[] key(long id) {
    return KeyBytes.encode(new Object[] {id});
  }

  private static ChangeRecord record(long id, Cell... cells) {
    return new ChangeRecord(tableId, key(id), RowFormat.encode(StoredRow.of(null, List.of(cells))));
  }

  /** The name of a row as the target region holds it, or null. */
  private static String name(long id) throws SQLException {
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(US));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM acct WHERE id = " + id)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static void assertClockNearWallTime() throws Exception {
    try (PeerChannel driver = driverChannel()) {
      Response.Pong pong = (Response.Pong) call(driver, new Request.Ping());
      long ahead = (pong.hlc() >> Stamp.LOGICAL_BITS) - System.currentTimeMillis();
      assertTrue(ahead < 60_000, "the peer's clock is " + ahead + " ms ahead of wall time");
    }
  }

  /** The attacked peer answers SQL, and replication with the genuine region still runs. */
  private static void assertServing() throws Exception {
    long id = 1_000 + System.nanoTime() % 1_000_000;
    try (Connection c = DriverManager.getConnection(regions.localJdbcUrl(EU));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPSERT INTO acct VALUES (" + id + ", 'from-eu', 1)");
    }
    Deadline.await("a write of " + EU + " replicated to " + US, WAIT, () -> {
      try {
        return "from-eu".equals(name(id));
      } catch (SQLException e) {
        return false;
      }
    });
    assertFalse(target.logText().contains("Exception in thread"));
  }
}
