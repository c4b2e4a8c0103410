package dev.meridian.peer.internal.replication;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Simulated time and the one queue of everything that happens in a {@link ReplicationSimulation}:
 * tasks run one at a time in (time, submission) order, so the loop is also the actor of every
 * {@link LinkSender} of the run. Time only moves when the loop takes the next task; nothing here
 * reads the wall clock. Not thread-safe; one per run.
 */
final class EventLoop implements Executor {
  /** Most tasks one run may take: a livelock fails the run instead of hanging the suite. */
  static final long MAX_TASKS = 3_000_000;

  private record Task(long time, long seq, Runnable run) {}

  private final PriorityQueue<Task> queue = new PriorityQueue<>(
      Comparator.comparingLong(Task::time).thenComparingLong(Task::seq));
  private long now;
  private long seq;
  private long taken;

  /** Simulated milliseconds since the start of the run. */
  long now() {
    return now;
  }

  /** Tasks run so far. */
  long taken() {
    return taken;
  }

  /** Runs a task after every task already queued for the current time. */
  @Override
  public void execute(Runnable task) {
    at(now, task);
  }

  /** Runs a task {@code delayMillis} from now (at once if not positive). */
  void after(long delayMillis, Runnable task) {
    at(now + Math.max(0, delayMillis), task);
  }

  /** Runs a task at a point in simulated time (now if that has passed). */
  void at(long time, Runnable task) {
    queue.add(new Task(Math.max(now, time), seq++, task));
  }

  /**
   * Runs tasks until {@code done} holds (checked after each task) or the next task lies beyond
   * {@code deadline}.
   *
   * @return whether {@code done} held
   * @throws IllegalStateException after {@link #MAX_TASKS} tasks
   */
  boolean runUntil(BooleanSupplier done, long deadline) {
    while (!done.getAsBoolean()) {
      Task next = queue.peek();
      if (next == null || next.time() > deadline) {
        return false;
      }
      queue.poll();
      now = next.time();
      if (++taken > MAX_TASKS) {
        throw new IllegalStateException("more than " + MAX_TASKS + " tasks: a livelock?");
      }
      next.run().run();
    }
    return true;
  }
}
