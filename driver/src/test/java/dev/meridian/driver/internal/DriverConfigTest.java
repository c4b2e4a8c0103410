package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DriverConfigTest {

  private static DriverConfig config(String url, String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return DriverConfig.of(url, JdbcUrl.parse(url), p);
  }

  private static String error(String url, String... keyValues) {
    MeridianException e = assertThrows(MeridianException.class, () -> config(url, keyValues));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    return e.getMessage();
  }

  @Test
  void defaults() {
    DriverConfig c = config("jdbc:meridian://us-east-1=h;eu-west-1=g");
    assertEquals("us-east-1", c.homeRegion());
    assertEquals(List.of("us-east-1", "eu-west-1"), c.regions());
    assertEquals(5000, c.connectTimeoutMillis());
    assertEquals(0, c.networkTimeoutMillis());
    assertEquals(0, c.queryTimeoutSeconds());
    assertEquals(16 * 1024 * 1024, c.maxFrameBytes());
    assertEquals(1000, c.planCacheSize());
    assertEquals(DriverConfig.Consistency.SESSION, c.consistency());
    assertNull(c.user());
    assertNull(c.routing());
    assertEquals(1, c.peersPerRegion());
    assertEquals("0", c.wanLatencyMs());
  }

  @Test
  void embeddedRegionsDefaultToTheSingleRegion() {
    DriverConfig c = config("jdbc:meridian:mem:x?region=eu-west-1");
    assertEquals(List.of("eu-west-1"), c.regions());
    assertEquals("eu-west-1", c.homeRegion());
    assertEquals("x", c.clusterName());
  }

  @Test
  void embeddedHomeDefaultsToFirstRegion() {
    DriverConfig c = config("jdbc:meridian:mem:x?regions=a,b,c");
    assertEquals(List.of("a", "b", "c"), c.regions());
    assertEquals("a", c.homeRegion());
    assertEquals("b", config("jdbc:meridian:mem:x?regions=a,b,c&region=b").homeRegion());
  }

  @Test
  void embeddedOptionsArePassedThrough() {
    DriverConfig c = config("jdbc:meridian:mem:x?regions=a,b&peersPerRegion=3"
        + "&wanLatencyMs=a:b=80");
    assertEquals(Map.of("peersPerRegion", "3", "wanLatencyMs", "a:b=80"), c.embeddedOptions());
    assertEquals("120", config("jdbc:meridian:mem:x?region=a&wanLatencyMs=120").wanLatencyMs());
  }

  @Test
  void urlParameterWinsOverProperty() {
    DriverConfig c = config("jdbc:meridian://a=h;b=g/?region=b&connectTimeout=100",
        "region", "a", "connectTimeout", "200", "user", "u");
    assertEquals("b", c.homeRegion());
    assertEquals(100, c.connectTimeoutMillis());
    assertEquals("u", c.user());
  }

  @Test
  void propertiesAlone() {
    DriverConfig c = config("jdbc:meridian://a=h;b=g", "region", "b", "queryTimeout", "7",
        "consistency", "EVENTUAL", "password", "secret", "applicationName", "app");
    assertEquals("b", c.homeRegion());
    assertEquals(7, c.queryTimeoutSeconds());
    assertEquals(DriverConfig.Consistency.EVENTUAL, c.consistency());
    assertEquals("secret", c.password());
    assertEquals("app", c.applicationName());
    assertTrue(!c.toString().contains("secret"));
  }

  @Test
  void socketTimeoutIsAnAliasOfNetworkTimeout() {
    assertEquals(300, config("jdbc:meridian://a=h?socketTimeout=300").networkTimeoutMillis());
    assertEquals(300, config("jdbc:meridian://a=h?socketTimeout=300&networkTimeout=300")
        .networkTimeoutMillis());
    assertTrue(error("jdbc:meridian://a=h?socketTimeout=300&networkTimeout=200")
        .contains("disagree"));
  }

  @Test
  void urlHidesPassword() {
    DriverConfig c = config("jdbc:meridian://a=h?user=u&password=secret&region=a");
    assertEquals("jdbc:meridian://a=h?user=u&password=***&region=a", c.url());
  }

  @Test
  void unknownOptionNamesTheKeyAndListsValidOnes() {
    String m = error("jdbc:meridian://a=h?connectTimeOut=5");
    assertTrue(m.contains("unknown URL parameter 'connectTimeOut'"), m);
    assertTrue(m.contains("did you mean connectTimeout?"), m);
    assertTrue(m.contains("valid options are: region, regions, connectTimeout"), m);
    String p = error("jdbc:meridian://a=h", "colour", "red");
    assertTrue(p.contains("unknown property 'colour'"), p);
  }

  @Test
  void nonNumberTimeoutSaysWhichAndWhat() {
    String m = error("jdbc:meridian://a=h?connectTimeout=5s");
    assertTrue(m.contains("connectTimeout must be a whole number (ms) from 1 to 2147483647,"
        + " not '5s'"), m);
    String n = error("jdbc:meridian://a=h", "networkTimeout", "-1");
    assertTrue(n.contains("networkTimeout must be from 0 to 2147483647 (ms), not -1"), n);
    assertTrue(error("jdbc:meridian://a=h?maxFrameBytes=10").contains("maxFrameBytes"));
    assertTrue(error("jdbc:meridian://a=h?planCacheSize=x").contains("planCacheSize"));
    assertTrue(error("jdbc:meridian://a=h?queryTimeout=").contains("queryTimeout"));
  }

  @Test
  void badChoice() {
    assertTrue(error("jdbc:meridian://a=h?consistency=strong")
        .contains("consistency must be one of session, eventual, not 'strong'"));
  }

  @Test
  void homeRegionMustBeListed() {
    assertTrue(error("jdbc:meridian://a=h;b=g?region=c")
        .contains("home region 'c' is not one of the URL's regions (a, b)"));
    assertTrue(error("jdbc:meridian:mem:x?regions=a,b&region=c")
        .contains("home region 'c' is not one of the URL's regions (a, b)"));
  }

  @Test
  void embeddedNeedsRegions() {
    assertTrue(error("jdbc:meridian:mem:x").contains("needs its regions"));
  }

  @Test
  void badRegionLists() {
    assertTrue(error("jdbc:meridian:mem:x?regions=a,,b").contains("empty entry"));
    assertTrue(error("jdbc:meridian:mem:x?regions=a,a").contains("lists 'a' twice"));
    assertTrue(error("jdbc:meridian:mem:x?regions=a,b!").contains("'b!'"));
  }

  @Test
  void embeddedOnlyOptionsAreRefusedForRemoteUrls() {
    assertTrue(error("jdbc:meridian://a=h?regions=a,b")
        .contains("regions applies only to jdbc:meridian:mem: URLs"));
    assertTrue(error("jdbc:meridian://a=h", "peersPerRegion", "2")
        .contains("peersPerRegion applies only"));
    assertTrue(error("jdbc:meridian://a=h?wanLatencyMs=5").contains("wanLatencyMs applies only"));
  }

  @Test
  void embeddedOptionRanges() {
    assertTrue(error("jdbc:meridian:mem:x?region=a&peersPerRegion=0")
        .contains("peersPerRegion must be from 1 to 16"));
    assertTrue(error("jdbc:meridian:mem:x?regions=a,b&wanLatencyMs=a:c=5")
        .contains("names the region 'c'"));
    assertTrue(error("jdbc:meridian:mem:x?regions=a,b&wanLatencyMs=fast")
        .contains("must be milliseconds (80) or pairs"));
    assertTrue(error("jdbc:meridian:mem:x?regions=a,b&wanLatencyMs=a:b=-5")
        .contains("from 0 to 60000 ms"));
  }
}
