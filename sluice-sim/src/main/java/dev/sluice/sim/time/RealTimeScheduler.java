package dev.sluice.sim.time;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SimScheduler} on the system clock, stretched or compressed by a time scale. Its single
 * daemon thread runs every task, so tasks must be short. Thread-safe.
 */
final class RealTimeScheduler implements SimScheduler {

  private final double timeScale;
  private final long originNanos = System.nanoTime();
  private final long originMillis = System.currentTimeMillis();
  private final ScheduledThreadPoolExecutor executor;

  RealTimeScheduler(double timeScale) {
    checkArgument(
        timeScale > 0 && !Double.isInfinite(timeScale), "timeScale: %s (expected: > 0)", timeScale);
    this.timeScale = timeScale;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "sluice-sim-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  @Override
  public long nanoTime() {
    return (long) ((System.nanoTime() - originNanos) * timeScale);
  }

  @Override
  public long currentTimeMillis() {
    return originMillis + (long) ((System.currentTimeMillis() - originMillis) * timeScale);
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    long realDelay = Math.max(0, (long) (delayNanos / timeScale));
    ScheduledFuture<?> future = executor.schedule(task, realDelay, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "RealTimeScheduler{timeScale=" + timeScale + '}';
  }
}
