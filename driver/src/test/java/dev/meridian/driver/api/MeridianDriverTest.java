package dev.meridian.driver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MeridianDriverTest {
  final MeridianDriver driver = new MeridianDriver();

  @Test
  void acceptsOnlyMeridianUrls() {
    assertTrue(driver.acceptsURL("jdbc:meridian:mem:x?region=a"));
    assertTrue(driver.acceptsURL("jdbc:meridian://a=h:7400/?region=a"));
    assertFalse(driver.acceptsURL("jdbc:h2:mem:x"));
    assertFalse(driver.acceptsURL(null));
  }

  @Test
  void connectReturnsNullForOtherUrls() throws SQLException {
    assertNull(driver.connect("jdbc:h2:mem:x", new Properties()));
  }

  @Test
  void registeredWithDriverManager() throws SQLException {
    assertInstanceOf(MeridianDriver.class, DriverManager.getDriver("jdbc:meridian:mem:x"));
  }

  @Test
  void identity() {
    assertEquals(0, driver.getMajorVersion());
    assertEquals(1, driver.getMinorVersion());
    assertFalse(driver.jdbcCompliant());
    assertEquals("dev.meridian.driver", driver.getParentLogger().getName());
  }

  @Test
  void propertyInfoListsEveryOptionWithTheUrlWinning() throws SQLException {
    Properties p = new Properties();
    p.setProperty("connectTimeout", "100");
    p.setProperty("region", "a");
    p.setProperty("password", "secret");
    p.setProperty("somethingElse", "x");
    DriverPropertyInfo[] infos = driver.getPropertyInfo(
        "jdbc:meridian://a=h;b=g/?region=b&user=u", p);
    assertEquals(MeridianProperty.values().length, infos.length);
    Map<String, DriverPropertyInfo> byKey = new HashMap<>();
    for (DriverPropertyInfo i : infos) {
      byKey.put(i.name, i);
      assertFalse(i.description.isEmpty(), i.name);
      assertFalse(i.required, i.name);
    }
    assertEquals("b", byKey.get("region").value, "the URL wins");
    assertEquals("100", byKey.get("connectTimeout").value);
    assertEquals("u", byKey.get("user").value);
    assertNull(byKey.get("password").value, "the password is never echoed");
    assertEquals("5000", driver.getPropertyInfo("jdbc:meridian://a=h", null)[2].value);
    assertEquals("1000", byKey.get("planCacheSize").value);
    assertEquals("16777216", byKey.get("maxFrameBytes").value);
    assertEquals(Arrays.asList("session", "eventual"),
        Arrays.asList(byKey.get("consistency").choices));
    assertTrue(byKey.get("connectTimeout").description.endsWith("(ms)"));
  }

  @Test
  void propertyInfoOfAMalformedUrl() {
    SQLException e = assertThrows(SQLDataException.class,
        () -> driver.getPropertyInfo("jdbc:meridian://", null));
    assertEquals("22023", e.getSQLState());
  }

  @Test
  void malformedUrlsFailWith22023() {
    SQLException e = assertThrows(SQLDataException.class,
        () -> driver.connect("jdbc:meridian://a=h:99999", null));
    assertTrue(e.getMessage().contains("port 99999"), e.getMessage());
  }

  @Test
  void embeddedUrlsNeedThePeerArtifact() {
    SQLNonTransientConnectionException e = assertThrows(SQLNonTransientConnectionException.class,
        () -> DriverManager.getConnection("jdbc:meridian:mem:t?region=a"));
    assertEquals("08001", e.getSQLState());
    assertEquals("no embedded regions are available: add dev.meridian:meridian-peer to the class"
        + " path for jdbc:meridian:mem: URLs", e.getMessage());
  }

  @Test
  void markdownTableListsEveryOption() {
    String table = MeridianProperty.markdownTable();
    assertTrue(table.startsWith("| option | type | default | description |\n| --- |"));
    for (MeridianProperty p : MeridianProperty.values()) {
      assertTrue(table.contains("| `" + p.key() + "` |"), p.key());
    }
    assertTrue(table.contains("| `connectTimeout` | integer (ms), 1..2147483647 | `5000` |"));
    assertTrue(table.contains("| `consistency` | session \\| eventual | `session` |"));
    assertEquals(MeridianProperty.values().length + 2, table.split("\n").length);
  }

  @Test
  void propertyLookup() {
    assertEquals(MeridianProperty.CONNECT_TIMEOUT, MeridianProperty.forKey("connectTimeout"));
    assertNull(MeridianProperty.forKey("connecttimeout"));
    assertTrue(MeridianProperty.PASSWORD.secret());
    assertTrue(MeridianProperty.PEERS_PER_REGION.embeddedOnly());
    assertTrue(MeridianProperty.keys().startsWith("region, regions, connectTimeout"));
  }
}
