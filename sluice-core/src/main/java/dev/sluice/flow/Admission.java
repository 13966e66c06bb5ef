package dev.sluice.flow;

/**
 * Permission to proceed, held while the dispatched work runs.
 *
 * <p>Closing the admission reports that the work finished: it frees the in-flight capacity the
 * request held (which the saturation detector sees) and wakes the dispatcher. Close it exactly when
 * the work ends, in a {@code try}-with-resources block or the work's completion callback. {@link
 * #close()} is idempotent and thread-safe; an admission that is never closed holds its capacity
 * forever.
 */
public interface Admission extends AutoCloseable {

  /** The request that was admitted. */
  FlowRequest request();

  /** Nanoseconds the request waited in its queue; 0 when it was dispatched on arrival. */
  long queueWaitNanos();

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /**
   * Gives the capacity back without the work having finished, and puts the request back in its
   * flow's queue, ahead of every request queued there, to be dispatched again: the way to take back
   * work that was dispatched but has not started (preemption).
   *
   * <p>This closes the admission as {@link #close()} does (the capacity goes back first, so the
   * saturation detector sees the request end before it can be dispatched again, and the dispatch
   * this wakes serves whoever comes first, typically the higher-priority request that asked for the
   * room) and then submits the request once more. The re-entry keeps the request's place: it sorts
   * ahead of every request of its flow under {@code fcfs} (and of every request it ties with under
   * another ordering), and its deadline counts from the request's {@link
   * FlowRequest#receivedNanos() received time}, not from the requeue, so a request cannot outlive
   * its TTL by being requeued. It is a new pass through the queue with the usual limits, ending,
   * like any submission, with exactly one outcome of its own (the first pass ended with its
   * dispatch).
   *
   * @return the future of the re-entry, as {@link FlowController#submit} returns it; already failed
   *     with {@link IllegalStateException} if the admission was closed (or requeued) before, in
   *     which case nothing happens
   */
  java.util.concurrent.CompletableFuture<Admission> requeue();

  /** Reports that the work finished. Idempotent; never throws. */
  @Override
  void close();
}
