package dev.meridian.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one operation from N threads for a warm-up and a measured period, recording each call's
 * latency in an HdrHistogram (closed loop: each thread issues its next call when the last
 * returns).
 */
final class LatencyRun {

  /** One thread's operation; {@code i} counts that thread's calls. */
  interface Op {
    void run(int thread, long i) throws Exception;
  }

  /** The measured figures. */
  record Result(String name, int threads, long ops, double seconds, Histogram histogram) {
    double throughput() {
      return ops / seconds;
    }

    double p50Micros() {
      return histogram.getValueAtPercentile(50) / 1000.0;
    }

    double p99Micros() {
      return histogram.getValueAtPercentile(99) / 1000.0;
    }
  }

  private LatencyRun() {}

  static Result run(String name, int threads, double warmupSeconds, double seconds, Op op)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(threads);
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        long i = 0;
        try {
          while (!stop.get()) {
            long start = System.nanoTime();
            op.run(thread, i++);
            if (measuring.get()) {
              recorder.recordValue(System.nanoTime() - start);
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          done.countDown();
        }
      }, name + "-" + t);
      worker.setDaemon(true);
      worker.start();
    }
    TimeUnit.MILLISECONDS.sleep((long) (warmupSeconds * 1000));
    recorder.reset();
    measuring.set(true);
    long start = System.nanoTime();
    TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
    Histogram h = recorder.getIntervalHistogram();
    double elapsed = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    done.await();
    if (!failures.isEmpty()) {
      throw new IllegalStateException(name + " failed", failures.get(0));
    }
    return new Result(name, threads, h.getTotalCount(), elapsed, h);
  }
}
