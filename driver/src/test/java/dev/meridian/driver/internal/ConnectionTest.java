package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.driver.api.MeridianConnection;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionTest {
  Fixture f;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    f = new Fixture();
    f.peer.create(Fixture.kv());
    c = f.connect();
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
  }

  private void put(long k, String v) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.UPSERT_KV)) {
      ps.setLong(1, k);
      ps.setString(2, v);
      ps.executeUpdate();
    }
  }

  private String get(long k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Fixture.SELECT_KV)) {
      ps.setLong(1, k);
      ResultSet rs = ps.executeQuery();
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void everyMethodFailsWith08003AfterClose() throws SQLException {
    Statement s = c.createStatement();
    ResultSet rs = s.executeQuery(Fixture.CONSTANT);
    PreparedStatement ps = c.prepareStatement(Fixture.SELECT_KV);
    java.sql.DatabaseMetaData md = c.getMetaData();
    c.close();
    c.close();
    assertTrue(c.isClosed());
    assertFalse(c.isValid(1));
    assertFalse(f.channel(0).isOpen());
    List<org.junit.jupiter.api.function.Executable> calls = List.of(
        c::createStatement, () -> c.prepareStatement(Fixture.SELECT_KV), c::getMetaData,
        () -> c.setAutoCommit(true), c::getAutoCommit, c::commit, c::rollback, c::isReadOnly,
        () -> c.setReadOnly(true), c::getNetworkTimeout, c::getWarnings, c::getHoldability,
        c::getTransactionIsolation, () -> c.nativeSQL("x"), c::getSchema, c::getCatalog,
        () -> c.unwrap(MeridianConnection.class).homeRegion(), () -> s.executeQuery("x"),
        ps::executeQuery, () -> ps.setLong(1, 1), rs::next,
        () -> md.getTables(null, null, null, null), md::getDatabaseProductName);
    for (org.junit.jupiter.api.function.Executable call : calls) {
      SQLException e = assertThrows(SQLException.class, call);
      assertEquals("08003", e.getSQLState(), e.getMessage());
    }
  }

  @Test
  void commitAndRollbackNeedAutocommitOff() throws SQLException {
    assertTrue(c.getAutoCommit());
    c.setAutoCommit(true);
    assertEquals("25000", assertThrows(SQLException.class, c::commit).getSQLState());
    assertEquals("25000", assertThrows(SQLException.class, c::rollback).getSQLState());
    assertThrows(SQLFeatureNotSupportedException.class, c::setSavepoint);
  }

  @Test
  void readOnlyRefusesWrites() throws SQLException {
    put(1, "a");
    c.setReadOnly(true);
    assertTrue(c.isReadOnly());
    SQLException e = assertThrows(SQLException.class, () -> put(2, "b"));
    assertEquals("25006", e.getSQLState());
    assertTrue(e.getMessage().contains("read-only: UPSERT is refused"));
    assertEquals("25006", assertThrows(SQLException.class,
        () -> c.createStatement().executeUpdate(Fixture.CREATE_ALL)).getSQLState());
    assertEquals("a", get(1));
    c.setReadOnly(false);
    put(2, "b");
    assertEquals("b", get(2));
  }

  @Test
  void statementOptions() throws SQLException {
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY));
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> c.prepareStatement(Fixture.SELECT_KV, ResultSet.TYPE_FORWARD_ONLY,
            ResultSet.CONCUR_UPDATABLE));
    assertEquals("22023", assertThrows(SQLException.class, () -> c.createStatement(
        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, 99)).getSQLState());
    c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY,
        ResultSet.CLOSE_CURSORS_AT_COMMIT).close();
    c.prepareStatement(Fixture.SELECT_KV, Statement.NO_GENERATED_KEYS).close();
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> c.prepareStatement(Fixture.SELECT_KV, new String[] {"K"}));
    assertThrows(SQLFeatureNotSupportedException.class, () -> c.prepareCall("{call x}"));
    assertThrows(SQLFeatureNotSupportedException.class, c::createBlob);
    assertEquals("SELECT 1", c.nativeSQL("SELECT 1"));
    c.setCatalog("ignored");
    assertNull(c.getCatalog());
    c.setSchema("ignored");
    assertNull(c.getSchema());
    c.setClientInfo("ApplicationName", "app");
    assertEquals("app", c.getClientInfo("ApplicationName"));
    assertEquals(ResultSet.HOLD_CURSORS_OVER_COMMIT, c.getHoldability());
    assertTrue(c.getTypeMap().isEmpty());
  }

  @Test
  void unwrapsToTheMeridianInterface() throws SQLException {
    assertTrue(c.isWrapperFor(MeridianConnection.class));
    MeridianConnection m = c.unwrap(MeridianConnection.class);
    assertEquals("us-east-1", m.homeRegion());
    assertEquals("us-east-1", m.servingRegion());
    assertEquals("peer-1", m.servingPeer());
    assertEquals("22023", assertThrows(SQLException.class, () -> c.unwrap(String.class))
        .getSQLState());
    assertEquals(List.of(InetSocketAddress.createUnresolved("h1", 7400),
        InetSocketAddress.createUnresolved("h2", 7401)), f.dialed.get(0),
        "only the home region's peers are dialed");
  }

  @Test
  void isValidPingsAndFailsWhenNoPeerAnswers() throws SQLException {
    assertTrue(c.isValid(1));
    assertTrue(f.peer.count(Request.Ping.class) >= 1);
    assertEquals("22023", assertThrows(SQLException.class, () -> c.isValid(-1)).getSQLState());
    Fixture g = new Fixture();
    Connector failing = new Connector((peers, t, m) -> {
      if (!g.opened.isEmpty()) {
        throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "nobody home");
      }
      return g.open(peers, t, m);
    }, () -> null, size -> g.planner);
    Connection d = failing.connect(Fixture.URL, null);
    g.channel(0).breakNow();
    assertFalse(d.isValid(1));
    SQLNonTransientConnectionException e = assertThrows(
        SQLNonTransientConnectionException.class, () -> d.createStatement().executeQuery(
            Fixture.CONSTANT));
    assertEquals("08001", e.getSQLState());
    assertNull(d.unwrap(MeridianConnection.class).servingPeer());
  }

  @Test
  void brokenChannelIsReopenedToTheNextPeerByTheNextStatement() throws SQLException {
    put(1, "a");
    f.channel(0).breakNow();
    assertNull(c.unwrap(MeridianConnection.class).servingPeer());
    assertEquals("a", get(1));
    assertEquals("peer-2", c.unwrap(MeridianConnection.class).servingPeer());
    assertEquals(List.of(InetSocketAddress.createUnresolved("h2", 7401),
        InetSocketAddress.createUnresolved("h1", 7400)), f.dialed.get(1),
        "the next attempt starts at the next peer");
  }

  @Test
  void aReadWhoseConnectionBrokeIsRetriedOnceOnANewOne() throws SQLException {
    put(1, "a");
    f.channel(0).mode(FakeChannel.Mode.BREAK_ON_CALL);
    f.peer.clearReceived();
    assertEquals("a", get(1));
    assertEquals(2, f.opened.size());
    assertEquals(1, f.peer.count(Request.Get.class), "the broken channel never reached a peer");
  }

  @Test
  void aWriteWhoseConnectionBrokeIsNotRetried() throws SQLException {
    put(1, "a");
    f.channel(0).mode(FakeChannel.Mode.BREAK_ON_CALL);
    f.peer.clearReceived();
    SQLTransientConnectionException e = assertThrows(SQLTransientConnectionException.class,
        () -> put(2, "b"));
    assertEquals("08006", e.getSQLState());
    assertTrue(e.getMessage().contains("the write may or may not have been applied"),
        e.getMessage());
    assertEquals(0, f.peer.count(Request.Write.class));
    assertNull(f.peer.row("KV", 2L));
    put(2, "b");
    assertEquals("b", get(2), "the next statement reconnects");
  }

  @Test
  void networkTimeoutDropsTheChannelAndFailsWithHyt00() throws SQLException {
    put(1, "a");
    c.setNetworkTimeout(null, 50);
    assertEquals(50, c.getNetworkTimeout());
    f.channel(0).mode(FakeChannel.Mode.SILENT);
    SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> get(1));
    assertEquals("HYT00", e.getSQLState());
    assertTrue(e.getMessage().contains("peer peer-1 of region us-east-1 did not answer within"
        + " the network timeout of 50 ms"), e.getMessage());
    assertFalse(f.channel(0).isOpen());
    assertEquals("a", get(1));
    assertEquals("22023", assertThrows(SQLException.class, () -> c.setNetworkTimeout(null, -1))
        .getSQLState());
  }

  @Test
  void queryTimeoutFailsWithHyt00() throws SQLException {
    put(1, "a");
    try (PreparedStatement ps = c.prepareStatement(Fixture.UPSERT_KV)) {
      ps.setQueryTimeout(1);
      assertEquals(1, ps.getQueryTimeout());
      ps.setLong(1, 2);
      ps.setString(2, "b");
      f.channel(0).mode(FakeChannel.Mode.SILENT);
      SQLTimeoutException e = assertThrows(SQLTimeoutException.class, ps::executeUpdate);
      assertEquals("HYT00", e.getSQLState());
      assertEquals("UPSERT into KV failed: [HYT00] the statement did not finish within its query"
          + " timeout of 1 s; the write may or may not have been applied", e.getMessage());
    }
    assertTrue(f.channel(0).isOpen(), "a query timeout keeps the connection");
  }

  @Test
  void queryTimeoutDefaultComesFromTheOptions() throws SQLException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("queryTimeout", "9");
    p.setProperty("networkTimeout", "1234");
    try (Connection d = f.connect(p)) {
      assertEquals(9, d.createStatement().getQueryTimeout());
      assertEquals(1234, d.getNetworkTimeout());
    }
  }

  @Test
  void cancelStopsAWaitingStatement() throws Exception {
    put(1, "a");
    FakeChannel ch = f.channel(0);
    PreparedStatement ps = c.prepareStatement(Fixture.SELECT_KV);
    ps.setLong(1, 1);
    ch.mode(FakeChannel.Mode.SILENT);
    ch.calls.drainPermits();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<ResultSet> running = pool.submit(() -> ps.executeQuery());
      assertTrue(ch.calls.tryAcquire(10, TimeUnit.SECONDS), "the read was sent");
      ps.cancel();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> running.get(10, TimeUnit.SECONDS));
      SQLTransientException cancelled = (SQLTransientException) e.getCause();
      assertEquals("57014", cancelled.getSQLState());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTableRecreatedElsewhereIsFoundByReloadingTheCatalog() throws SQLException {
    put(1, "a");
    PreparedStatement read = c.prepareStatement(Fixture.SELECT_KV);
    f.peer.drop("KV");
    long id = f.peer.create(Fixture.kv()).tableId();
    f.peer.handle(new Request.Write(id, WriteKind.UPSERT, List.of(
        new RowWrite(new Object[] {1L}, new int[] {1}, new Object[] {"fresh"}))), "r", "p");
    long catalogs = f.peer.count(Request.GetCatalog.class);
    long gets = f.peer.count(Request.Get.class);
    read.setLong(1, 1);
    ResultSet rs = read.executeQuery();
    assertTrue(rs.next());
    assertEquals("fresh", rs.getString(1));
    assertEquals(catalogs + 1, f.peer.count(Request.GetCatalog.class));
    assertEquals(gets + 2, f.peer.count(Request.Get.class), "one refused, one after reloading");
  }

  @Test
  void aTableCreatedElsewhereIsFoundByReloadingTheCatalog() throws SQLException {
    c.createStatement().executeQuery(Fixture.CONSTANT);
    f.peer.create(Fixture.allTypes());
    try (PreparedStatement ps = c.prepareStatement(Fixture.DELETE_ALL)) {
      ps.setLong(1, 1);
      assertEquals(0, ps.executeUpdate());
    }
  }

  @Test
  void databaseMetaData() throws SQLException {
    c.createStatement().executeUpdate(Fixture.CREATE_ALL);
    java.sql.DatabaseMetaData md = c.getMetaData();
    assertEquals("Meridian", md.getDatabaseProductName());
    assertEquals("\"", md.getIdentifierQuoteString());
    assertTrue(md.supportsTransactions());
    assertTrue(md.supportsBatchUpdates());
    assertTrue(md.storesUpperCaseIdentifiers());
    assertEquals(Fixture.URL, md.getURL());
    assertSame(c, md.getConnection());
    assertTrue(md.supportsResultSetType(ResultSet.TYPE_FORWARD_ONLY));
    assertFalse(md.supportsResultSetType(ResultSet.TYPE_SCROLL_INSENSITIVE));
    ResultSet tables = md.getTables(null, null, "%", new String[] {"TABLE"});
    assertTrue(tables.next());
    assertEquals("ALL_TYPES", tables.getString("TABLE_NAME"));
    assertEquals("TABLE", tables.getString("TABLE_TYPE"));
    assertNull(tables.getString("TABLE_SCHEM"));
    assertTrue(tables.next());
    assertEquals("KV", tables.getString(3));
    assertFalse(tables.next());
    assertFalse(md.getTables(null, "PUBLIC", null, null).next(), "there are no schemas");
    assertFalse(md.getTables(null, null, "KV_", null).next());
    assertTrue(md.getTables(null, null, "K%", null).next());
    ResultSet cols = md.getColumns(null, null, "ALL\\_TYPES", "C_DEC%");
    assertTrue(cols.next());
    assertEquals("C_DECIMAL", cols.getString("COLUMN_NAME"));
    assertEquals(java.sql.Types.DECIMAL, cols.getInt("DATA_TYPE"));
    assertEquals("DECIMAL", cols.getString("TYPE_NAME"));
    assertEquals(10, cols.getInt("COLUMN_SIZE"));
    assertEquals(2, cols.getInt("DECIMAL_DIGITS"));
    assertEquals(10, cols.getInt("ORDINAL_POSITION"));
    assertEquals("YES", cols.getString("IS_NULLABLE"));
    assertFalse(cols.next());
    assertEquals(24, cols.getMetaData().getColumnCount());
    ResultSet pk = md.getPrimaryKeys(null, null, "KV");
    assertTrue(pk.next());
    assertEquals("K", pk.getString("COLUMN_NAME"));
    assertEquals(1, pk.getShort("KEY_SEQ"));
    assertFalse(pk.next());
    ResultSet types = md.getTypeInfo();
    int n = 0;
    int last = Integer.MIN_VALUE;
    while (types.next()) {
      n++;
      assertTrue(types.getInt("DATA_TYPE") >= last, "ordered by DATA_TYPE");
      last = types.getInt("DATA_TYPE");
    }
    assertEquals(14, n);
    ResultSet schemas = md.getSchemas();
    assertTrue(schemas.next());
    assertEquals("MERIDIAN", schemas.getString("TABLE_SCHEM"));
    assertFalse(schemas.next(), "user tables have no schema; MERIDIAN holds the system tables");
    assertFalse(md.getCatalogs().next());
    assertFalse(md.getImportedKeys(null, null, "KV").next());
    ResultSet tt = md.getTableTypes();
    assertTrue(tt.next());
    assertEquals("SYSTEM TABLE", tt.getString(1));
    assertTrue(tt.next());
    assertEquals("TABLE", tt.getString(1));
    assertFalse(tt.next());
    assertTrue(md.getIndexInfo(null, null, "KV", true, false).next());
    SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
        () -> md.getVersionColumns(null, null, "KV"));
    assertEquals("DatabaseMetaData.getVersionColumns is not supported by Meridian",
        e.getMessage());
  }

  @Test
  void embeddedUrlsStartTheRegionsAndDialTheHomeOnes() throws SQLException {
    Fixture g = new Fixture();
    List<Object> started = new java.util.ArrayList<>();
    InetSocketAddress home = new InetSocketAddress("127.0.0.1", 7501);
    dev.meridian.protocol.spi.EmbeddedRegions regions =
        new dev.meridian.protocol.spi.EmbeddedRegions() {
          @Override
          public java.util.Map<String, List<InetSocketAddress>> start(String name,
              List<String> names, java.util.Map<String, String> options) {
            started.add(name);
            started.add(names);
            started.add(options);
            return java.util.Map.of("a", List.of(new InetSocketAddress("127.0.0.1", 7500)),
                "b", List.of(home));
          }

          @Override
          public void stop(String name) {}
        };
    Connector connector = new Connector(g::open, () -> regions, size -> g.planner);
    try (Connection d = connector.connect("jdbc:meridian:mem:demo?regions=a,b&region=b"
        + "&peersPerRegion=2", null)) {
      assertEquals(List.of("demo", List.of("a", "b"),
          java.util.Map.of("peersPerRegion", "2", "wanLatencyMs", "0")), started);
      assertEquals(List.of(home), g.dialed.get(0));
      assertEquals("b", d.unwrap(MeridianConnection.class).homeRegion());
    }
    Connector none = new Connector(g::open, () -> null, size -> g.planner);
    SQLNonTransientConnectionException e = assertThrows(SQLNonTransientConnectionException.class,
        () -> none.connect("jdbc:meridian:mem:demo?region=a", null));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("add dev.meridian:meridian-peer to the class path"));
  }

  @Test
  void plannersAreSharedPerCacheSize() {
    List<Long> made = new java.util.ArrayList<>();
    Connector connector = new Connector(f::open, () -> null, size -> {
      made.add(size);
      return f.planner;
    });
    assertSame(connector.planner(1000), connector.planner(1000));
    connector.planner(5);
    assertEquals(List.of(1000L, 5L), made);
  }

  @Test
  void connectFailuresAre08001() {
    Connector dead = new Connector((peers, t, m) -> {
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "no peer at " + peers);
    }, () -> null, size -> f.planner);
    SQLNonTransientConnectionException e = assertThrows(SQLNonTransientConnectionException.class,
        () -> dead.connect(Fixture.URL, null));
    assertEquals("08001", e.getSQLState());
    assertEquals("22023", assertThrows(SQLException.class,
        () -> dead.connect("jdbc:meridian://a=h?nope=1", null)).getSQLState());
  }
}
