package dev.meridian.cli;

import dev.meridian.cli.tls.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian cert ca|peer|client}: makes the certificates of a secure cluster in one
 * directory: the cluster's CA, a certificate per peer (naming its hosts and its region, which
 * its links prove by it) and client certificates for drivers. Exit codes: 0 done, 1 failed.
 */
@Command(name = "cert", description = {
    "Creates a cluster CA, peer certificates and client certificates (PEM files)."},
    subcommands = {CertCommand.Ca.class, CertCommand.Peer.class, CertCommand.Client.class})
final class CertCommand implements Runnable {

  @Override
  public void run() {
    System.err.println("meridian cert: say what to create: ca, peer or client"
        + " (meridian help cert)");
  }

  /** The options every kind shares. */
  abstract static class Kind implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "certs", paramLabel = "DIR",
        description = "where the files go and the CA is read from (default: certs)")
    Path dir;

    @Option(names = "--days", defaultValue = "365", paramLabel = "DAYS",
        description = "how long the certificate is valid (default: 365)")
    int days;

    @Override
    public Integer call() {
      try {
        Files.createDirectories(dir);
        return make();
      } catch (RuntimeException | java.io.IOException e) {
        System.err.println("meridian cert: " + e.getMessage());
        return 1;
      }
    }

    abstract int make();

    Instant until() {
      return Instant.now().plus(Duration.ofDays(days));
    }
  }

  @Command(name = "ca", description = "Creates the cluster's CA: ca.key and ca.crt.")
  static final class Ca extends Kind {
    @Option(names = "--name", defaultValue = "Meridian cluster CA",
        description = "the CA's common name")
    String name;

    @Override
    int make() {
      if (Files.exists(dir.resolve("ca.key"))) {
        System.err.println("meridian cert: " + dir.resolve("ca.key") + " exists; a new CA would"
            + " orphan every certificate it signed. Remove it first to start over.");
        return 1;
      }
      CertificateAuthority.create(name, Duration.ofDays(days)).write(dir);
      System.out.println("wrote " + dir.resolve("ca.crt") + " and " + dir.resolve("ca.key")
          + " (keep the key secret; peers and drivers need only ca.crt)");
      return 0;
    }
  }

  @Command(name = "peer", description = "Creates a peer's certificate, signed by the CA in DIR.")
  static final class Peer extends Kind {
    @Option(names = "--region", required = true, description = "the peer's region")
    String region;

    @Option(names = "--host", paramLabel = "HOST", description = {
        "a host name or address clients and other regions dial (repeatable;"
            + " default: localhost and 127.0.0.1)"})
    List<String> hosts = new ArrayList<>();

    @Option(names = "--name", description = "the file name (default: the region)")
    String name;

    @Override
    int make() {
      List<String> names = hosts.isEmpty() ? List.of("localhost", "127.0.0.1") : hosts;
      String file = name != null ? name : region;
      CertificateAuthority.load(dir).issuePeer(region, names, Instant.now().minusSeconds(60),
          until()).write(dir, file);
      Path d = dir.toAbsolutePath();
      System.out.println("wrote " + d.resolve(file + ".crt") + " for " + names + " in region "
          + region + "; in the peer's config:\n"
          + "tls:\n"
          + "  key: " + d.resolve(file + ".key") + "\n"
          + "  cert: " + d.resolve(file + ".crt") + "\n"
          + "  ca: " + d.resolve("ca.crt"));
      return 0;
    }
  }

  @Command(name = "client", description = "Creates a driver's client certificate.")
  static final class Client extends Kind {
    @Option(names = "--name", required = true, description = "the user the certificate names")
    String name;

    @Override
    int make() {
      CertificateAuthority.load(dir).issueClient(name, Instant.now().minusSeconds(60), until())
          .write(dir, name);
      Path d = dir.toAbsolutePath();
      System.out.println("wrote " + d.resolve(name + ".crt") + "; connect with sslmode=verify-full"
          + "&sslrootcert=" + d.resolve("ca.crt") + "&sslcert=" + d.resolve(name + ".crt")
          + "&sslkey=" + d.resolve(name + ".key"));
      return 0;
    }
  }
}
