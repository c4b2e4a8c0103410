package dev.meridian.peer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.SqlState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerConfigTest {

  @Test
  void minimalFileTakesEveryDefault() {
    PeerConfig c = PeerConfig.parse("region: us-east-1\n", "peer.yaml");
    assertEquals("us-east-1", c.region());
    assertEquals("127.0.0.1:5701", c.name());
    assertFalse(c.hasExplicitName());
    assertEquals("127.0.0.1", c.hazelcastHost());
    assertEquals(5701, c.hazelcastPort());
    assertEquals(List.of(), c.members());
    assertEquals(7400, c.clientPort());
    assertEquals(7500, c.linkPort());
    assertFalse(c.tls());
    assertFalse(c.insecure());
    assertEquals(1, c.backupCount());
    assertEquals(500, c.maxClockOffsetMs());
    assertEquals(16 << 20, c.maxFrameBytes());
  }

  @Test
  void fullFileSetsEveryOption(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("peer.yaml");
    Files.writeString(file, """
        region: eu-west-1
        name: peer-a
        hazelcast:
          host: 10.0.0.5
          port: 5801
          members: [10.0.0.5:5801, "[::1]:5802"]
          properties:
            hazelcast.wait.seconds.before.join: 0
        clientPort: 0
        linkPort: 7500
        insecure: true
        backupCount: 2
        maxClockOffsetMs: 250
        maxFrameBytes: 1048576
        """);
    PeerConfig c = PeerConfig.load(file);
    assertEquals("eu-west-1", c.region());
    assertEquals("peer-a", c.name());
    assertEquals("10.0.0.5", c.hazelcastHost());
    assertEquals(5801, c.hazelcastPort());
    assertEquals(List.of("10.0.0.5:5801", "[::1]:5802"), c.members());
    assertEquals(Map.of("hazelcast.wait.seconds.before.join", "0"), c.hazelcastProperties());
    assertEquals(0, c.clientPort());
    assertEquals(7500, c.linkPort());
    assertTrue(c.insecure());
    assertEquals(2, c.backupCount());
    assertEquals(250, c.maxClockOffsetMs());
    assertEquals(1 << 20, c.maxFrameBytes());
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void singleMemberMayBeWrittenWithoutAList() {
    PeerConfig c = PeerConfig.parse("region: r\nhazelcast:\n  members: 127.0.0.1:5701\n", "x");
    assertEquals(List.of("127.0.0.1:5701"), c.members());
  }

  @Test
  void unknownKeysAreNamedWithTheirPositionAndTheAllowedKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("""
        region: us-east-1
        clinetPort: 7401
        hazelcast:
          prot: 5702
        """, "peer.yaml"));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("line 2, column 13: unknown key 'clinetPort'"),
        e.getMessage());
    assertTrue(e.problems().get(0).contains("clientPort"), e.getMessage());
    assertTrue(e.problems().get(1).startsWith("line 4, column 9: unknown key 'hazelcast.prot'"),
        e.getMessage());
    assertTrue(e.problems().get(1).contains("under 'hazelcast' are [host, members, port,"
        + " properties]"), e.getMessage());
    assertTrue(e.getMessage().startsWith("peer.yaml: 2 problems in the peer configuration:"));
  }

  @Test
  void unknownNestedSectionIsNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("""
        region: r
        replication:
          links: 3
        """, "peer.yaml"));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("unknown key 'replication.links'"), e.getMessage());
  }

  @Test
  void metricsPortIsOffUnlessSetAndCheckedLikeThePorts() {
    assertEquals(null, PeerConfig.parse("region: r\n", "peer.yaml").metricsPort());
    assertEquals(9400, PeerConfig.parse("region: r\nmetricsPort: 9400\n", "peer.yaml")
        .metricsPort());
    ConfigException range = assertThrows(ConfigException.class,
        () -> PeerConfig.parse("region: r\nmetricsPort: 70000\n", "peer.yaml"));
    assertEquals(List.of("metricsPort 70000 is out of range: set 1 to 65535, or 0 to pick a free"
        + " port"), range.problems());
    ConfigException clash = assertThrows(ConfigException.class,
        () -> PeerConfig.parse("region: r\nclientPort: 7400\nmetricsPort: 7400\n", "peer.yaml"));
    assertEquals(1, clash.problems().size(), clash.getMessage());
    assertTrue(clash.problems().get(0).startsWith("metricsPort 7400 is also the clientPort"),
        clash.getMessage());
    PeerConfig c = PeerConfig.builder().region("r").metricsPort(0).build();
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void badYamlShowsLineAndColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("""
        region: us-east-1
        clientPort: 7400: 1
        """, "peer.yaml"));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).matches("line 2, column \\d+: .+"), e.getMessage());
  }

  @Test
  void duplicateKeysAreRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.parse("region: a\nregion: b\n", "peer.yaml"));
    assertTrue(e.problems().get(0).startsWith("line 2, column"), e.getMessage());
    assertTrue(e.problems().get(0).contains("region"), e.getMessage());
  }

  @Test
  void missingRegionSaysWhatToAdd() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.parse("clientPort: 7400\n", "peer.yaml"));
    assertEquals(List.of("region is missing: add 'region: <name>', e.g. 'region: us-east-1'"),
        e.problems());
  }

  @Test
  void emptyFileSaysWhatItNeeds() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("", "p"));
    assertTrue(e.problems().get(0).contains("region"), e.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("""
        hazelcast:
          port: 70000
          members: [nonsense, "10.0.0.1:0"]
        clientPort: abc
        backupCount: 0
        maxFrameBytes: 10
        """, "peer.yaml"));
    List<String> p = e.problems();
    assertEquals(7, p.size(), e.getMessage());
    assertTrue(p.get(0).startsWith("line 4, column 13: 'clientPort' must be a whole number,"
        + " not 'abc'"), e.getMessage());
    assertTrue(p.contains("region is missing: add 'region: <name>', e.g. 'region: us-east-1'"));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("hazelcast.port 70000 is out of range")));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("hazelcast.members[0] 'nonsense' is not"
        + " host:port")));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("hazelcast.members[1] '10.0.0.1:0' has"
        + " port 0")));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("backupCount 0 is out of range")));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("maxFrameBytes 10 is out of range")));
  }

  @Test
  void wrongShapesAreNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("""
        region: r
        hazelcast: 5701
        backupCount: [1, 2]
        """, "peer.yaml"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("'hazelcast' must be a mapping of keys, not a number"),
        e.getMessage());
    assertTrue(e.problems().get(1).contains("'backupCount' must be a whole number, not a list"),
        e.getMessage());
  }

  @Test
  void missingFileIsAConfigProblem(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.load(dir.resolve("absent.yaml")));
    assertTrue(e.getMessage().contains("cannot read the file"), e.getMessage());
  }

  @Test
  void builderValidatesLikeTheFile() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.builder().region("bad region").clientPort(-1).build());
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().startsWith("configuration: 2 problems"), e.getMessage());

    PeerConfig c = PeerConfig.builder().region("r").hazelcastPort(0).clientPort(0)
        .members(List.of("127.0.0.1:5701")).hazelcastProperty("a", "b").build();
    assertEquals(0, c.hazelcastPort());
    assertEquals("r", c.toBuilder().build().region());
  }

  @Test
  void routingReadsTheFileWhenTheConfigurationIsBuilt(@TempDir Path dir) throws Exception {
    Path routing = dir.resolve("routing.yml");
    java.nio.file.Files.writeString(routing, """
        regions:
          us-east-1: []
          eu-west-1: []
        tables:
          customers:
            column: country
            rules:
              - values: [DE]
                regions: [eu-west-1]
        """);
    PeerConfig c = PeerConfig.parse("region: eu-west-1\nrouting: " + routing + "\n", "p.yml");
    assertEquals(routing.toString(), c.routing());
    assertEquals("COUNTRY", c.routingConfig().residency().table("customers").column());
    assertEquals(c, c.toBuilder().build());
    assertEquals(null, PeerConfig.builder().region("r").build().routing());
    assertTrue(PeerConfig.builder().region("r").build().routingConfig().residency().isEmpty());

    ConfigException notListed = assertThrows(ConfigException.class,
        () -> PeerConfig.builder().region("ap-south-1").routing(routing.toString()).build());
    assertTrue(notListed.getMessage().contains("but not this peer's region ap-south-1"),
        notListed.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> PeerConfig.builder().region("r").routing(dir.resolve("none.yml").toString())
            .build());
    assertTrue(missing.getMessage().contains("routing: routing config")
        && missing.getMessage().contains("does not exist"), missing.getMessage());
    java.nio.file.Files.writeString(routing, "tables:\n  t:\n    column: c\n");
    ConfigException bad = assertThrows(ConfigException.class,
        () -> PeerConfig.builder().region("r").routing(routing.toString()).build());
    assertTrue(bad.getMessage().contains("line 3, column 5"), bad.getMessage());
  }

  @Test
  void dataDirAndDurabilityAreReadAndChecked() {
    PeerConfig memory = PeerConfig.parse("region: r\n", "x");
    assertEquals(null, memory.dataDir());
    assertEquals(Durability.SYNC, memory.durability());
    PeerConfig c = PeerConfig.parse(
        "region: r\ndataDir: /var/lib/meridian\ndurability: periodic\ndurabilityPeriodMs: 50\n",
        "x");
    assertEquals("/var/lib/meridian", c.dataDir());
    assertEquals(Durability.PERIODIC, c.durability());
    assertEquals(50, c.durabilityPeriodMs());
    assertEquals(c, c.toBuilder().build());
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse(
        "region: r\ndurability: always\ndurabilityPeriodMs: 0\n", "x"));
    assertTrue(e.getMessage().contains("durability 'always' is not one of sync, periodic"),
        e.getMessage());
    assertTrue(e.getMessage().contains("durabilityPeriodMs 0 is out of range"), e.getMessage());
  }

  @Test
  void everyOptionIsListedOnce() {
    assertEquals(33, PeerOption.values().length);
    assertEquals(null, PeerOption.REGION.defaultValue());
    assertEquals("7400", PeerOption.CLIENT_PORT.defaultValue());
  }

  @Test
  void linkPortFollowsTheClientPortUnlessSet() {
    assertEquals(8100, PeerConfig.builder().region("r").clientPort(8000).build().linkPort());
    assertEquals(0, PeerConfig.builder().region("r").clientPort(0).build().linkPort());
    assertEquals(9000, PeerConfig.builder().region("r").linkPort(9000).build().linkPort());
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.builder().region("r").clientPort(8000).linkPort(8000).build());
    assertTrue(e.getMessage().contains("links have their own port"), e.getMessage());
  }

  @Test
  void aReachableAddressWithoutTlsRefusesToStartAndSaysHowToFix() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.parse("region: r\nhazelcast:\n  host: 10.0.0.5\n", "peer.yaml"));
    assertTrue(e.getMessage().contains("bin/meridian cert"), e.getMessage());
    assertTrue(e.getMessage().contains("insecure: true"), e.getMessage());
    assertTrue(PeerConfig.parse("region: r\nhazelcast:\n  host: 10.0.0.5\ninsecure: true\n",
        "peer.yaml").insecure());
    assertFalse(PeerConfig.parse("region: r\nhazelcast:\n  host: localhost\n", "peer.yaml")
        .tls());
  }

  @Test
  void aReachableAddressWithoutUsersRefusesToStartAndSaysHowToFix() throws Exception {
    java.nio.file.Path pem = java.nio.file.Files.createTempFile("peer", ".pem");
    try {
      String tls = "tls:\n  key: " + pem + "\n  cert: " + pem + "\n  ca: " + pem + "\n";
      ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse(
          "region: r\nhazelcast:\n  host: 10.0.0.5\n" + tls, "peer.yaml"));
      assertTrue(e.getMessage().contains("without users anyone"), e.getMessage());
      assertTrue(e.getMessage().contains("users: {enabled: true}"), e.getMessage());
      assertFalse(e.getMessage().contains("bin/meridian cert"), "TLS is there: " + e.getMessage());
      PeerConfig c = PeerConfig.parse("region: r\nhazelcast:\n  host: 10.0.0.5\n" + tls
          + "users:\n  enabled: true\n  admin: root\n  adminPassword: s3cret\n", "peer.yaml");
      assertTrue(c.usersEnabled());
      assertEquals("root", c.adminUser());
      assertEquals("s3cret", c.adminPassword());
      assertFalse(c.toString().contains("s3cret"), "the password is never printed");
      assertEquals(c, c.toBuilder().build());
    } finally {
      java.nio.file.Files.delete(pem);
    }
  }

  @Test
  void usersAreOffByDefaultOnLoopbackAndTheAdminIsCalledAdmin() {
    PeerConfig c = PeerConfig.parse("region: r\n", "peer.yaml");
    assertFalse(c.usersEnabled());
    assertEquals("admin", c.adminUser());
  }

  @Test
  void tlsNeedsKeyCertAndCaTogether() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PeerConfig.parse("region: r\ntls:\n  key: /nonexistent/k.pem\n", "peer.yaml"));
    assertTrue(e.getMessage().contains("tls needs all of key, cert and ca"), e.getMessage());
    assertTrue(e.getMessage().contains("/nonexistent/k.pem is not a readable file"),
        e.getMessage());
  }

  @Test
  void replicationSectionSetsLinksAndTheirKnobs() {
    PeerConfig c = PeerConfig.parse("""
        region: us-east-1
        replication:
          regions:
            eu-west-1: [10.1.0.5:7400, 10.1.0.6:7400]
            ap-southeast-1: 10.2.0.5:7400
          batchSize: 100
          maxInFlight: 4
          lingerMs: 3
          journalCapacity: 5000
          wanLatencyMs: {eu-west-1: 40}
        """, "peer.yaml");
    assertEquals(Map.of("eu-west-1", List.of("10.1.0.5:7400", "10.1.0.6:7400"),
        "ap-southeast-1", List.of("10.2.0.5:7400")), c.remoteRegions());
    assertEquals(100, c.linkBatchSize());
    assertEquals(4, c.linkMaxInFlight());
    assertEquals(3, c.linkLingerMs());
    assertEquals(5000, c.journalCapacity());
    assertEquals(Map.of("eu-west-1", 40L), c.wanLatencyMs());
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void badReplicationSettingsAreAllListed() {
    ConfigException e = assertThrows(ConfigException.class, () -> PeerConfig.parse("""
        region: us-east-1
        replication:
          regions:
            us-east-1: [10.1.0.5:7400]
            eu-west-1: []
            ap-southeast-1: [nohost]
          batchSize: 0
          maxInFlight: 5000
          journalCapacity: 10
          wanLatencyMs: {sa-east-1: 40}
        """, "peer.yaml"));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("lists this peer's own region us-east-1"), all);
    assertTrue(all.contains("replication.regions.eu-west-1 lists no peers"), all);
    assertTrue(all.contains("replication.regions.ap-southeast-1[0]"), all);
    assertTrue(all.contains("replication.batchSize 0 is out of range"), all);
    assertTrue(all.contains("replication.maxInFlight 5000 is out of range"), all);
    assertTrue(all.contains("replication.journalCapacity 10 is out of range"), all);
    assertTrue(all.contains("names sa-east-1, which is not in replication.regions"), all);
  }
}
