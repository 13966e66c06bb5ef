package dev.sluice.flow.testing;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A hand-driven clock and scheduler for tests, in the manner of grpc-java's {@code FakeClock}. Time
 * moves only when a test calls {@link #advance}; due tasks run then, in due order, on the calling
 * thread. Thread-safe: other threads may read the time and schedule tasks.
 */
public final class FakeClock implements Ticker, Scheduler {

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now = 1_000_000_000L; // an arbitrary origin, not zero, so no code may assume zero
  private long nextSequence;

  private static final class Task implements Comparable<Task>, Cancellable {
    final long due;
    final long sequence;
    final Runnable runnable;
    volatile boolean cancelled;

    Task(long due, long sequence, Runnable runnable) {
      this.due = due;
      this.sequence = sequence;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public synchronized long read() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task scheduled = new Task(now + Math.max(0, delayNanos), nextSequence++, task);
    tasks.add(scheduled);
    return scheduled;
  }

  /** Moves time forward by {@code duration}, running every task that falls due, in order. */
  public void advance(Duration duration) {
    advanceNanos(duration.toNanos());
  }

  /** Moves time forward by {@code nanos}, running every task that falls due, in order. */
  public void advanceNanos(long nanos) {
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    for (; ; ) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.due);
      }
      if (!next.cancelled) {
        next.runnable.run();
      }
    }
  }

  /** Runs the tasks due now (for example those scheduled with no delay). */
  public void runDue() {
    advanceNanos(0);
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pendingTasks() {
    int count = 0;
    for (Task task : tasks) {
      if (!task.cancelled) {
        count++;
      }
    }
    return count;
  }

  /** The due times of pending tasks, soonest first, relative to now. */
  public synchronized List<Long> pendingDelays() {
    List<Task> sorted = new ArrayList<>(tasks);
    sorted.sort(null);
    List<Long> delays = new ArrayList<>();
    for (Task task : sorted) {
      if (!task.cancelled) {
        delays.add(task.due - now);
      }
    }
    return delays;
  }
}
