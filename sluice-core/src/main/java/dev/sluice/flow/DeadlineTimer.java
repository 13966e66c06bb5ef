package dev.sluice.flow;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The deadline timer of one shard, in the manner of Caffeine's {@code Pacer}.
 *
 * <p><b>Invariant:</b> at most one timer is current at any time, armed for the earliest deadline
 * known when it was claimed; every other timer still scheduled is stale, and a stale timer that
 * fires only makes its shard look at the deadlines again, which is harmless. A deadline earlier
 * than the current timer claims a new one ({@link #claimLocked}), which replaces it once scheduled
 * ({@link #arm}); the one it replaced is cancelled.
 *
 * <p><b>Threads.</b> The methods named {@code ...Locked} run under the shard's lock, which guards
 * the timer's state. {@link #arm} runs without it, because it calls the user's scheduler, and takes
 * it briefly to install the handle. {@link #failed} is read without the lock.
 *
 * <p>If the scheduler refuses a timer, none is current and {@link #failed} is set: the shard's next
 * drain expires what is due and claims again, and so does the next arrival with a deadline.
 */
final class DeadlineTimer {
  private final ReentrantLock lock;
  private final Ticker ticker;
  private final GuardedScheduler scheduler;
  private final LongConsumer onFire;

  // Guarded by the lock.
  private long atNanos = Durations.NEVER;
  private long token;
  private Scheduler.@Nullable Cancellable handle; // null: no timer installed
  private boolean closed;

  /** The scheduler refused the timer: the next drain expires what is due and arms again. */
  private volatile boolean failed;

  /**
   * @param lock the shard's lock
   * @param onFire called with the {@linkplain Arming#token token} of a timer that fired, current or
   *     stale, without the lock
   */
  DeadlineTimer(
      ReentrantLock lock, Ticker ticker, GuardedScheduler scheduler, LongConsumer onFire) {
    this.lock = lock;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.onFire = onFire;
  }

  /** A claimed timer, to be scheduled by {@link #arm} after the lock is released. */
  final class Arming implements Runnable {
    final long atNanos;
    final long token;

    private Arming(long atNanos, long token) {
      this.atNanos = atNanos;
      this.token = token;
    }

    @Override
    public void run() {
      onFire.accept(token);
    }
  }

  /**
   * Under the lock: claims the timer for {@code earliestNanos} (the earliest queued deadline,
   * {@link Durations#NEVER} if none) if it falls before the current timer. The claim to {@linkplain
   * #arm arm} once the lock is released, or null if the current timer serves.
   */
  @Nullable Arming claimLocked(long earliestNanos) {
    if (earliestNanos >= atNanos) {
      return null;
    }
    atNanos = earliestNanos;
    return new Arming(earliestNanos, ++token);
  }

  /** Under the lock: the timer {@code firedToken} fired; if it was current, none is now. */
  void firedLocked(long firedToken) {
    if (token == firedToken) {
      atNanos = Durations.NEVER;
      handle = null;
    }
  }

  /**
   * Without the lock: schedules a claimed timer and installs it if it is still current, cancelling
   * the one it replaces; cancels it at once if it was overtaken or the timer closed.
   */
  void arm(Arming arming) {
    Scheduler.Cancellable scheduled = scheduler.schedule(arming, arming.atNanos - ticker.read());
    Scheduler.Cancellable stale;
    lock.lock();
    try {
      if (scheduled == null) {
        // Refused: the requests stay queued; the shard's next drain expires what is due and arms
        // again, and so does the next arrival with a deadline (no timer is claimed any more).
        if (token == arming.token) {
          atNanos = Durations.NEVER;
          failed = true;
        }
        return;
      }
      if (token == arming.token && !closed) {
        stale = handle;
        handle = scheduled;
      } else {
        stale = scheduled;
      }
    } finally {
      lock.unlock();
    }
    GuardedScheduler.cancel(stale);
  }

  /** Under the lock: no timer will be installed any more; the current one, to cancel, or null. */
  Scheduler.@Nullable Cancellable closeLocked() {
    closed = true;
    Scheduler.Cancellable current = handle;
    handle = null;
    return current;
  }

  /** Under the lock: the current timer's handle, or null. */
  Scheduler.@Nullable Cancellable handleLocked() {
    return handle;
  }

  /** Under the lock: when the current timer fires, {@link Durations#NEVER} if none is claimed. */
  long atNanosLocked() {
    return atNanos;
  }

  /** Whether the scheduler refused the last timer claimed, so deadlines wait for a drain. */
  boolean failed() {
    return failed;
  }

  /** The shard is about to expire what is due, as a fired timer would. */
  void clearFailed() {
    failed = false;
  }
}
