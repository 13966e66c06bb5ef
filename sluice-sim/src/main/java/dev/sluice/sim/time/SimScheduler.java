package dev.sluice.sim.time;

/**
 * The one source of time for the simulator and the load client: a monotonic clock, a wall clock and
 * a way to run a task after a delay.
 *
 * <p>All durations are in this scheduler's own nanoseconds. A {@linkplain #realTime(double)
 * real-time} scheduler with a time scale of 60 reports a minute of simulated time for every real
 * second and runs a task scheduled one simulated minute ahead after one real second. Tests use a
 * manual implementation whose time only moves when the test says so.
 *
 * <p>Implementations are thread-safe: any thread may read the clock or schedule tasks. Tasks run
 * one at a time, in order of due time (ties in the order they were scheduled), on a thread owned by
 * the scheduler or, for manual schedulers, on the thread that advances time; they must not block.
 */
public interface SimScheduler extends AutoCloseable {

  /** Monotonic time in nanoseconds; only differences are meaningful. */
  long nanoTime();

  /** Wall-clock time in milliseconds since the epoch, used for the {@code created} fields. */
  long currentTimeMillis();

  /**
   * Runs {@code task} once, {@code delayNanos} from now. A non-positive delay runs it as soon as
   * possible, never on the calling thread.
   *
   * @return a handle that cancels the task if it has not started yet
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Releases the scheduler's thread, if it has one; tasks not yet run are dropped. */
  @Override
  default void close() {}

  /**
   * Returns a scheduler backed by the system clock and one daemon thread.
   *
   * @param timeScale simulated seconds per real second; 1 for real time, 60 to run a minute in a
   *     second
   */
  static SimScheduler realTime(double timeScale) {
    return new RealTimeScheduler(timeScale);
  }

  /** A scheduled task that may still be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Prevents the task from running if it has not started; idempotent. */
    void cancel();
  }
}
