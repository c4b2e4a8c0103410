package dev.meridian.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition with a deadline, never a bare sleep: polls every few milliseconds and
 * fails with a message that says what was awaited and what was last seen.
 */
public final class Deadline {
  private Deadline() {}

  /** Waits until {@code condition} holds, failing after {@code timeout}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /**
   * Waits until {@code probe} returns non-null and returns it; exceptions from the probe count
   * as "not yet" and the last one is reported on timeout.
   */
  public static <T> T await(String what, Duration timeout, Supplier<T> probe) {
    long end = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    long pauseMillis = 2;
    while (true) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() > end) {
        AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for " + what);
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      pause(pauseMillis);
      pauseMillis = Math.min(100, pauseMillis * 2);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
