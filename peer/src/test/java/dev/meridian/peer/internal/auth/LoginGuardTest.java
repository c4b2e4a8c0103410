package dev.meridian.peer.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The refusal delay per source host: doubling from 100 ms to a 3 s cap for the host that keeps
 * failing, none of it for another host, forgotten after a success; and exact counts when many
 * connections fail at once.
 */
class LoginGuardTest {
  private static final InetSocketAddress GUESSER = new InetSocketAddress("10.0.0.66", 40001);
  private static final InetSocketAddress GUESSER_OTHER_PORT =
      new InetSocketAddress("10.0.0.66", 40002);
  private static final InetSocketAddress HONEST = new InetSocketAddress("10.0.0.7", 40003);

  @Test
  void theDelayDoublesPerFailureFromOneHostUpToTheCap() {
    LoginGuard guard = new LoginGuard(() -> null);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      delays.add(guard.failed(i % 2 == 0 ? GUESSER : GUESSER_OTHER_PORT, "admin"));
    }
    assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3000L, 3000L, 3000L), delays,
        "the host counts, not the connection's port");
    for (int i = 0; i < 100; i++) {
      guard.failed(GUESSER, "admin");
    }
    assertEquals(3000L, guard.failed(GUESSER, "admin"), "capped, never overflowing");
  }

  @Test
  void anotherHostIsNotSlowedAndASuccessForgetsTheFailures() {
    LoginGuard guard = new LoginGuard(() -> null);
    for (int i = 0; i < 5; i++) {
      guard.failed(GUESSER, "admin");
    }
    assertEquals(100L, guard.failed(HONEST, "app"), "no lockout for others");
    guard.succeeded(HONEST, "app");
    assertEquals(3000L, guard.failed(GUESSER, "admin"));
    guard.succeeded(GUESSER, "admin");
    assertEquals(100L, guard.failed(GUESSER, "admin"), "a success starts again from 100 ms");
    assertEquals(8, guard.failures());
    assertEquals(2, guard.successes());
  }

  @Test
  void concurrentFailuresAreCountedExactly() throws Exception {
    LoginGuard guard = new LoginGuard(() -> null);
    int threads = 8;
    int each = 300;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            // Half the threads share one host, the others have one each.
            InetSocketAddress from = thread % 2 == 0 ? GUESSER
                : new InetSocketAddress("10.1.0." + thread, 50000 + i);
            guard.failed(from, "admin");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals((long) threads * each, guard.failures());
    // The shared host failed 4 x 300 times: capped; a host that never failed starts at 100 ms.
    assertEquals(3000L, guard.failed(GUESSER, "admin"));
    assertEquals(100L, guard.failed(HONEST, "app"));
  }
}
