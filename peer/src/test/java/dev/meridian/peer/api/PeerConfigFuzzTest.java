package dev.meridian.peer.api;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever a configuration file holds, loading it ends in a valid configuration or a
 * {@link ConfigException} that lists what to change; nothing else escapes to the launcher.
 */
class PeerConfigFuzzTest {
  private static final String VALID = "region: us-east-1\nname: a\nclientPort: 7400\n"
      + "backupCount: 1\nmaxClockOffsetMs: 500\nhazelcast:\n  host: 127.0.0.1\n  port: 5701\n"
      + "  members: [\"127.0.0.1:5701\", \"127.0.0.1:5702\"]\n  properties: {a: b}\n";

  static void parseExpectingOnlyConfigErrors(String yaml) {
    try {
      PeerConfig.parse(yaml, "fuzz.yaml");
    } catch (ConfigException e) {
      assertFalse(e.problems().isEmpty(), "a ConfigException names at least one problem");
    }
  }

  @FuzzTest(maxDuration = "10s")
  void anyTextLoadsOrFailsWithAConfigException(String yaml) {
    if (yaml != null) {
      parseExpectingOnlyConfigErrors(yaml);
    }
  }

  @Test
  void mutatedConfigurationsLoadOrFailWithAConfigException() {
    long seed = Long.getLong("meridian.seed", System.nanoTime());
    Random random = new Random(seed);
    String alphabet = ":-[]{}\"', \n\t#&*!|>%@`0123456789abcXYZ.";
    for (int i = 0; i < 3000; i++) {
      StringBuilder yaml = new StringBuilder(VALID);
      for (int e = 1 + random.nextInt(4); e > 0 && yaml.length() > 0; e--) {
        int at = random.nextInt(yaml.length());
        switch (random.nextInt(3)) {
          case 0 -> yaml.deleteCharAt(at);
          case 1 -> yaml.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> yaml.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      try {
        parseExpectingOnlyConfigErrors(yaml.toString());
      } catch (RuntimeException | AssertionError failure) {
        throw new AssertionError("seed " + seed + " (-Dmeridian.seed=" + seed + "), case " + i
            + ":\n" + yaml, failure);
      }
    }
  }
}
