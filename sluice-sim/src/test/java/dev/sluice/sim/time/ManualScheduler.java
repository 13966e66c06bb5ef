package dev.sluice.sim.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link SimScheduler} whose time moves only in {@link #advance(Duration)}, which runs every task
 * that falls due, in due order, on the calling thread. Thread-safe.
 */
public final class ManualScheduler implements SimScheduler {

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
  public void advance(Duration duration) {
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

  /** Tasks scheduled and not yet run or cancelled. */
  public synchronized long pendingTasks() {
    return tasks.stream().filter(task -> !task.cancelled).count();
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
