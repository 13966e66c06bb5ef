package dev.sluice.flow;

import org.jspecify.annotations.Nullable;

/**
 * The user's {@link Scheduler}, called so that it cannot break the controller, as Caffeine guards
 * its own: a scheduler that throws (an executor after shutdown) is logged and reported as a refusal
 * ({@code null}), so that the caller falls back instead of leaving a request half placed; a null
 * handle is replaced by one that does nothing; a cancellation that throws is logged. Never call it
 * under a lock. Safe from any thread if the wrapped scheduler is.
 */
final class GuardedScheduler {
  private static final System.Logger LOG = System.getLogger(FlowController.class.getName());

  private final Scheduler scheduler;

  GuardedScheduler(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Schedules {@code task} after {@code delayNanos}; null if the scheduler refused it. */
  Scheduler.@Nullable Cancellable schedule(Runnable task, long delayNanos) {
    try {
      Scheduler.Cancellable handle = scheduler.schedule(task, delayNanos);
      return handle != null ? handle : () -> {};
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "scheduler "
              + scheduler
              + " refused a task; deadlines are enforced at the next dispatch and idle flows"
              + " collected once it accepts again",
          e);
      return null;
    }
  }

  /** Cancels {@code handle} if not null; a cancellation that throws is logged. */
  static void cancel(Scheduler.@Nullable Cancellable handle) {
    if (handle == null) {
      return;
    }
    try {
      handle.cancel();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cancelling a scheduled task failed", e);
    }
  }
}
