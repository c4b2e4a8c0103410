package dev.meridian.peer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.driver.api.MeridianDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A connection handed a meter registry records its statements by kind and serving region, and a
 * failover when its home region is gone.
 */
class DriverMetersTest {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";

  @Test
  void statementsAndFailoversAreMetered() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(MeridianDriver.METER_REGISTRY, registry);
    try (EmbeddedCluster c = EmbeddedCluster.start("drivermeters-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults());
        Connection eu = DriverManager.getConnection(c.jdbcUrl(EU), props);
        Statement s = eu.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
      for (int i = 0; i < 10; i++) {
        s.executeUpdate("UPSERT INTO t VALUES (" + i + ", " + i + ")");
      }
      try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 3")) {
        assertTrue(rs.next());
      }
      assertEquals(10, registry.get("meridian.driver.requests").tags("kind", "idempotent_write",
          "region", EU, "outcome", "ok", "home", EU).timer().count());
      assertTrue(registry.get("meridian.driver.requests").tags("kind", "point_read",
          "region", EU).timer().count() >= 1);
      assertTrue(c.awaitConverged(Duration.ofSeconds(30)));
      c.stopRegion(EU);
      try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 3")) {
        assertTrue(rs.next());
      }
      assertTrue(registry.get("meridian.driver.failovers").tag("from", EU).counter().count()
          >= 1, "failover from the stopped home region");
      assertTrue(registry.get("meridian.driver.requests").tags("kind", "point_read",
          "region", US, "outcome", "ok").timer().count() >= 1);
    }
  }
}
