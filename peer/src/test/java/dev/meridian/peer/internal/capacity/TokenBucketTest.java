package dev.meridian.peer.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The token bucket on a clock the test moves: exact grants under concurrent takes, refill at
 * the rate up to the burst, debt, and a rate changed while tokens are held.
 */
class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(123_456_789L);

  @Test
  void concurrentTakesGrantExactlyTheTokensThere() throws Exception {
    long seed = System.nanoTime();
    System.out.println("TokenBucketTest seed " + seed);
    TokenBucket bucket = new TokenBucket(1000, 500, now::get);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> granted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Random random = new Random(seed + round * 31 + t);
          granted.add(pool.submit(() -> {
            start.await();
            long sum = 0;
            for (int i = 0; i < 400; i++) {
              int n = 1 + random.nextInt(3);
              switch (random.nextInt(2)) {
                case 0 -> sum += bucket.tryTake(n) ? n : 0;
                default -> sum += bucket.takeUpTo(n);
              }
            }
            return sum;
          }));
        }
        start.countDown();
        long total = 0;
        for (Future<Long> f : granted) {
          total += f.get(30, TimeUnit.SECONDS);
        }
        // The clock stood still: exactly the burst was there to take, and it was all taken
        // (8 threads asked for far more).
        assertEquals(500, total, "round " + round + ", seed " + seed);
        assertEquals(0, bucket.tokens(), 1e-9);
        now.addAndGet(SECOND / 2); // refills 500, the burst
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void threadsDrainingALargeBucketGetExactlyItsTokens() throws Exception {
    TokenBucket bucket = new TokenBucket(1, 200_000, now::get);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> granted = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int which = t;
        granted.add(pool.submit(() -> {
          start.await();
          long sum = 0;
          while (true) {
            long got = which % 2 == 0 ? bucket.takeUpTo(1) : (bucket.tryTake(1) ? 1 : 0);
            if (got == 0 && bucket.tokens() < 1) {
              return sum;
            }
            sum += got;
          }
        }));
      }
      start.countDown();
      long total = 0;
      for (Future<Long> f : granted) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertEquals(200_000, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refillsAtTheRateUpToTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 4, now::get);
    assertEquals(4, bucket.takeUpTo(100));
    assertFalse(bucket.tryTake(1));
    now.addAndGet(SECOND / 10);
    assertTrue(bucket.tryTake(1));
    assertFalse(bucket.tryTake(1));
    now.addAndGet(10 * SECOND);
    assertEquals(4, bucket.takeUpTo(100));
    assertEquals(100, bucket.millisUntil(1));
    assertEquals(400, bucket.millisUntil(4));
  }

  @Test
  void aDebitIsWaitedOut() {
    TokenBucket bucket = new TokenBucket(10, 2, now::get);
    bucket.debit(12);
    assertEquals(-10, bucket.tokens(), 1e-9);
    assertFalse(bucket.hasToken());
    now.addAndGet(SECOND);
    assertFalse(bucket.hasToken());
    now.addAndGet(SECOND / 10);
    assertTrue(bucket.hasToken());
  }

  @Test
  void aNewRateKeepsTheTokensUpToTheNewBurst() {
    TokenBucket bucket = new TokenBucket(100, 50, now::get);
    bucket.reset(10, 5);
    assertEquals(5, bucket.takeUpTo(50));
    now.addAndGet(SECOND);
    assertEquals(5, bucket.takeUpTo(50));
    bucket.reset(1000, 200);
    now.addAndGet(SECOND / 10);
    assertEquals(100, bucket.takeUpTo(500));
  }
}
