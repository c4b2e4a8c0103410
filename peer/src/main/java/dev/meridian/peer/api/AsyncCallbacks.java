package dev.meridian.peer.api;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives Hazelcast a pooled executor for its future callbacks on small machines.
 *
 * <p>Hazelcast runs the dependent stages of its futures on {@code ForkJoinPool.commonPool()},
 * except when the common pool has parallelism 1 (a machine with two cores): then it starts a
 * new thread for every callback. Measured on this project's 2-core machine, that was about 1,500
 * thread starts a second per peer under load. This installs a small fixed pool instead, through
 * {@link ConcurrencyUtil#setDefaultAsyncExecutor} (internal Hazelcast API, JVM-wide), once, and
 * only where Hazelcast would otherwise start threads per callback.
 */
final class AsyncCallbacks {
  private static final AtomicInteger INSTALLED = new AtomicInteger();

  private AsyncCallbacks() {}

  static void install() {
    if (ForkJoinPool.getCommonPoolParallelism() > 1 || !INSTALLED.compareAndSet(0, 1)) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.max(4, Runtime.getRuntime().availableProcessors() * 2), r -> {
          Thread t = new Thread(r, "meridian-hz-callback-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    ConcurrencyUtil.setDefaultAsyncExecutor(pool);
  }
}
