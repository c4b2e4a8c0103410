package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlTest {

  private static InetSocketAddress addr(String host, int port) {
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static String error(String url) {
    MeridianException e = assertThrows(MeridianException.class, () -> JdbcUrl.parse(url));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    return e.getMessage();
  }

  @Test
  void acceptsOnlyMeridianUrls() {
    assertTrue(JdbcUrl.accepts("jdbc:meridian:mem:x"));
    assertTrue(JdbcUrl.accepts("jdbc:meridian://a=h"));
    assertTrue(JdbcUrl.accepts("jdbc:meridian:"));
    assertFalse(JdbcUrl.accepts("jdbc:postgresql://h/db"));
    assertFalse(JdbcUrl.accepts("jdbc:Meridian:mem:x"));
    assertFalse(JdbcUrl.accepts(null));
  }

  @Test
  void embeddedWithRegionsAndParameters() {
    JdbcUrl u = JdbcUrl.parse(
        "jdbc:meridian:mem:demo?regions=us-east-1,eu-west-1&region=eu-west-1&wanLatencyMs=80");
    assertEquals(JdbcUrl.Mode.EMBEDDED, u.mode());
    assertEquals("demo", u.name());
    assertTrue(u.peers().isEmpty());
    assertEquals(Map.of("regions", "us-east-1,eu-west-1", "region", "eu-west-1",
        "wanLatencyMs", "80"), u.parameters());
    assertEquals(List.of("regions", "region", "wanLatencyMs"),
        List.copyOf(u.parameters().keySet()));
  }

  @Test
  void embeddedWithoutParameters() {
    JdbcUrl u = JdbcUrl.parse("jdbc:meridian:mem:a.b_c-1");
    assertEquals("a.b_c-1", u.name());
    assertTrue(u.parameters().isEmpty());
    assertTrue(JdbcUrl.parse("jdbc:meridian:mem:x?").parameters().isEmpty());
  }

  @Test
  void remoteWithSeveralRegionsAndPeers() {
    JdbcUrl u = JdbcUrl.parse("jdbc:meridian://us-east-1=h1:7401,h2;eu-west-1=10.0.0.5:9000"
        + "/?region=eu-west-1&connectTimeout=100");
    assertEquals(JdbcUrl.Mode.REMOTE, u.mode());
    assertNull(u.name());
    assertEquals(List.of("us-east-1", "eu-west-1"), List.copyOf(u.peers().keySet()));
    assertEquals(List.of(addr("h1", 7401), addr("h2", 7400)), u.peers().get("us-east-1"));
    assertEquals(List.of(addr("10.0.0.5", 9000)), u.peers().get("eu-west-1"));
    assertEquals(Map.of("region", "eu-west-1", "connectTimeout", "100"), u.parameters());
    assertTrue(u.peers().get("us-east-1").get(0).isUnresolved());
  }

  @Test
  void remoteIpv6() {
    JdbcUrl u = JdbcUrl.parse("jdbc:meridian://r=[::1]:7401,[fe80::1%eth0],[2001:db8::7]/");
    assertEquals(List.of(addr("::1", 7401), addr("fe80::1%eth0", 7400),
        addr("2001:db8::7", 7400)), u.peers().get("r"));
  }

  @Test
  void remoteSlashAndQueryAreOptional() {
    assertEquals(List.of(addr("h", 7400)), JdbcUrl.parse("jdbc:meridian://r=h").peers().get("r"));
    assertEquals(Map.of("region", "r"),
        JdbcUrl.parse("jdbc:meridian://r=h?region=r").parameters());
    assertEquals(Map.of("region", "r"),
        JdbcUrl.parse("jdbc:meridian://r=h/?region=r").parameters());
    assertTrue(JdbcUrl.parse("jdbc:meridian://r=h/").parameters().isEmpty());
  }

  @Test
  void percentDecodesKeysAndValuesButKeepsPlus() {
    JdbcUrl u = JdbcUrl.parse("jdbc:meridian:mem:x?password=p%26s%3Dw%25rd+x&user=J%C3%BCrgen"
        + "&applicationName=a%20b");
    assertEquals("p&s=w%rd+x", u.parameters().get("password"));
    assertEquals("Jürgen", u.parameters().get("user"));
    assertEquals("a b", u.parameters().get("applicationName"));
    assertEquals("v", JdbcUrl.parse("jdbc:meridian:mem:x?%72egion=v").parameters().get("region"));
  }

  @Test
  void valueMayContainEquals() {
    assertEquals("a:b=80,a:c=90",
        JdbcUrl.parse("jdbc:meridian:mem:x?wanLatencyMs=a:b=80,a:c=90").parameters()
            .get("wanLatencyMs"));
  }

  @Test
  void emptyParameterPiecesAreSkipped() {
    assertEquals(Map.of("a", "1", "b", "2"),
        JdbcUrl.parse("jdbc:meridian:mem:x?a=1&&b=2&").parameters());
    assertEquals("", JdbcUrl.parse("jdbc:meridian:mem:x?a=").parameters().get("a"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "jdbc:meridian:mem:|embedded cluster name is missing",
      "jdbc:meridian:mem:?region=a|embedded cluster name is missing",
      "jdbc:meridian:mem:a b|may contain only letters",
      "jdbc:meridian:mem:x?region|'region' has no value: write region=<value>",
      "jdbc:meridian:mem:x?=v|has no name",
      "jdbc:meridian:mem:x?a=1&a=2|'a' is given twice",
      "jdbc:meridian:mem:x?a=%zz|malformed percent-escape '%zz' in the value of 'a'",
      "jdbc:meridian:mem:x?a=%4|truncated percent-escape '%4'",
      "jdbc:meridian:mem:x?a=%C3|not valid UTF-8",
      "jdbc:meridian:x|neither an embedded nor a remote",
      "jdbc:meridian:|neither an embedded nor a remote",
      "jdbc:meridian://|lists no region",
      "jdbc:meridian:///?region=a|lists no region",
      "jdbc:meridian://h1:7400|names no region: write <region>=<host>:<port>",
      "jdbc:meridian://a=|region 'a' has no peers",
      "jdbc:meridian://a=h;|an empty region entry",
      "jdbc:meridian://a=h;;b=h|an empty region entry",
      "jdbc:meridian://a=h,|an empty peer address in region 'a'",
      "jdbc:meridian://a=h;a=g|region 'a' is listed twice",
      "jdbc:meridian://a=h,h:7400|listed twice for region 'a'",
      "jdbc:meridian://a b=h|region name 'a b'",
      "jdbc:meridian://a=h:0|port 0",
      "jdbc:meridian://a=h:65536|port 65536",
      "jdbc:meridian://a=h:x|port 'x'",
      "jdbc:meridian://a=h:|port ''",
      "jdbc:meridian://a=:7400|has no host",
      "jdbc:meridian://a=h_st!:1|host 'h_st!'",
      "jdbc:meridian://a=::1|put IPv6 addresses in brackets",
      "jdbc:meridian://a=[::1|lacks its closing ']'",
      "jdbc:meridian://a=[::1]x|unexpected 'x' after the IPv6 address",
      "jdbc:meridian://a=[zz]|'zz' in '[zz]' is not an IPv6 address",
      "jdbc:meridian://a=h/db|unexpected 'db' after the '/'",
      "jdbc:postgresql://h/db|is not a Meridian URL",
  })
  void malformedUrlsSayWhatIsWrong(String url, String expected) {
    String message = error(url);
    assertTrue(message.contains(expected), () -> "'" + message + "' lacks '" + expected + "'");
    assertTrue(message.startsWith("invalid Meridian URL: "), message);
  }

  @Test
  void nullUrl() {
    assertTrue(error(null).contains("the URL is null"));
  }
}
