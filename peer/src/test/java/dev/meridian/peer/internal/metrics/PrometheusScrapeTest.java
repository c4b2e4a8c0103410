package dev.meridian.peer.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.api.Peer;
import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testkit.EmbeddedCluster;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A running peer's Prometheus endpoint, scraped over HTTP: the text format parsed line by line
 * (strictly) and the protobuf format by the Prometheus client's own generated parser, both
 * showing each link's meters with its regions as labels.
 */
class PrometheusScrapeTest {
  private static final String US = "us-east-1";
  private static final String EU = "eu-west-1";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<byte[]> get(InetSocketAddress at, String path, String accept)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://" + at.getHostString() + ":" + at.getPort() + path))
        .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static List<PrometheusText.Sample> scrapeText(InetSocketAddress at) throws Exception {
    HttpResponse<byte[]> r = get(at, "/metrics", null);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return PrometheusText.parse(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static double value(List<PrometheusText.Sample> samples, String name,
      Map<String, String> labels) {
    double sum = 0;
    boolean found = false;
    for (PrometheusText.Sample s : samples) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
        sum += s.value();
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  @Test
  void aScrapeShowsEachLinkWithItsRegions() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("scrape-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults().metrics(true));
        Connection us = DriverManager.getConnection(c.jdbcUrl(US));
        Statement s = us.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
      // Rows written before the link has taken its positions in the new table's streams go by
      // repair, not as records: wait for it to catch up first, so all 50 go as records.
      long created = System.currentTimeMillis();
      dev.meridian.peer.internal.replication.Replicator links =
          c.peers(US).get(0).node().replicator();
      Await.until("the link to catch up on the new table", Duration.ofSeconds(30),
          () -> links.shippedThroughMillis(EU) > created + 2_000);
      for (int i = 0; i < 50; i++) {
        s.executeUpdate("UPSERT INTO t VALUES (" + i + ", " + i + ")");
      }
      assertTrue(c.awaitConverged(Duration.ofSeconds(30)));
      // A limited table's consumption is served by the same endpoint.
      s.execute("CREATE TABLE lim (id BIGINT PRIMARY KEY, v INT)"
          + " WITH (write_capacity = '1000000/s')");
      for (int i = 0; i < 5; i++) {
        s.executeUpdate("UPSERT INTO lim VALUES (" + i + ", " + i + ")");
      }
      Peer peer = c.peers(US).get(0);
      InetSocketAddress at = peer.metricsAddress();
      assertEquals("127.0.0.1", at.getHostString(), "bound to the peer's host");
      Map<String, String> link = Map.of("from", US, "to", EU, "region", US);
      double[] seen = {Double.NaN};
      try {
        Await.until("the link's 50 records in a scrape", Duration.ofSeconds(30), () -> {
          try {
            seen[0] = value(scrapeText(at), "meridian_link_records_total", link);
            return seen[0] >= 50;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last seen " + seen[0] + ", link figures "
            + peer.node().replicator().stats(EU).snapshot(), e);
      }
      List<PrometheusText.Sample> text = scrapeText(at);
      assertTrue(value(text, "meridian_link_lag_seconds_count", link) >= 50, "lag samples");
      assertTrue(value(text, "meridian_link_lag_seconds_bucket",
          Map.of("from", US, "to", EU, "le", "+Inf")) >= 50, "lag histogram buckets");
      assertEquals(0, value(text, "meridian_link_reshipped_total", link));
      assertEquals(1, value(text, "meridian_link_up", link));
      assertTrue(value(text, "meridian_link_backlog", link) >= 0);
      assertTrue(value(text, "meridian_requests_seconds_count",
          Map.of("operation", "Write", "region", US)) >= 50, "write requests timed");
      assertEquals(1, value(text, "meridian_cluster_members", Map.of("region", US)));
      assertEquals(1, value(text, "meridian_backfill_progress", Map.of("region", US)));
      assertEquals(0, value(text, "meridian_partitions_unowned", Map.of("region", US)));
      assertEquals(1, value(text, "meridian_member_safe", Map.of("region", US)));
      assertEquals(5, value(text, "meridian_capacity_units_total",
          Map.of("table", "LIM", "kind", "write", "outcome", "accepted")), "capacity meters");
      assertTrue(value(text, "meridian_ttl_passes_total", Map.of()) >= 0, "TTL sweep meters");

      // The protobuf format, as Prometheus negotiates it, read by the client's own parser.
      HttpResponse<byte[]> proto = get(at, "/metrics", "application/vnd.google.protobuf;"
          + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;q=0.3");
      assertEquals(200, proto.statusCode());
      List<Metrics.MetricFamily> families = new ArrayList<>();
      try (InputStream in = new ByteArrayInputStream(proto.body())) {
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
          families.add(f);
        }
      }
      Metrics.MetricFamily lag = families.stream()
          .filter(f -> f.getName().equals("meridian_link_lag_seconds")).findFirst().orElseThrow();
      assertEquals(Metrics.MetricType.HISTOGRAM, lag.getType());
      Metrics.Metric m = lag.getMetricList().stream().filter(x -> x.getLabelList().stream()
          .anyMatch(l -> l.getName().equals("to") && l.getValue().equals(EU))).findFirst()
          .orElseThrow();
      assertTrue(m.getLabelList().stream()
          .anyMatch(l -> l.getName().equals("from") && l.getValue().equals(US)));
      assertTrue(m.getHistogram().getSampleCount() >= 50);

      assertEquals(404, get(at, "/other", null).statusCode());
    }
  }

  @Test
  void withoutMetricsPortThereIsNoEndpointAndNoMeter() throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("nometrics-" + System.nanoTime(),
        List.of(US, EU), EmbeddedCluster.Options.defaults())) {
      Peer peer = c.peers(US).get(0);
      assertNull(peer.metricsAddress());
      assertNull(peer.node().metrics().registry());
    }
  }
}
