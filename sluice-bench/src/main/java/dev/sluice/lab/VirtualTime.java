package dev.sluice.lab;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Virtual time for the scenario lab: a {@link Ticker} and a {@link Scheduler} driven by one event
 * loop. Nothing happens between events; time jumps to the next one. Events at the same instant run
 * in the order they were scheduled, so a run depends only on its inputs.
 *
 * <p>Single-threaded: every task, and so every controller call it makes, runs on the thread that
 * calls {@link #advanceTo} or {@link #runWhile}.
 */
public final class VirtualTime implements Ticker, Scheduler {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long nextSequence;
  private long executed;

  @Override
  public long read() {
    return now;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    Task scheduled = new Task(now + Math.max(0, delayNanos), nextSequence++, task);
    tasks.add(scheduled);
    return scheduled;
  }

  /** Runs every task due at or before {@code time}, then sets the clock to {@code time}. */
  public void advanceTo(long time) {
    if (time < now) {
      throw new IllegalArgumentException("time: " + time + " (expected >= now " + now + ")");
    }
    for (Task head = tasks.peek(); head != null && head.atNanos <= time; head = tasks.peek()) {
      runHead();
    }
    now = time;
  }

  /** Runs tasks in time order while {@code condition} holds and tasks remain. */
  public void runWhile(BooleanSupplier condition) {
    while (condition.getAsBoolean() && !tasks.isEmpty()) {
      runHead();
    }
  }

  /** Tasks run so far (cancelled ones excluded). */
  public long executed() {
    return executed;
  }

  private void runHead() {
    Task task = tasks.poll();
    now = Math.max(now, task.atNanos);
    if (!task.cancelled) {
      executed++;
      task.runnable.run();
    }
  }

  private static final class Task implements Comparable<Task>, Cancellable {
    final long atNanos;
    final long sequence;
    final Runnable runnable;
    boolean cancelled;

    Task(long atNanos, long sequence, Runnable runnable) {
      this.atNanos = atNanos;
      this.sequence = sequence;
      this.runnable = runnable;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Task other) {
      int byTime = Long.compare(atNanos, other.atNanos);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
