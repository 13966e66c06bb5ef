package dev.sluice.sim.time;

import dev.sluice.testing.ManualClock;

/** The simulator's view of a test's {@link ManualClock}: the one clock of every Sluice test. */
public final class SimClocks {
  private SimClocks() {}

  /** A {@link SimScheduler} reading and scheduling on {@code clock}; the test advances it. */
  public static SimScheduler of(ManualClock clock) {
    return new SimScheduler() {
      @Override
      public long nanoTime() {
        return clock.read();
      }

      @Override
      public long currentTimeMillis() {
        return clock.currentTimeMillis();
      }

      @Override
      public Cancellable schedule(Runnable task, long delayNanos) {
        return clock.schedule(task, delayNanos)::cancel;
      }
    };
  }
}
