package dev.meridian.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The peers of one region as real processes started through {@code bin/meridian peer}, on free
 * loopback ports, forming one Hazelcast peer group. Close kills whatever still runs.
 */
public final class RegionProcesses implements AutoCloseable {
  /** How long a peer process may take to say it is ready. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final String region;
  private final List<PeerProcess> peers;
  private final Path dir;
  private final List<String> configs;
  private int runs = 1;

  private RegionProcesses(String region, List<PeerProcess> peers, Path dir,
      List<String> configs) {
    this.region = region;
    this.peers = peers;
    this.dir = dir;
    this.configs = configs;
  }

  /**
   * Starts {@code count} peers of {@code region}, their configs and logs under {@code dir}.
   * Peers start one after another so each joins the group the previous ones formed.
   */
  public static RegionProcesses start(Path dir, String region, int count) {
    return start(dir, region, count, null);
  }

  /**
   * As {@link #start(Path, String, int)}, each peer's configuration ending with
   * {@code extraYaml}, in which {@code {name}} stands for the peer's name (e.g.
   * {@code "dataDir: /tmp/x/{name}\n"}). Each peer's driver port is fixed too, so a peer
   * {@link #restart restarted} serves where clients knew it.
   */
  public static RegionProcesses start(Path dir, String region, int count, String extraYaml) {
    List<Integer> hzPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      hzPorts.add(FreePorts.next());
    }
    String members = hzPorts.stream().map(p -> "\"127.0.0.1:" + p + "\"")
        .collect(Collectors.joining(", ", "[", "]"));
    List<PeerProcess> peers = new ArrayList<>();
    List<String> configs = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        String name = region + "-peer-" + (i + 1);
        String yaml = "region: " + region + "\n"
            + "name: " + name + "\n"
            + (extraYaml == null ? "clientPort: 0\n"
                : "clientPort: " + FreePorts.next() + "\nlinkPort: 0\n")
            + "backupCount: 1\n"
            + "hazelcast:\n"
            + "  host: 127.0.0.1\n"
            + "  port: " + hzPorts.get(i) + "\n"
            + "  members: " + members + "\n"
            + (extraYaml == null ? "" : extraYaml.replace("{name}", name));
        configs.add(yaml);
        peers.add(PeerProcess.start(dir, name, yaml, START_TIMEOUT));
      }
    } catch (RuntimeException | Error e) {
      peers.forEach(PeerProcess::close);
      throw e;
    }
    return new RegionProcesses(region, peers, dir, configs);
  }

  /** SIGKILL to every peer at the same moment, then waits until all are gone. */
  public void killAll() {
    peers.forEach(PeerProcess::sendKill);
    peers.forEach(PeerProcess::kill);
  }

  /**
   * Starts peer {@code i} again with the configuration (ports, data directory) it had, its
   * output in a new log file; the old process must be gone.
   */
  public PeerProcess restart(int i) {
    if (peers.get(i).isAlive()) {
      throw new IllegalStateException(peers.get(i).name() + " still runs");
    }
    Path runDir = dir.resolve("run-" + (++runs));
    PeerProcess p = PeerProcess.start(runDir, peers.get(i).name(), configs.get(i),
        START_TIMEOUT);
    peers.set(i, p);
    return p;
  }

  /** The region's name. */
  public String region() {
    return region;
  }

  /** The peers, in start order. */
  public List<PeerProcess> peers() {
    return peers;
  }

  /** A remote JDBC URL listing every peer of the region, in start order (current ports). */
  public String jdbcUrl() {
    return jdbcUrl(peers);
  }

  /** A remote JDBC URL listing the given peers in the given order. */
  public String jdbcUrl(List<PeerProcess> order) {
    return "jdbc:meridian://" + region + "="
        + order.stream().map(PeerProcess::clientAddress).collect(Collectors.joining(","))
        + "/?region=" + region;
  }

  @Override
  public void close() {
    peers.forEach(PeerProcess::close);
  }
}
