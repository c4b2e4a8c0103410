package dev.meridian.peer.internal.replication;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.SplittableRandom;

/**
 * The source of every choice a {@link ReplicationSimulation} run makes, so that one seed (or
 * one fuzz input) fixes the whole run. Not thread-safe; one per run.
 */
interface Choices {

  /** A number in {@code [lo, hi]}. */
  int between(int lo, int hi);

  /**
   * Whether something with the given chance in percent happens. An exhausted fuzz input answers
   * false (short of 100 %), so a run whose input ran out is quiet rather than all faults.
   */
  boolean percent(int chance);

  /** Choices drawn from a seeded generator. */
  static Choices of(SplittableRandom random) {
    return new Choices() {
      @Override
      public int between(int lo, int hi) {
        return lo == hi ? lo : random.nextInt(lo, hi + 1);
      }

      @Override
      public boolean percent(int chance) {
        return random.nextInt(100) < chance;
      }
    };
  }

  /** Choices read from a fuzz input; once it runs out, every number is its lower bound. */
  static Choices of(FuzzedDataProvider data) {
    return new Choices() {
      @Override
      public int between(int lo, int hi) {
        return lo == hi ? lo : data.consumeInt(lo, hi);
      }

      @Override
      public boolean percent(int chance) {
        return data.consumeInt(0, 99) >= 100 - chance;
      }
    };
  }
}
