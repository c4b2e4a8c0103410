package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.RegionProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a user runs it: README's run command, bad configurations, SIGTERM. */
class LauncherIT {
  @TempDir
  Path dir;

  private record Run(int exit, String output) {}

  private Run run(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(PeerProcess.home().resolve("bin/meridian").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .directory(PeerProcess.home().toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "launcher did not finish");
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void readmeRunCommandShowsCreateWriteReadUpdateDelete() throws Exception {
    Run r = run(List.of("sql", "-u", "jdbc:meridian:mem:quickstart?regions=us-east-1",
        "-f", "examples/quickstart.sql"));
    assertEquals(0, r.exit(), r.output());
    // Rows as sqlline prints them after each step of examples/quickstart.sql.
    assertTrue(r.output().contains("Grace"), r.output());
    assertTrue(r.output().contains("Barbara"), r.output());
    assertTrue(r.output().matches("(?s).*\\| 3 +\\| Linus +\\| 1400 +\\| true.*"), r.output());
    assertTrue(!r.output().contains("Error:"), r.output());
  }

  @Test
  void readmeDemoCommandEndsOnDublinEverywhereCatchesUpAndSummarizes() throws Exception {
    Run r = run(List.of("demo", "--seconds", "2"));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("verdict: all 3 regions agree on \"Dublin\""), r.output());
    assertTrue(r.output().contains(
        "Boston/Dublin ended on: {us-east-1=Dublin, eu-west-1=Dublin, ap-southeast-1=Dublin}"),
        r.output());
    assertTrue(r.output().contains("verdict: eu-west-1 logged \"Boston\" losing to \"Dublin\""),
        r.output());
    assertTrue(r.output().contains("ap-southeast-1 holds every row the others held"), r.output());
    assertTrue(r.output().contains("verdict: eu-west-1 throttled "), r.output());
    assertTrue(r.output().matches("(?s).*== 6\\. Summary =+\n +region +writes +local p50 +local p99"
        + " +conflicts resolved +serving again +caught up\n.*"), r.output());
    assertTrue(r.output().matches("(?s).*\n +ap-southeast-1 +[0-9,]+ .* [0-9.]+ s +[0-9.]+ s\n.*"),
        r.output());
    assertTrue(r.output().contains("demo finished: every check held."), r.output());
    // Not a terminal: plain lines only.
    assertTrue(!r.output().contains("\u001b[") && !r.output().contains("\r"), r.output());
  }

  @Test
  void aBadDemoOptionExitsWithCode2() throws Exception {
    Run r = run(List.of("demo", "--seconds", "0"));
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("--seconds must be 1 to 3600, not 0"), r.output());
  }

  @Test
  void aBadConfigurationExitsWithCode2AndSaysWhatToChange() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "regoin: us-east-1\nclientPort: 99999\n");
    Run r = run(List.of("peer", "--config", config.toString()));
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("regoin"), r.output());
    assertTrue(r.output().contains("clientPort"), r.output());
  }

  @Test
  void aMissingConfigurationFileExitsWithCode2() throws Exception {
    Run r = run(List.of("peer", "--config", dir.resolve("absent.yaml").toString()));
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("absent.yaml"), r.output());
  }

  @Test
  void sigtermShutsThePeerDownCleanly() {
    try (RegionProcesses region = RegionProcesses.start(dir, "ap-southeast-1", 1)) {
      PeerProcess peer = region.peers().get(0);
      int exit = peer.terminate(java.time.Duration.ofSeconds(60));
      assertEquals(143, exit, peer.logText());
      assertTrue(peer.logText().contains("stopped"), peer.logText());
    }
  }
}
