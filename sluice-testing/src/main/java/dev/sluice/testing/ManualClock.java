package dev.sluice.testing;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Time that moves only when a test (or a simulation) moves it: the {@link Ticker} and the {@link
 * Scheduler} of the code under test, in the manner of grpc-java's {@code FakeClock}.
 *
 * <p><b>Contract.</b> {@link #read()} changes only in {@link #advance}, {@link #advanceTo} and
 * {@link #runWhile}, which run the tasks that fall due on the calling thread, earliest due first
 * and, at the same instant, in the order they were scheduled: a run depends only on its inputs. A
 * task scheduled by a running task runs in the same call if it falls due within it. Time never goes
 * backwards. A task that is never reached never runs, so a clock that is never advanced is an inert
 * scheduler (a benchmark's, whose timers must not run).
 *
 * <p>Thread-safe: any thread may read the time and schedule or cancel tasks while another advances
 * it; tasks run outside the clock's lock.
 */
public final class ManualClock implements Ticker, Scheduler {

  /** The origin of {@link #ManualClock()}: not zero, so no code may assume time starts at zero. */
  public static final long DEFAULT_ORIGIN_NANOS = 1_000_000_000L;

  /** The wall-clock time, in epoch milliseconds, at the clock's origin. */
  public static final long EPOCH_MILLIS_AT_ORIGIN = 1_700_000_000_000L;

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private final long origin;
  private long now;
  private long nextSequence;

  /** A clock at {@link #DEFAULT_ORIGIN_NANOS}. */
  public ManualClock() {
    this(DEFAULT_ORIGIN_NANOS);
  }

  /** A clock whose {@link #read()} starts at {@code originNanos}. */
  public ManualClock(long originNanos) {
    this.origin = originNanos;
    this.now = originNanos;
  }

  @Override
  public synchronized long read() {
    return now;
  }

  /** Wall-clock time: {@link #EPOCH_MILLIS_AT_ORIGIN} plus the time advanced, in milliseconds. */
  public synchronized long currentTimeMillis() {
    return EPOCH_MILLIS_AT_ORIGIN + (now - origin) / 1_000_000;
  }

  /** Schedules {@code task} {@code delayNanos} from now (a negative delay means now). */
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
    if (nanos < 0) {
      throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
    }
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    runUntil(target);
  }

  /**
   * Runs every task due at or before {@code timeNanos}, in order, then sets the time to it.
   *
   * @throws IllegalArgumentException if {@code timeNanos} is before now
   */
  public void advanceTo(long timeNanos) {
    synchronized (this) {
      if (timeNanos < now) {
        throw new IllegalArgumentException(
            "timeNanos: " + timeNanos + " (expected: >= now, " + now + ")");
      }
    }
    runUntil(timeNanos);
  }

  /** Runs the tasks due now (for example those scheduled with no delay). */
  public void runDue() {
    advanceNanos(0);
  }

  /**
   * Runs tasks in due order, moving time to each, while {@code condition} holds and tasks remain: a
   * discrete-event simulation's loop, where nothing happens between events.
   */
  public void runWhile(BooleanSupplier condition) {
    while (condition.getAsBoolean()) {
      Task next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          return;
        }
        now = Math.max(now, next.due);
      }
      run(next);
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  /** The due times of pending tasks, soonest first, relative to now. */
  public synchronized List<Long> pendingDelays() {
    List<Task> sorted = new ArrayList<>(tasks);
    sorted.sort(null);
    List<Long> delays = new ArrayList<>();
    for (Task task : sorted) {
      delays.add(task.due - now);
    }
    return delays;
  }

  private void runUntil(long target) {
    for (; ; ) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          now = Math.max(now, target);
          return;
        }
        tasks.poll();
        now = Math.max(now, next.due);
      }
      run(next);
    }
  }

  private static void run(Task task) {
    if (!task.cancelled) {
      task.runnable.run();
    }
  }

  /** A cancelled task leaves the queue at once, so an inert clock holds only live timers. */
  private final class Task implements Comparable<Task>, Cancellable {
    final long due;
    final long sequence;
    final Runnable runnable;
    volatile boolean cancelled; // read without the lock by run: cancelled after it was polled

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
      synchronized (ManualClock.this) {
        cancelled = true;
        tasks.remove(this);
      }
    }
  }
}
