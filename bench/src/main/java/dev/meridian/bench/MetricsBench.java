package dev.meridian.bench;

import dev.meridian.peer.testkit.EmbeddedCluster;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the peer's meters cost on a single-row upsert: two embedded clusters of two regions
 * (us-east-1, eu-west-1, one peer each) run side by side in this JVM, one with
 * {@code metricsPort} (meters on, its endpoint scraped every {@code --scrape-ms}) and one
 * without; rounds alternate between them (order swapped each round), each a closed loop of
 * {@code UPSERT INTO t VALUES (?, ?)} from {@code --connections} connections homed in
 * us-east-1, so the links ship every write to eu-west-1 as well. Prints per-round and median
 * p50/p99. Figures only; nothing is asserted.
 */
@Command(name = "metrics-bench", mixinStandardHelpOptions = true,
    description = "Cost of the peer's meters on upsert latency, on versus off in one run.")
public final class MetricsBench implements Callable<Integer> {
  @Option(names = "--rounds", description = "rounds per setting (default ${DEFAULT-VALUE})")
  int rounds = 6;

  @Option(names = "--seconds", description = "measured seconds per round (default"
      + " ${DEFAULT-VALUE})")
  double seconds = 10;

  @Option(names = "--warmup", description = "warm-up seconds per round (default"
      + " ${DEFAULT-VALUE})")
  double warmup = 3;

  @Option(names = "--connections", description = "connections (default ${DEFAULT-VALUE})")
  int connections = 1;

  @Option(names = "--scrape-ms", description = "scrape the endpoint every this many ms while"
      + " metrics are on (0: never; default ${DEFAULT-VALUE})")
  long scrapeMs = 1_000;

  @Override
  public Integer call() throws Exception {
    List<String> regions = List.of("us-east-1", "eu-west-1");
    try (EmbeddedCluster off = EmbeddedCluster.start("metricsoff" + System.nanoTime(), regions,
        EmbeddedCluster.Options.defaults());
        EmbeddedCluster on = EmbeddedCluster.start("metricson" + System.nanoTime(), regions,
            EmbeddedCluster.Options.defaults().metrics(true))) {
      for (EmbeddedCluster c : List.of(off, on)) {
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl("us-east-1"))) {
          conn.createStatement().execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
        }
        if (!c.awaitConverged(Duration.ofSeconds(60))) {
          throw new IllegalStateException("the table did not reach eu-west-1");
        }
      }
      InetSocketAddress endpoint = on.peers("us-east-1").get(0).metricsAddress();
      AtomicBoolean scraping = new AtomicBoolean(true);
      AtomicLong scrapes = new AtomicLong();
      AtomicLong scrapeBytes = new AtomicLong();
      Thread scraper = scraper(endpoint, scraping, scrapes, scrapeBytes);
      System.out.printf("%d connection(s), %d rounds of %.0f s (+%.0f s warm-up) per setting,"
          + " scraping every %d ms while on%n", connections, rounds, seconds, warmup, scrapeMs);
      double[] onP50 = new double[rounds];
      double[] offP50 = new double[rounds];
      double[] onP99 = new double[rounds];
      double[] offP99 = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        for (boolean metrics : new boolean[] {r % 2 == 0, r % 2 != 0}) {
          LatencyRun.Result res = upserts(metrics ? on : off, metrics ? "on" : "off", r);
          (metrics ? onP50 : offP50)[r] = res.p50Micros();
          (metrics ? onP99 : offP99)[r] = res.p99Micros();
          System.out.printf("round %d metrics %-3s upsert p50 %7.1f us p99 %8.1f us"
              + " %,9.0f ops/s%n", r, metrics ? "on" : "off", res.p50Micros(),
              res.p99Micros(), res.throughput());
        }
      }
      scraping.set(false);
      scraper.join();
      double m50on = median(onP50);
      double m50off = median(offP50);
      System.out.printf("median of %d rounds: p50 on %.1f us, off %.1f us (%+.1f %%);"
          + " p99 on %.1f us, off %.1f us (%+.1f %%); %d scrapes, %,d bytes last%n", rounds,
          m50on, m50off, 100 * (m50on - m50off) / m50off, median(onP99), median(offP99),
          100 * (median(onP99) - median(offP99)) / median(offP99), scrapes.get(),
          scrapeBytes.get());
    }
    return 0;
  }

  private LatencyRun.Result upserts(EmbeddedCluster c, String name, int round)
      throws Exception {
    Connection[] conns = new Connection[connections];
    PreparedStatement[] ps = new PreparedStatement[connections];
    try {
      for (int i = 0; i < connections; i++) {
        conns[i] = DriverManager.getConnection(c.jdbcUrl("us-east-1"));
        ps[i] = conns[i].prepareStatement("UPSERT INTO t VALUES (?, ?)");
      }
      return LatencyRun.run("upsert-" + name, connections, warmup, seconds, (t, i) -> {
        ps[t].setLong(1, (long) t * 1_000_000_000L + (i % 100_000));
        ps[t].setInt(2, round);
        ps[t].executeUpdate();
      });
    } finally {
      for (Connection conn : conns) {
        if (conn != null) {
          conn.close();
        }
      }
    }
  }

  private Thread scraper(InetSocketAddress at, AtomicBoolean running, AtomicLong scrapes,
      AtomicLong bytes) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + at.getHostString() + ":"
        + at.getPort() + "/metrics")).build();
    Thread t = new Thread(() -> {
      while (running.get() && scrapeMs > 0) {
        try {
          HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
          bytes.set(r.body().length);
          scrapes.incrementAndGet();
          Thread.sleep(scrapeMs);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          throw new IllegalStateException("scrape failed", e);
        }
      }
    }, "scraper");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new MetricsBench()).execute(args));
  }
}
