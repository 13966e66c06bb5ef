package dev.sluice.gateway;

import dev.sluice.sim.time.SimScheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A simulator clock that moves only in {@link #advance}, running due tasks on the caller's thread,
 * so that a simulated backend holds its slots until the test lets generation proceed. Thread-safe.
 */
final class ManualSimClock implements SimScheduler {

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long sequence;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized long currentTimeMillis() {
    return 1_700_000_000_000L + now / 1_000_000;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task scheduled = new Task(now + Math.max(0, delayNanos), sequence++, task);
    tasks.add(scheduled);
    return () -> scheduled.cancelled = true;
  }

  /** Moves time forward by {@code duration}, running the tasks that fall due. */
  void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = now + duration.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = next.due;
      }
      if (!next.cancelled) {
        next.task.run();
      }
    }
  }

  private static final class Task implements Comparable<Task> {
    final long due;
    final long order;
    final Runnable task;
    volatile boolean cancelled;

    Task(long due, long order, Runnable task) {
      this.due = due;
      this.order = order;
      this.task = task;
    }

    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }
}
