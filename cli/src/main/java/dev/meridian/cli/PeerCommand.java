package dev.meridian.cli;

import dev.meridian.peer.api.ConfigException;
import dev.meridian.peer.api.Peer;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.api.PeerOption;
import dev.meridian.protocol.error.MeridianException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian peer --config <file>}: runs one peer until SIGTERM or SIGINT, then shuts it
 * down cleanly (the member hands its partitions to the other peers first). Exit codes: 0 after
 * a clean shutdown, 2 for a bad configuration, 1 when the peer cannot start.
 */
@Command(name = "peer", description = {
    "Runs one peer of a region: a Hazelcast member plus the driver-protocol server.",
    "Stops cleanly on SIGTERM/SIGINT. Configuration keys (YAML):"},
    footer = {"%nExit codes: 1 could not start, 2 bad configuration; after SIGTERM the JVM reports 143"
        + " once the clean shutdown has finished."})
final class PeerCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "the peer's YAML configuration")
  Path config;

  @Option(names = {"--routing"}, paramLabel = "FILE",
      description = "the routing config (data residency rules); overrides 'routing' in the"
          + " peer's configuration")
  Path routing;

  @Override
  public Integer call() throws InterruptedException {
    PeerConfig cfg;
    try {
      cfg = PeerConfig.load(config);
      if (routing != null) {
        cfg = cfg.toBuilder().routing(routing.toString()).build();
      }
    } catch (ConfigException e) {
      System.err.println("meridian peer: bad configuration " + config + ":");
      for (String problem : e.problems()) {
        System.err.println("  - " + problem);
      }
      System.err.println("Valid keys:");
      for (PeerOption o : PeerOption.values()) {
        System.err.println("  " + o.key() + " — " + o.description());
      }
      return 2;
    }
    Peer peer;
    try {
      peer = Peer.start(cfg);
    } catch (MeridianException e) {
      System.err.println("meridian peer: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("meridian peer " + peer.name() + ": shutting down");
      peer.close();
      System.out.println("meridian peer " + peer.name() + ": stopped");
      System.out.flush();
      stopped.countDown();
    }, "meridian-peer-shutdown"));
    if (!peer.awaitSafe(java.time.Duration.ofMinutes(5))) {
      System.out.println("meridian peer " + peer.name() + ": partitions still moving after 5"
          + " minutes; serving anyway");
    }
    // A region that started empty is backfilled by the others first; "ready" means serving.
    dev.meridian.peer.internal.replication.Replicator replicator = peer.node().replicator();
    while (!replicator.serving() && stopped.getCount() > 0) {
      System.out.println("meridian peer " + peer.name() + ": backfilling "
          + Progress.bar(Math.round(replicator.backfillProgress() * 100), 100, "% "
          + replicator.backfillStatus()));
      System.out.flush();
      stopped.await(1, java.util.concurrent.TimeUnit.SECONDS);
    }
    System.out.println("meridian peer " + peer.name() + " (region " + peer.region()
        + ") ready: driver protocol on " + hostPort(peer.clientAddress())
        + ", hazelcast on " + hostPort(peer.node().hazelcastAddress())
        + ", links on " + hostPort(peer.linkAddress())
        + (peer.metricsAddress() == null ? ""
            : ", metrics on http://" + hostPort(peer.metricsAddress()) + "/metrics"));
    System.out.flush();
    stopped.await();
    return 0;
  }

  private static String hostPort(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
