package dev.meridian.peer.testing;

import java.util.SplittableRandom;

/**
 * Runs a property over many generated cases, each driven by its own seed, and names the seed
 * of a failing case so it can be replayed alone.
 *
 * <p>The base seed is fixed (the suite is deterministic) unless {@code -Dmeridian.seed=N} sets
 * another; {@code -Dmeridian.case=N} runs only the case with that seed. Stateless.
 */
public final class SeededCases {
  private static final long DEFAULT_BASE_SEED = 0x6D65726964L;

  private SeededCases() {}

  /** A property over one case's random source. */
  @FunctionalInterface
  public interface Property {
    /** Checks the property on one case; throws to fail it. */
    void check(SplittableRandom random) throws Exception;
  }

  /**
   * Checks {@code property} on {@code cases} generated cases.
   *
   * @throws AssertionError naming the failing case's seed and how to replay it
   */
  public static void forAll(String name, int cases, Property property) {
    String only = System.getProperty("meridian.case");
    if (only != null) {
      run(name, Long.decode(only), property);
      return;
    }
    long base = Long.decode(System.getProperty("meridian.seed", Long.toString(DEFAULT_BASE_SEED)));
    SplittableRandom seeds = new SplittableRandom(base);
    for (int i = 0; i < cases; i++) {
      run(name, seeds.nextLong(), property);
    }
  }

  private static void run(String name, long seed, Property property) {
    try {
      property.check(new SplittableRandom(seed));
    } catch (Throwable t) {
      AssertionError e = new AssertionError(name + " failed for case seed " + seed
          + "; replay with -Dmeridian.case=" + seed + ": " + t, t);
      System.err.println(e.getMessage());
      throw e;
    }
  }
}
