package dev.sluice.pipeline;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * Keeps at most one timer armed, for the earliest deadline asked for (Caffeine's {@code Pacer}):
 * asking for a later deadline than the armed one does nothing, an earlier one re-arms. When the
 * timer fires it runs the task, which asks again for its next deadline. Thread-safe; the scheduler
 * is called under this object's own lock only, never under the pipeline's.
 */
final class Pacer {
  private static final System.Logger LOG = System.getLogger(Pacer.class.getName());

  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Runnable task;

  // Guarded by this.
  private long armedAt = Long.MAX_VALUE;
  private Scheduler.@Nullable Cancellable armed;
  private boolean stopped;

  Pacer(Scheduler scheduler, Ticker ticker, Runnable task) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.task = task;
  }

  /**
   * Makes sure the task runs no later than {@code deadline} (ticker nanos); Long.MAX_VALUE = none.
   */
  synchronized void runBy(long deadline) {
    if (stopped || deadline == Long.MAX_VALUE || deadline >= armedAt) {
      return;
    }
    if (armed != null) {
      armed.cancel();
    }
    long at = deadline;
    armedAt = at;
    try {
      armed = scheduler.schedule(() -> fired(at), at - ticker.read());
    } catch (RuntimeException e) {
      // Expiry is then late, not lost: the next pipeline event asks again.
      LOG.log(System.Logger.Level.WARNING, "scheduler refused the lease expiry timer", e);
      armedAt = Long.MAX_VALUE;
      armed = null;
    }
  }

  private void fired(long at) {
    synchronized (this) {
      if (armedAt == at) {
        armedAt = Long.MAX_VALUE;
        armed = null;
      }
    }
    task.run();
  }

  /** Cancels the armed timer and arms no more. Idempotent. */
  synchronized void stop() {
    stopped = true;
    if (armed != null) {
      armed.cancel();
      armed = null;
    }
    armedAt = Long.MAX_VALUE;
  }
}
