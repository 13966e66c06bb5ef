package dev.sluice.bench.harness;

import dev.sluice.flow.Scheduler;

/**
 * A scheduler that never runs anything. The JMH benchmarks use no TTLs, so the only timer a
 * controller would arm is the idle-flow collector; leaving it unrun keeps a background thread out
 * of the measurement (GIE's harness sets its sweep intervals to an hour for the same reason).
 */
public enum InertScheduler implements Scheduler {
  INSTANCE;

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    return () -> {};
  }
}
