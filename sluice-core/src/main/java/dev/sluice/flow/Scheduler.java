package dev.sluice.flow;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: how the controller learns that a deadline passed or that idle flows
 * may be collected. Injected so that tests can run timers from a fake clock.
 *
 * <p>Implementations must be thread-safe, and {@link #schedule} must return without running the
 * task on the calling thread. A task may run on any thread; the controller's tasks never block. The
 * controller calls {@link #schedule} and {@link Cancellable#cancel} without holding any of its
 * locks, so neither can deadlock with it.
 *
 * <p>A scheduler that throws from {@link #schedule} (an executor after shutdown, say) is logged at
 * {@code WARNING} and breaks nothing: every request still ends with exactly one outcome. A request
 * whose deadline timer was refused stays queued and is evicted at the next event on its shard after
 * the deadline (an arrival, an admission closing, a withdrawal, a detector signal) or by {@link
 * FlowController#close()}, so late rather than never; each later request with a deadline asks for
 * the timer again. Collection of idle flows resumes once the scheduler accepts again, the next time
 * a flow is created.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once, {@code delayNanos} from now (at once if not positive).
   *
   * @return a handle that cancels the task if it has not run yet
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started. Idempotent. */
    void cancel();
  }

  /**
   * The default scheduler: one shared daemon thread, {@code sluice-scheduler}, whose tasks are
   * removed from its queue when cancelled.
   */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** Wraps a {@link ScheduledExecutorService}; the caller owns its lifecycle. */
  static Scheduler of(ScheduledExecutorService executor) {
    return (task, delayNanos) -> {
      ScheduledFuture<?> future =
          executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}

/** Holder of the lazily created shared scheduler thread. */
final class SystemScheduler {
  static final Scheduler INSTANCE = Scheduler.of(newExecutor());

  private SystemScheduler() {}

  private static ScheduledExecutorService newExecutor() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "sluice-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
