package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.driver.api.MeridianConnection;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.Request;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which failures move a statement to another region, and session reads, over fake regions that
 * share one fake store (so "replicated" at once). Each region's peer host is the region's name;
 * a region in {@link #unreachable} refuses connections, as a dead region does.
 */
class RegionRouterTest {
  static final String URL = "jdbc:meridian://us-east-1=us:1;eu-west-1=eu:1;ap-southeast-1=ap:1"
      + "/?region=us-east-1";

  final Fixture f = new Fixture();
  final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  /** Regions whose new channels accept requests and never answer (a silent partition). */
  final Set<String> silent = ConcurrentHashMap.newKeySet();
  final Map<String, List<FakeChannel>> opened = new ConcurrentHashMap<>();
  final Connector connector = new Connector(this::open, () -> null, size -> f.planner);
  final List<Connection> connections = new ArrayList<>();

  private synchronized PeerChannel open(List<InetSocketAddress> peers, int timeout, int frame) {
    String host = peers.get(0).getHostString();
    String region = host.equals("us") ? "us-east-1" : host.equals("eu") ? "eu-west-1"
        : "ap-southeast-1";
    if (unreachable.contains(region)) {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, region + " is down");
    }
    FakeChannel ch = new FakeChannel(f.peer, region, region + "-peer");
    if (silent.contains(region)) {
      ch.mode(FakeChannel.Mode.SILENT);
    }
    opened.computeIfAbsent(region, r -> new ArrayList<>()).add(ch);
    return ch;
  }

  Connection connect(String options) throws SQLException {
    Connection c = connector.connect(URL + options, new Properties());
    connections.add(c);
    return c;
  }

  /** The connection's own channel to a region (the prober opens others; they answer pings). */
  FakeChannel channelTo(String region) {
    return opened.get(region).get(0);
  }

  @BeforeEach
  void table() {
    f.peer.create(Fixture.kv());
  }

  @AfterEach
  void close() throws SQLException {
    for (Connection c : connections) {
      c.close();
    }
  }

  static void write(Connection c, String sql, long k, String v) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, k);
      ps.setString(2, v);
      ps.executeUpdate();
    }
  }

  static String read(Connection c, long k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_KV)) {
      ps.setLong(1, k);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static String served(Connection c) throws SQLException {
    return c.unwrap(MeridianConnection.class).servingRegion();
  }

  @Test
  void aDeadHomeSendsEveryStatementElsewhereEvenAnInsert() throws SQLException {
    unreachable.add("us-east-1");
    Connection c = connect("");
    write(c, Fixture.INSERT_KV, 1, "a");
    assertTrue(!served(c).equals("us-east-1"), served(c));
    assertEquals("a", read(c, 1));
  }

  @Test
  void anInsertWhoseConnectionBrokeAfterSendingIsNotSentAgain() throws SQLException {
    Connection c = connect("");
    write(c, Fixture.UPSERT_KV, 1, "a");
    channelTo("us-east-1").mode(FakeChannel.Mode.BREAK_ON_CALL);
    unreachable.add("us-east-1");
    f.peer.clearReceived();
    SQLException e = assertThrows(SQLException.class, () -> write(c, Fixture.INSERT_KV, 2, "b"));
    assertEquals("08006", e.getSQLState(), e.getMessage());
    assertTrue(e.getMessage().contains("may or may not have been applied"), e.getMessage());
    assertEquals(0, f.peer.count(Request.Write.class), "the insert was sent again");
    write(c, Fixture.INSERT_KV, 2, "b");
    assertTrue(!served(c).equals("us-east-1"), "the next statement goes elsewhere");
  }

  @Test
  void aWriteOverItsRegionsCapacityFailsRetryablyAndStaysHome() throws SQLException {
    Connection c = connect("");
    write(c, Fixture.UPSERT_KV, 1, "a");
    f.peer.clearReceived();
    f.peer.rowHook = row -> dev.meridian.protocol.wire.RowOutcome.failed(
        SqlState.CAPACITY_EXCEEDED, "table KV is over its write capacity; retry after 5 ms");
    SQLException e = assertThrows(SQLException.class, () -> write(c, Fixture.UPSERT_KV, 2, "b"));
    assertEquals("53M01", e.getSQLState(), e.getMessage());
    assertTrue(e instanceof java.sql.SQLTransientException, e.getClass().getName());
    // Another region would only move the load: sent once, home, and home stays healthy.
    assertEquals(1, f.peer.count(Request.Write.class), "the throttled write was sent again");
    assertEquals("us-east-1", served(c));
    f.peer.rowHook = null;
    write(c, Fixture.UPSERT_KV, 2, "b");
    assertEquals("us-east-1", served(c));
  }

  @Test
  void aReadOverItsRegionsCapacityFailsRetryablyAndDoesNotMoveOn() throws SQLException {
    Connection c = connect("");
    write(c, Fixture.UPSERT_KV, 1, "a");
    f.peer.clearReceived();
    f.peer.requestHook = (request, region) -> request instanceof Request.Get
        && region.equals("us-east-1") ? new dev.meridian.protocol.wire.Response.Error(
            SqlState.CAPACITY_EXCEEDED, "table KV is over its read capacity; retry after 5 ms")
        : null;
    SQLException e = assertThrows(SQLException.class, () -> read(c, 1));
    assertEquals("53M01", e.getSQLState(), e.getMessage());
    assertTrue(e instanceof java.sql.SQLTransientException, e.getClass().getName());
    assertEquals(1, f.peer.count(Request.Get.class), "the throttled read went elsewhere");
    f.peer.requestHook = null;
    assertEquals("a", read(c, 1));
    assertEquals("us-east-1", served(c));
  }

  @Test
  void anUpsertWhoseConnectionBrokeIsWrittenAgainInAnotherRegion() throws SQLException {
    Connection c = connect("");
    write(c, Fixture.UPSERT_KV, 1, "a");
    channelTo("us-east-1").mode(FakeChannel.Mode.BREAK_ON_CALL);
    unreachable.add("us-east-1");
    write(c, Fixture.UPSERT_KV, 1, "b");
    assertEquals("b", f.peer.row("KV", 1L)[1]);
    assertTrue(!served(c).equals("us-east-1"), served(c));
  }

  @Test
  void aHomeThatFallsSilentIsAbandonedByTheProberAndReadsMoveOn() throws Exception {
    Connection c = connect("");
    write(c, Fixture.UPSERT_KV, 1, "a");
    // Home stops answering without closing anything: a read waits there, with no network
    // timeout set, until the prober's pings fail twice and every channel to home is abandoned.
    silent.add("us-east-1");
    // Every channel to home, the prober's too: one the prober opened before would go on
    // answering its pings, and home would never be found silent.
    opened.get("us-east-1").forEach(ch -> ch.mode(FakeChannel.Mode.SILENT));
    f.peer.appliedThrough("eu-west-1", Map.of("us-east-1", 1L));
    f.peer.appliedThrough("ap-southeast-1", Map.of("us-east-1", 1L));
    java.util.concurrent.CompletableFuture<String> read =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return read(c, 1);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    assertEquals("a", read.get(30, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(!served(c).equals("us-east-1"), served(c));
  }

  @Test
  void routingLocalNeverLeavesHome() throws SQLException {
    Connection c = connect("&routing=local");
    write(c, Fixture.UPSERT_KV, 1, "a");
    channelTo("us-east-1").mode(FakeChannel.Mode.BREAK_ON_CALL);
    unreachable.add("us-east-1");
    SQLException e = assertThrows(SQLException.class, () -> read(c, 1));
    assertTrue(e.getSQLState().startsWith("08"), e.getSQLState());
    assertEquals(null, opened.get("eu-west-1"), "routing=local opened a channel to eu-west-1");
    unreachable.add("eu-west-1");
    SQLException refused = assertThrows(SQLException.class, () -> connect("&routing=local"));
    assertEquals("08001", refused.getSQLState());
  }

  @Test
  void aSessionReadWaitsForTheRegionToHoldItsWritesOrGoesWhereTheyAre() throws SQLException {
    Connection c = connect("&sessionWaitMs=0");
    write(c, Fixture.UPSERT_KV, 1, "a");
    MeridianConnection m = c.unwrap(MeridianConnection.class);
    assertTrue(m.sessionToken().startsWith("us-east-1:"), m.sessionToken());
    // Home dies; the other regions say they hold none of its writes yet.
    homeDiesBeforeItsLinksReport();
    SQLException e = assertThrows(SQLException.class, () -> read(c, 1));
    assertEquals("57M01", e.getSQLState(), e.getMessage());
    assertTrue(e.getMessage().contains("us-east-1"), e.getMessage());
    // ap-southeast-1 catches up: the read goes there.
    f.peer.appliedThrough("ap-southeast-1", Map.of("us-east-1", 1L));
    assertEquals("a", read(c, 1));
    assertEquals("ap-southeast-1", served(c));
  }

  @Test
  void aRegionThatShowsTheListedWritesServesTheReadAlthoughItsFiguresLag() throws SQLException {
    Connection c = connect("&sessionWaitMs=0");
    write(c, Fixture.UPSERT_KV, 1, "a");
    write(c, Fixture.UPSERT_KV, 2, "b");
    write(c, Fixture.UPSERT_KV, 1, "c");
    homeDiesBeforeItsLinksReport();
    f.peer.showsRows.add("ap-southeast-1");
    assertEquals("c", read(c, 1));
    assertEquals("ap-southeast-1", served(c));
    Request.AwaitRows asked = f.peer.awaitedRows.get(f.peer.awaitedRows.size() - 1);
    // Key 1's second write covers its first: two rows listed, nothing below a floor.
    assertEquals(2, asked.rows().size(), asked.toString());
    assertEquals(Map.of("us-east-1", 0L), asked.floors());
    long asks = f.peer.awaited.stream().filter("ap-southeast-1"::equals).count();
    assertEquals("b", read(c, 2));
    assertEquals(asks, f.peer.awaited.stream().filter("ap-southeast-1"::equals).count(),
        "a region that showed the writes is not asked again " + f.peer.awaited);
  }

  @Test
  void aWriteThatDiedWithItsRegionFailsOnlyTheReadsOfItsRow() throws SQLException {
    Connection c = connect("&sessionWaitMs=0");
    write(c, Fixture.UPSERT_KV, 1, "a");
    write(c, Fixture.UPSERT_KV, 2, "b");
    homeDiesBeforeItsLinksReport();
    f.peer.showsRows.add("eu-west-1");
    f.peer.showsRows.add("ap-southeast-1");
    f.peer.lostRows.add(2L);
    SQLException e = assertThrows(SQLException.class, () -> read(c, 2));
    assertEquals("57M01", e.getSQLState(), e.getMessage());
    assertEquals("a", read(c, 1));
    assertEquals(null, read(c, 3));
  }

  @Test
  void writesBeyondTheListRelyOnTheFiguresAloneForTheirOwnRows() throws SQLException {
    Connection c = connect("&sessionWaitMs=0&sessionRecentWrites=2");
    for (int k = 1; k <= 3; k++) {
      write(c, Fixture.UPSERT_KV, k, "v" + k);
    }
    homeDiesBeforeItsLinksReport();
    f.peer.showsRows.add("eu-west-1");
    f.peer.showsRows.add("ap-southeast-1");
    // The first write fell off the list: no region's figures vouch for it, so its row fails.
    SQLException e = assertThrows(SQLException.class, () -> read(c, 1));
    assertEquals("57M01", e.getSQLState(), e.getMessage());
    Request.AwaitRows full = f.peer.awaitedRows.get(0);
    assertEquals(2, full.rows().size());
    assertTrue(full.floors().get("us-east-1") > 0, full.floors().toString());
    // Rows whose writes are all listed read: the dropped write was of another row.
    assertEquals("v3", read(c, 3));
    Request.AwaitRows own = f.peer.awaitedRows.get(f.peer.awaitedRows.size() - 1);
    assertEquals(1, own.rows().size());
    assertEquals(0L, own.floors().get("us-east-1"));
  }

  /** Home dies; the other regions' figures hold none of its writes yet. */
  void homeDiesBeforeItsLinksReport() {
    channelTo("us-east-1").mode(FakeChannel.Mode.BREAK_ON_CALL);
    unreachable.add("us-east-1");
    f.peer.appliedThrough("eu-west-1", Map.of("us-east-1", 0L));
    f.peer.appliedThrough("ap-southeast-1", Map.of("us-east-1", 0L));
  }

  @Test
  void anEventualReadDoesNotAsk() throws SQLException {
    Connection c = connect("&consistency=eventual");
    write(c, Fixture.UPSERT_KV, 1, "a");
    homeDiesBeforeItsLinksReport();
    assertEquals("a", read(c, 1));
    assertEquals(List.of(), f.peer.awaited);
  }

  @Test
  void theSessionTokenTravelsBetweenConnections() throws SQLException {
    Connection a = connect("");
    write(a, Fixture.UPSERT_KV, 1, "a");
    String token = a.unwrap(MeridianConnection.class).sessionToken();
    Connection b = connect("");
    MeridianConnection mb = b.unwrap(MeridianConnection.class);
    assertEquals("", mb.sessionToken());
    mb.setSessionToken(token);
    assertEquals(token, mb.sessionToken());
    SQLException bad = assertThrows(SQLException.class, () -> mb.setSessionToken("mars-1:5"));
    assertEquals("22023", bad.getSQLState());
    assertTrue(bad.getMessage().contains("mars-1"), bad.getMessage());
    assertThrows(SQLException.class, () -> mb.setSessionToken("us-east-1:x"));
    mb.setSessionToken("");
    assertEquals("", mb.sessionToken());
  }
}
