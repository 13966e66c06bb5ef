package dev.sluice.gateway.internal.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One dispatch of a request that a higher-priority request may take back until the response's first
 * byte: the race between {@link #start() first byte} and {@link #preempt() preempted}, which
 * exactly one side wins. The state only moves forward, from pending to started or preempted, by one
 * compare-and-set; a request that has streamed a byte is therefore never preempted, and one that
 * was preempted never streams.
 *
 * <p>Thread-safe.
 */
final class Preemptible {

  private static final int PENDING = 0;
  private static final int STARTED = 1;
  private static final int PREEMPTED = 2;

  private final int priority;
  private final long order;
  private final Runnable onPreempted;
  private final AtomicInteger state = new AtomicInteger(PENDING);

  /**
   * @param priority the request's priority: only a higher one may preempt it
   * @param order when it was dispatched, increasing: the newest has the least work to lose
   * @param onPreempted what the winning {@link #preempt()} runs (cancel upstream, requeue)
   */
  Preemptible(int priority, long order, Runnable onPreempted) {
    this.priority = priority;
    this.order = order;
    this.onPreempted = onPreempted;
  }

  int priority() {
    return priority;
  }

  long order() {
    return order;
  }

  /**
   * The response's first byte (or its end, or the request's end, whichever is first): true unless
   * the request was preempted first, in which case nothing of this dispatch may reach the client.
   */
  boolean start() {
    return state.compareAndSet(PENDING, STARTED) || state.get() == STARTED;
  }

  /**
   * Takes the request back if it has not started: true, after running the preemption action, if
   * this call won; false if the first byte came first or another preemption won.
   */
  boolean preempt() {
    if (!state.compareAndSet(PENDING, PREEMPTED)) {
      return false;
    }
    onPreempted.run();
    return true;
  }

  /** Whether {@link #preempt()} won. */
  boolean isPreempted() {
    return state.get() == PREEMPTED;
  }

  /** Whether neither side has won yet. */
  boolean isPending() {
    return state.get() == PENDING;
  }

  @Override
  public String toString() {
    return "Preemptible[priority=" + priority + ", order=" + order + ", state=" + state + "]";
  }
}
