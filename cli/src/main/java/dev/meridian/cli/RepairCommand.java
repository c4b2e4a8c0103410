package dev.meridian.cli;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian repair --peer host:port [--to region]}: runs anti-entropy now from the peer's
 * region to one other region (or all), comparing Merkle-style digests of every partition of
 * every table and shipping only the rows that differ, and shows its progress (partitions
 * compared, rows shipped) once a second. Exit codes: 0 done, 1 failed.
 */
@Command(name = "repair", description = {
    "Runs anti-entropy repair from a peer's region to another region now, shipping only the"
        + " rows that differ, with progress."})
final class RepairCommand implements Callable<Integer> {

  @Option(names = "--peer", required = true, paramLabel = "HOST:PORT",
      description = "a peer of the region to repair from (its clientPort)")
  String peer;

  @Option(names = "--to", paramLabel = "REGION", defaultValue = "",
      description = "the region to repair (default: every region the peer replicates with)")
  String to;

  @Option(names = "--sslrootcert", paramLabel = "CA.CRT",
      description = "a peer serving TLS: the cluster CA to check its certificate against"
          + " (verify-full)")
  java.nio.file.Path sslRootCert;

  @Option(names = "--user", paramLabel = "NAME",
      description = "a peer with users: an admin to log in as (the password from the"
          + " environment variable MERIDIAN_PASSWORD)")
  String user;

  @Override
  public Integer call() throws Exception {
    int colon = peer.lastIndexOf(':');
    if (colon <= 0) {
      System.err.println("meridian repair: --peer must be host:port, not '" + peer + "'");
      return 1;
    }
    InetSocketAddress address = new InetSocketAddress(peer.substring(0, colon),
        Integer.parseInt(peer.substring(colon + 1)));
    TransportSettings settings = TransportSettings.DEFAULTS.withMaxFrameBytes(64 << 20);
    if (sslRootCert != null) {
      SslContext tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
          .trustManager(sslRootCert.toFile()).build();
      settings = settings.withTls(() -> tls, true);
    }
    if (user != null) {
      settings = settings.withCredentials(new dev.meridian.protocol.net.Credentials(user,
          System.getenv("MERIDIAN_PASSWORD")));
    }
    try (PeerChannel work = PeerConnector.connectOne(address, settings, PortRole.DRIVER,
            "meridian-repair");
        PeerChannel watch = PeerConnector.connectOne(address, settings, PortRole.DRIVER,
            "meridian-repair")) {
      long before = repairs(watch);
      long total = total(watch);
      long started = System.nanoTime();
      CompletableFuture<Response> done = work.call(new Request.Repair(to));
      while (true) {
        try {
          Response r = done.get(1, TimeUnit.SECONDS);
          if (r instanceof Response.RepairDone d) {
            System.out.printf(Locale.ROOT, "repair from %s to %s done in %.1f s: %,d rows"
                + " compared, %,d rows shipped%n", work.region(), to.isEmpty() ? "every region"
                : to, (System.nanoTime() - started) / 1e9, d.rowsCompared(), d.rowsShipped());
            return 0;
          }
          System.err.println("meridian repair: " + (r instanceof Response.Error e
              ? "[" + e.state().code() + "] " + e.message() : r));
          return 1;
        } catch (TimeoutException still) {
          long now = repairs(watch) - before;
          System.out.println(Progress.bar(now, total, "partitions compared"));
        }
      }
    } catch (MeridianException e) {
      System.err.println("meridian repair: " + e.getMessage());
      return 1;
    }
  }

  /** Partition repairs the peer's region has counted so far (all outbound links). */
  private static long repairs(PeerChannel ch) throws Exception {
    Response r = ch.call(new Request.ReadSystemTable("REPLICATION_LINKS")).get(10, TimeUnit.SECONDS);
    if (!(r instanceof Response.Rows rows)) {
      return 0;
    }
    List<String> cols = SystemTables.REPLICATION_LINKS.columns().stream().map(c -> c.name()).toList();
    int measured = cols.indexOf("MEASURED_AT");
    int repairs = cols.indexOf("REPAIRS");
    long n = 0;
    for (Object[] row : rows.rows()) {
      if ("sender".equals(row[measured]) && row[repairs] instanceof Long v) {
        n += v;
      }
    }
    return n;
  }

  /** Partitions to compare: tables x partitions x target regions. */
  private long total(PeerChannel ch) throws Exception {
    Response catalog = ch.call(new Request.GetCatalog()).get(10, TimeUnit.SECONDS);
    Response parts = ch.call(new Request.GetPartitions()).get(10, TimeUnit.SECONDS);
    Response regions = ch.call(new Request.ReadSystemTable("REGIONS")).get(10, TimeUnit.SECONDS);
    long tables = catalog instanceof Response.Catalog c ? c.tables().size() : 0;
    long partitions = parts instanceof Response.Partitions p ? p.owners().size() : 0;
    long targets = to.isEmpty() && regions instanceof Response.Rows r
        ? r.rows().stream().filter(row -> "remote".equals(row[1])).count() : 1;
    return tables * partitions * targets;
  }
}
