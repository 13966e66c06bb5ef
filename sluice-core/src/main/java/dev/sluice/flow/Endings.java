package dev.sluice.flow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How requests end: each request gets exactly one {@link Outcome}, counted once and reported to the
 * listener once.
 *
 * <p><b>Invariant:</b> whoever completes a queued request's future first decides its outcome; only
 * that party counts it, reports it and then (for an outcome other than a dispatch) releases the
 * flow lease. Counting comes before the release, so a flow is never collected before the outcome of
 * its last request is counted on it. A party that loses the race counts nothing: {@link #evicted}
 * does nothing, and {@link #dispatched} returns false so that its caller gives the in-flight slot
 * back. A dispatched request's lease is released when its admission closes ({@link
 * #admissionClosed}).
 *
 * <p><b>Threads.</b> Every method completes futures or calls the listener, so it runs only after
 * every lock is released (as OkHttp's {@code Dispatcher}: decide under the lock, act after it).
 * Safe from any thread; a listener that throws is logged and does not stop the ending.
 */
final class Endings {
  private static final System.Logger LOG = System.getLogger(FlowController.class.getName());
  private static final Outcome[] OUTCOMES = Outcome.values();

  private final FlowControlListener listener;
  private final boolean hasListener;

  /** Outcomes of no live band: invalid or post-shutdown requests, collected bands. */
  final AtomicLongArray unattributed = new AtomicLongArray(OUTCOMES.length);

  Endings(FlowControlListener listener) {
    this.listener = listener;
    this.hasListener = listener != FlowControlListener.NO_OP;
  }

  /** A request refused before it had a flow (invalid, or after close): counted unattributed. */
  CompletableFuture<Admission> rejectUnattributed(
      FlowRequest request, Outcome outcome, String reason) {
    unattributed.incrementAndGet(outcome.ordinal());
    reported(request, outcome, 0);
    return CompletableFuture.failedFuture(new FlowControlException(outcome, reason));
  }

  /**
   * A request refused on arrival, before its future was handed out, so nobody can race this: fails
   * the future, counts, reports, releases the lease.
   */
  void rejected(QueuedRequest item, Outcome outcome, String reason) {
    item.future.fail(new FlowControlException(outcome, reason));
    count(item.flow, outcome);
    reported(item.request, outcome, 0);
    item.flow.release();
  }

  /**
   * A request this thread took out of its queue without dispatching it (displaced, expired, shut
   * down). If the caller withdrew first, the caller counts the outcome and releases the lease.
   */
  void evicted(QueuedRequest item, Outcome outcome, String reason, long waitNanos) {
    if (item.future.fail(new FlowControlException(outcome, reason))) {
      count(item.flow, outcome);
      reported(item.request, outcome, waitNanos);
      item.flow.release();
    }
  }

  /**
   * A request this thread took out of its queue and dispatched: completes its future with its
   * admission and counts the dispatch. False if the caller withdrew first: then the caller counts
   * and releases the lease, and this thread must only give back the in-flight slot it took.
   */
  boolean dispatched(QueuedRequest item, long waitNanos) {
    QueuedAdmission admission = new QueuedAdmission(item, waitNanos);
    if (!item.future.admit(admission)) {
      return false;
    }
    count(item.flow, Outcome.DISPATCHED);
    reported(item.request, Outcome.DISPATCHED, waitNanos);
    admission.counted();
    return true;
  }

  /**
   * The caller cancelled or failed the future, and so won it: counts the cancellation and, after
   * counting, releases the lease.
   */
  void withdrawn(QueuedRequest item, long waitNanos) {
    count(item.flow, Outcome.EVICTED_CANCELLED);
    reported(item.request, Outcome.EVICTED_CANCELLED, waitNanos);
    item.flow.release();
  }

  /**
   * The last step of a dispatched request, once its admission is closed and its outcome counted (in
   * either order): release the flow lease, then report the close.
   */
  void admissionClosed(FlowRequest request, Flow flow) {
    flow.release(); // first, so that the listener sees the request out of flight in the stats
    if (hasListener) {
      try {
        listener.onAdmissionClosed(request);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "flow control listener failed", e);
      }
    }
  }

  /** Reports an outcome counted elsewhere (a dispatch on arrival is counted by its lease). */
  void reported(FlowRequest request, Outcome outcome, long queueNanos) {
    if (hasListener) {
      try {
        listener.onOutcome(request, outcome, queueNanos);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "flow control listener failed", e);
      }
    }
  }

  /** Runs a listener event (flow or band created or collected), logging a failure. */
  static void notifySafely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "flow control listener failed", e);
    }
  }

  static void count(Flow flow, Outcome outcome) {
    flow.outcomes.incrementAndGet(outcome.ordinal());
  }
}
