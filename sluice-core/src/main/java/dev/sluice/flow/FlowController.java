package dev.sluice.flow;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Decides if and when each request proceeds: the flow controller.
 *
 * <p><b>Model.</b> Every request belongs to a flow ({@link FlowKey}: a fairness id and a priority).
 * Flows of equal priority form a band. Dispatch serves bands in strict priority order; inside a
 * band the band's {@link dev.sluice.flow.policy.FairnessPolicy} picks the flow, and the flow's
 * {@link dev.sluice.flow.policy.OrderingPolicy} picks the request. A band dispatches only while the
 * {@link dev.sluice.flow.saturation.SaturationDetector}'s saturation is below the band's ceiling
 * from the {@link dev.sluice.flow.policy.UsageLimitPolicy}; a gated or empty band never blocks the
 * bands below it.
 *
 * <p><b>Dispatch is event-driven:</b> it runs on arrival, on {@link Admission#close()}, on a
 * detector's change signal, on withdrawal, expiry and reshard, never on a polling tick, and each
 * run dispatches as much as the gate allows. A request that finds nothing queued ahead of it and
 * the gate open is dispatched at once, without queueing.
 *
 * <p><b>Exactly one outcome.</b> Every submitted request ends with exactly one {@link Outcome},
 * whatever races between dispatch, withdrawal, expiry, displacement, shutdown and flow collection:
 * the returned future completes once, and the statistics and the listener count that completion.
 *
 * <p><b>Threads.</b> All methods are thread-safe and non-blocking except {@link #acquire}, which
 * blocks its caller. Futures are completed, and listeners called, on the thread that caused the
 * event (a submitter, a closer, the scheduler), never under an internal lock; use the {@code
 * *Async} variants of {@link CompletableFuture} to move heavy continuations elsewhere.
 */
public interface FlowController extends AutoCloseable {

  /**
   * Creates a running controller.
   *
   * @throws NullPointerException if {@code config} is null
   */
  static FlowController create(FlowControllerConfig config) {
    return new DefaultFlowController(config);
  }

  /**
   * Submits a request without blocking.
   *
   * <p>The future completes with an {@link Admission} when the request is dispatched, or
   * exceptionally with a {@link FlowControlException} naming the {@link Outcome} and the reason.
   * Cancelling the future, or completing it exceptionally yourself (as {@link
   * CompletableFuture#orTimeout} does), withdraws the request at once ({@link
   * Outcome#EVICTED_CANCELLED}); it stops holding capacity immediately. Completing a pending future
   * normally yourself is refused with {@link UnsupportedOperationException}. A request dispatched
   * on arrival comes back as an already completed future: cancelling or completing it changes
   * nothing, as for any completed {@link CompletableFuture}; close the admission to give the
   * capacity back (obtruding another value on it would lose the admission).
   */
  CompletableFuture<Admission> submit(FlowRequest request);

  /**
   * Submits a request that the caller will wait for at most {@code maxWait}: the request's deadline
   * becomes the earliest of its TTL, the default TTL and now plus {@code maxWait}. When the
   * deadline passes in the queue, it is evicted with {@link Outcome#EVICTED_TTL}.
   */
  CompletableFuture<Admission> submit(FlowRequest request, Duration maxWait);

  /**
   * Submits a request and waits until it is dispatched.
   *
   * @throws FlowControlException if it was rejected or evicted
   * @throws InterruptedException if interrupted while waiting; the request is withdrawn (and if it
   *     was dispatched at that very moment, its admission is closed)
   */
  Admission acquire(FlowRequest request) throws InterruptedException;

  /**
   * Like {@link #acquire(FlowRequest)}, waiting at most {@code maxWait} (see {@link
   * #submit(FlowRequest, Duration)}).
   *
   * @throws FlowControlException with {@link Outcome#EVICTED_TTL} when {@code maxWait} passes
   */
  Admission acquire(FlowRequest request, Duration maxWait) throws InterruptedException;

  /**
   * A snapshot of the counters, global, per band and per flow. Never blocks dispatch. Its outcome
   * counts are exact and its totals monotonic, also while flows and bands are collected (see {@link
   * FlowStats}).
   */
  FlowStats stats();

  /** The configuration this controller was created with. */
  FlowControllerConfig config();

  /** The number of active shards. */
  int shardCount();

  /**
   * Changes the number of shards while running. New shards start empty; removed shards take no new
   * work and keep dispatching their queued work until empty, so nothing is lost. Limits are split
   * again across the active shards.
   *
   * @throws IllegalArgumentException if {@code shards} is not 1 to {@value
   *     FlowControllerConfig#MAX_SHARDS}
   */
  void setShardCount(int shards);

  /**
   * Shuts down: new requests are rejected ({@link Outcome#REJECTED_SHUTDOWN}) and queued ones
   * evicted ({@link Outcome#EVICTED_SHUTDOWN}); every waiting caller is told. Admissions already
   * granted stay valid and should still be closed. Idempotent.
   */
  @Override
  void close();

  /** Whether {@link #close()} was called. */
  boolean isClosed();
}
