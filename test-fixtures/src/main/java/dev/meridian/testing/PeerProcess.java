package dev.meridian.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real peer process, started through the launcher ({@code bin/meridian peer --config}),
 * its output copied to a log file. Stopped for real: {@link #kill()} is SIGKILL,
 * {@link #terminate()} is SIGTERM. Not thread-safe; one test drives it.
 */
public final class PeerProcess implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile("ready: driver protocol on ([^ ,]+):(\\d+), hazelcast on ([^ ,]+:\\d+)"
          + "(?:, links on [^ ,]+:(\\d+))?");

  /** The JVM options of a peer unless a test asks for others. */
  public static final String DEFAULT_JAVA_OPTS = "-Xmx512m -XX:+UseSerialGC";

  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<Integer> clientPort = new CompletableFuture<>();
  private volatile String hazelcastAddress;
  private volatile int linkPort;
  private Thread pump;

  private PeerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The repository root, where {@code bin/meridian} lives (from {@code meridian.home} or the working directory's parent). */
  public static Path home() {
    String configured = System.getProperty("meridian.home");
    Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("bin/meridian"))) {
        return p;
      }
    }
    throw new IllegalStateException("bin/meridian not found above " + start);
  }

  /**
   * Writes {@code configYaml} to {@code dir/name.yaml}, starts the peer and waits until it says
   * it is ready.
   */
  public static PeerProcess start(Path dir, String name, String configYaml, Duration timeout) {
    return start(dir, name, configYaml, timeout, DEFAULT_JAVA_OPTS);
  }

  /**
   * Starts a peer as {@link #start(Path, String, String, Duration)} does, with the given JVM
   * options ({@code MERIDIAN_JAVA_OPTS}: heap size, GC) in place of {@value #DEFAULT_JAVA_OPTS}.
   */
  public static PeerProcess start(Path dir, String name, String configYaml, Duration timeout,
      String javaOpts) {
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve(name + ".yaml");
      Files.writeString(config, configYaml);
      Path log = dir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(List.of(home().resolve("bin/meridian").toString(),
          "peer", "--config", config.toString()));
      pb.redirectErrorStream(true);
      pb.environment().put("MERIDIAN_JAVA_OPTS", javaOpts);
      PeerProcess peer = new PeerProcess(name, pb.start(), log);
      peer.pumpOutput();
      try {
        peer.clientPort.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        peer.kill();
        throw new AssertionError("peer " + name + " not ready within " + timeout + "; log:\n"
            + peer.logText(), e);
      }
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pumpOutput() {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer out = Files.newBufferedWriter(log)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.write(line);
          out.write('\n');
          out.flush();
          Matcher m = READY.matcher(line);
          if (m.find()) {
            hazelcastAddress = m.group(3);
            linkPort = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
            clientPort.complete(Integer.parseInt(m.group(2)));
          }
        }
      } catch (IOException e) {
        // the process died; its exit code tells the rest
      }
      clientPort.completeExceptionally(new IllegalStateException("peer " + name + " exited"));
    }, "peer-output-" + name);
    t.setDaemon(true);
    t.start();
    pump = t;
  }

  /** The peer's name. */
  public String name() {
    return name;
  }

  /** The driver-protocol port the peer reported. */
  public int clientPort() {
    return clientPort.join();
  }

  /** {@code 127.0.0.1:<clientPort>}. */
  public String clientAddress() {
    return "127.0.0.1:" + clientPort();
  }

  /** The link port the peer reported (other regions' replication connects there). */
  public int linkPort() {
    clientPort.join();
    return linkPort;
  }

  /** The {@code host:port} of the peer's Hazelcast member. */
  public String hazelcastAddress() {
    clientPort.join();
    return hazelcastAddress;
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits for the process to be gone. */
  public void kill() {
    // Through the handle: Process.destroy* would also close our end of its output.
    process.toHandle().destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  /**
   * SIGKILL without waiting, so that several peers die at the same moment; {@link #kill()}
   * afterwards waits for the end.
   */
  void sendKill() {
    process.toHandle().destroyForcibly();
  }

  /** SIGTERM (clean shutdown), then waits; returns the exit code. */
  public int terminate(Duration timeout) {
    process.toHandle().destroy();
    return waitFor(timeout);
  }

  private int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().destroyForcibly();
        process.waitFor();
      }
      // The output pump ends at the process's end of output; wait so the log is complete.
      pump.join(TimeUnit.SECONDS.toMillis(10));
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the process printed so far. */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
