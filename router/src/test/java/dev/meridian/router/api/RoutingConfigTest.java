package dev.meridian.router.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingConfigTest {
  private static final String EXAMPLE = """
      regions:
        us-east-1: [10.0.0.1:7000]
        eu-west-1: [10.0.1.1:7000, 10.0.1.2:7000]
        eu-central-1: []
      tables:
        customers:
          column: country
          rules:
            - values: [DE, FR]
              regions: [eu-west-1, eu-central-1]
            - values: [US]
              regions: [us-east-1]
          otherwise: any
        sessions:
          keyPrefix:
            - prefix: "eu:"
              regions: [eu-west-1]
            - prefix: "eu:de:"
              regions: [eu-central-1]
          otherwise: [us-east-1]
      """;

  private static MeridianException invalid(String yaml) {
    MeridianException e = assertThrows(MeridianException.class,
        () -> RoutingConfig.parse(yaml, "test.yml"));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state(), e.getMessage());
    assertTrue(e.getMessage().startsWith("routing config test.yml is invalid: "), e.getMessage());
    return e;
  }

  private static void assertMentions(MeridianException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' missing in: " + e.getMessage());
    }
  }

  @Test
  void theExampleReadsIntoRegionsAndRules() {
    RoutingConfig c = RoutingConfig.parse(EXAMPLE, "example.yml");
    assertEquals(List.of("us-east-1", "eu-west-1", "eu-central-1"),
        List.copyOf(c.regionPeers().keySet()));
    assertEquals(List.of("10.0.1.1:7000", "10.0.1.2:7000"), c.regionPeers().get("eu-west-1"));
    assertEquals(List.of(), c.regionPeers().get("eu-central-1"));
    ResidencyRules rules = c.residency();
    assertFalse(rules.isEmpty());
    assertEquals(List.of("CUSTOMERS", "SESSIONS"), List.copyOf(rules.tables().keySet()));

    TableResidency customers = rules.table("CUSTOMERS");
    assertEquals("COUNTRY", customers.column());
    assertFalse(customers.byKeyPrefix());
    assertEquals(List.of("eu-west-1", "eu-central-1"), List.copyOf(customers.allowed("DE")));
    assertSame(customers.allowed("DE"), customers.allowed("FR"), "one shared set per rule");
    assertEquals(Set.of("us-east-1"), customers.allowed("US"));
    assertNull(customers.allowed("JP"), "otherwise: any");
    assertNull(customers.allowed(null), "NULL matches no rule");
    assertNull(customers.allowed("de"), "values are case-sensitive");
    assertNull(customers.possibleRegions(), "some rows may live anywhere");
    assertTrue(customers.mayLiveIn("DE", "eu-central-1"));
    assertFalse(customers.mayLiveIn("DE", "us-east-1"));
    assertTrue(customers.mayLiveIn("JP", "us-east-1"));
  }

  @Test
  void tableNamesIgnoreCase() {
    ResidencyRules rules = RoutingConfig.parse(EXAMPLE, "x").residency();
    assertSame(rules.table("CUSTOMERS"), rules.table("customers"));
    assertSame(rules.table("CUSTOMERS"), rules.table("Customers"));
    assertNull(rules.table("ORDERS"), "a table without a rule lives anywhere");
    assertNull(rules.table(null));
  }

  @Test
  void keyPrefixesPickTheLongestMatchAndElseOtherwise() {
    TableResidency sessions = RoutingConfig.parse(EXAMPLE, "x").residency().table("sessions");
    assertTrue(sessions.byKeyPrefix());
    assertNull(sessions.column());
    assertEquals(Set.of("eu-west-1"), sessions.allowed("eu:fr:42"));
    assertEquals(Set.of("eu-central-1"), sessions.allowed("eu:de:42"));
    assertEquals(Set.of("us-east-1"), sessions.allowed("us:7"));
    assertEquals(Set.of("us-east-1"), sessions.allowed(null));
    assertEquals(Set.of("eu-west-1", "eu-central-1", "us-east-1"), sessions.possibleRegions());
  }

  @Test
  void nonTextDecidingValuesCompareAsTheirText() {
    TableResidency t = RoutingConfig.parse("""
        tables:
          accounts:
            column: branch
            rules:
              - values: [42, 1.5, true]
                regions: [eu-west-1]
        """, "x").residency().table("ACCOUNTS");
    assertEquals(Set.of("eu-west-1"), t.allowed(42));
    assertEquals(Set.of("eu-west-1"), t.allowed(42L));
    assertEquals(Set.of("eu-west-1"), t.allowed((short) 42));
    assertEquals(Set.of("eu-west-1"), t.allowed(new BigDecimal("1.50")));
    assertEquals(Set.of("eu-west-1"), t.allowed(Boolean.TRUE));
    assertNull(t.allowed(43));
  }

  @Test
  void yamlBooleanLookalikesStayText() {
    // The "Norway problem": NO must stay the country code, not become false.
    TableResidency t = RoutingConfig.parse("""
        tables:
          customers:
            column: country
            rules:
              - values: [NO, SE]
                regions: [eu-north-1]
        """, "x").residency().table("customers");
    assertEquals(Set.of("eu-north-1"), t.allowed("NO"));
  }

  @Test
  void emptyTextHasNoRules() {
    assertTrue(RoutingConfig.parse("", "x").residency().isEmpty());
    assertTrue(RoutingConfig.parse("# only a comment\n", "x").regionPeers().isEmpty());
    assertTrue(RoutingConfig.parse("regions:\n  us-east-1: [h:1]\n", "x").residency().isEmpty());
    assertTrue(ResidencyRules.none().isEmpty());
    assertNull(ResidencyRules.none().table("T"));
  }

  @Test
  void unknownKeysAreReportedWithTheirLine() {
    MeridianException e = invalid("""
        regions:
          eu-west-1: []
        tabels:
          customers: {}
        """);
    assertMentions(e, "line 3, column 1: unknown key 'tabels' at the top level",
        "[regions, tables]");
    e = invalid("""
        tables:
          customers:
            column: country
            rules:
              - values: [DE]
                region: [eu-west-1]
        """);
    assertMentions(e, "line 6, column 9: unknown key 'region' under tables.CUSTOMERS.rules[0]",
        "needs both 'values' and 'regions'");
  }

  @Test
  void regionsMissingFromTheRegionsSectionAreReported() {
    MeridianException e = invalid("""
        regions:
          us-east-1: [10.0.0.1:7000]
          eu-west-1: [10.0.1.1:7000]
        tables:
          customers:
            column: country
            rules:
              - values: [DE]
                regions: [eu-west-1, eu-central-1]
        """);
    assertMentions(e, "line 9, column 30", "names region eu-central-1, which is not under"
        + " 'regions:' [us-east-1, eu-west-1]");
  }

  @Test
  void aValueInTwoRulesIsReportedAtItsSecondPlace() {
    MeridianException e = invalid("""
        tables:
          customers:
            column: country
            rules:
              - values: [DE, FR]
                regions: [eu-west-1]
              - values: [US, FR]
                regions: [us-east-1]
        """);
    assertMentions(e, "line 7, column 22: value 'FR' of tables.CUSTOMERS.rules is already in"
        + " a rule at line 5, column 22");
  }

  @Test
  void emptyListsAreReported() {
    MeridianException e = invalid("""
        tables:
          customers:
            column: country
            rules:
              - values: [DE]
                regions: []
            otherwise: []
        """);
    assertMentions(e, "line 6, column 18: tables.CUSTOMERS.rules[0].regions is empty",
        "line 7, column 16: tables.CUSTOMERS.otherwise is empty");
    e = invalid("""
        tables:
          customers:
            column: country
            rules: []
        """);
    assertMentions(e, "line 4, column 12: tables.CUSTOMERS.rules must be a non-empty list");
  }

  @Test
  void everyProblemIsListedAtOnce() {
    MeridianException e = invalid("""
        regions:
          eu-west-1: [not-an-address]
        tables:
          a:
            column: c
            keyPrefix:
              - prefix: x
                regions: [eu-west-1]
          b:
            otherwise: sometimes
          A:
            keyPrefix:
              - prefix: ""
                regions: [eu-west-1]
        """);
    assertMentions(e, "line 2, column 15: regions.eu-west-1 has 'not-an-address', not host:port",
        "line 5, column 5: tables.A has both 'keyPrefix' and 'column'",
        "tables.B needs 'column' and 'rules'", "otherwise must be 'any' or a list",
        "line 11, column 3: table A already has a rule at line 4, column 3");
  }

  @Test
  void unreadableYamlSaysWhere() {
    MeridianException e = invalid("tables:\n  customers: [unclosed\n");
    assertMentions(e, "line 2, column 23");
    e = invalid("tables:\n  a: 1\n  a: 2\n");
    assertMentions(e, "line 3, column 3: key 'a' appears twice");
    e = invalid("- just\n- a list\n");
    assertMentions(e, "line 1, column 1", "must be a mapping");
  }

  @Test
  void loadReadsAFileAndSaysWhenItCannot(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("routing.yml");
    Files.writeString(file, EXAMPLE);
    RoutingConfig c = RoutingConfig.load(file);
    assertEquals(file.toString(), c.source());
    assertEquals(Map.of("us-east-1", List.of("10.0.0.1:7000")).get("us-east-1"),
        c.regionPeers().get("us-east-1"));
    MeridianException missing = assertThrows(MeridianException.class,
        () -> RoutingConfig.load(dir.resolve("nope.yml")));
    assertEquals(SqlState.IO_ERROR, missing.state());
    assertMentions(missing, "nope.yml does not exist");
    MeridianException directory = assertThrows(MeridianException.class,
        () -> RoutingConfig.load(dir));
    assertEquals(SqlState.IO_ERROR, directory.state());
    Files.writeString(file, "tables: 3\n");
    MeridianException bad = assertThrows(MeridianException.class, () -> RoutingConfig.load(file));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, bad.state());
    assertMentions(bad, file.toString(), "line 1, column 9");
  }
}
