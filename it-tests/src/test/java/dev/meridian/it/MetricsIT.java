package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.meridian.driver.api.MeridianDriver;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.Regions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics of real peer processes: each link's meters, with its regions as labels, in a scrape
 * of a peer's Prometheus endpoint (read by the Prometheus client's protobuf parser, and as
 * text); driver meters through a HikariCP pool handed a registry as a data source property.
 */
class MetricsIT {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";
  private static final int ROWS = 30;

  @TempDir
  Path dir;

  private static byte[] scrape(String address, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
        .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      b.header("Accept", accept);
    }
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(b.build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static List<Metrics.MetricFamily> families(String address) throws Exception {
    byte[] body = scrape(address, "application/vnd.google.protobuf;"
        + "proto=io.prometheus.client.MetricFamily;encoding=delimited");
    List<Metrics.MetricFamily> out = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(body)) {
      Metrics.MetricFamily f;
      while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
        out.add(f);
      }
    }
    return out;
  }

  private static boolean label(Metrics.Metric m, String name, String value) {
    return m.getLabelList().stream()
        .anyMatch(l -> l.getName().equals(name) && l.getValue().equals(value));
  }

  /** The lag histogram's sample count of the link from us-east-1 to eu-west-1, or -1. */
  private static long lagSamples(String address) throws Exception {
    for (Metrics.MetricFamily f : families(address)) {
      if (f.getName().equals("meridian_link_lag_seconds")) {
        for (Metrics.Metric m : f.getMetricList()) {
          if (label(m, "from", US) && label(m, "to", EU) && label(m, "region", US)) {
            return m.getHistogram().getSampleCount();
          }
        }
      }
    }
    return -1;
  }

  @Test
  void aPeerProcessServesItsLinksMetersAndThePoolsDriverMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Regions regions = Regions.builder(dir).regions(US, EU).peersPerRegion(1).metrics(true)
        .build()) {
      regions.startAll();
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(regions.jdbcUrl(US));
      config.setMaximumPoolSize(2);
      config.addDataSourceProperty(MeridianDriver.METER_REGISTRY, registry);
      String us = regions.metricsAddress(US, 0);
      try (HikariDataSource pool = new HikariDataSource(config);
          Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE m (id BIGINT PRIMARY KEY, v INT)");
        for (int i = 0; i < ROWS; i++) {
          s.executeUpdate("UPSERT INTO m VALUES (" + i + ", " + i + ")");
        }
        // Rows written before the link took its positions in the new table go by repair, not
        // as records with a lag: write on until records show.
        int[] more = {ROWS};
        Deadline.await("records' lag in a scrape of " + us, Duration.ofSeconds(60), () -> {
          try {
            if (lagSamples(us) >= 1) {
              return true;
            }
            s.executeUpdate("UPSERT INTO m VALUES (" + more[0]++ + ", 0)");
            return null;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }
      String text = new String(scrape(us, null), StandardCharsets.UTF_8);
      assertTrue(text.contains("meridian_link_records_total{from=\"us-east-1\","), text);
      assertTrue(text.contains("# TYPE meridian_link_lag_seconds histogram"), text);
      assertTrue(registry.get("meridian.driver.requests").tags("kind", "idempotent_write",
          "region", US, "outcome", "ok").timer().count() >= ROWS);
    }
  }
}
