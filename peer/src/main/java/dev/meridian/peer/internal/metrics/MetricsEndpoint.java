package dev.meridian.peer.internal.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The peer's Prometheus endpoint: {@code GET /metrics} answers the registry in the Prometheus
 * text format (0.0.4), or in the protobuf or OpenMetrics format when the scraper's
 * {@code Accept} header asks for it; anything else is a 404 or 405.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} rather than Netty: a scrape every few
 * seconds needs no pipeline, and its own single thread keeps a slow or hostile scraper off the
 * event loops that serve drivers and links. Plain HTTP (the figures are not data; bind it to an
 * address only monitoring can reach). Thread-safe; {@link #close()} is idempotent.
 */
final class MetricsEndpoint implements AutoCloseable {
  static final String PATH = "/metrics";
  private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String PROTOBUF = "application/vnd.google.protobuf;"
      + " proto=io.prometheus.client.MetricFamily; encoding=delimited";
  private static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService thread;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private MetricsEndpoint(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  static MetricsEndpoint start(InetSocketAddress at, PrometheusMeterRegistry registry,
      String peerName) throws IOException {
    HttpServer server = HttpServer.create(at, 16);
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "meridian-metrics-" + peerName);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(thread);
    server.createContext("/", exchange -> {
      try (exchange) {
        answer(exchange, registry);
      }
    });
    server.start();
    return new MetricsEndpoint(server, thread);
  }

  private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    if (!PATH.equals(exchange.getRequestURI().getPath())) {
      plain(exchange, 404, "not found: the metrics are at " + PATH + "\n");
      return;
    }
    String method = exchange.getRequestMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      plain(exchange, 405, "method " + method + " not allowed: use GET\n");
      return;
    }
    String contentType = contentType(exchange.getRequestHeaders().getFirst("Accept"));
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    registry.scrape(body, contentType);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if ("HEAD".equals(method)) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, body.size());
    try (OutputStream out = exchange.getResponseBody()) {
      body.writeTo(out);
    }
  }

  /** The format a scraper's {@code Accept} header asks for (the text format by default). */
  static String contentType(String accept) {
    if (accept == null) {
      return TEXT;
    }
    if (accept.contains("application/vnd.google.protobuf")
        && accept.contains("io.prometheus.client.MetricFamily")) {
      return PROTOBUF;
    }
    if (accept.contains("application/openmetrics-text")) {
      return OPENMETRICS;
    }
    return TEXT;
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    thread.shutdownNow();
  }
}
