package dev.sluice.flow;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.internal.FlowInternals;
import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.SaturationDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The flow controller: the facade over the engine's parts, each with one invariant.
 *
 * <ul>
 *   <li>{@link FlowRegistry}: flows, bands, leases and idle collection (a leased flow is never
 *       collected), under the registry lock;
 *   <li>{@link ShardSet}: the shards and resharding (every active shard holds every band and flow;
 *       limit shares add up);
 *   <li>{@link Shard}: its queues and counters, changed only by its own methods under its lock;
 *   <li>{@link Placement}: join-shortest-queue by the flow's bytes;
 *   <li>{@link Dispatcher}: the drain loop (serialized per shard, no lost wake-up, no nesting);
 *   <li>{@link DeadlineTimer}: one timer current per shard;
 *   <li>{@link Endings}: exactly one outcome per request, effects after locks are released.
 * </ul>
 *
 * <p><b>Locks.</b> Each {@link Shard} has a lock guarding its queues, counters and policy state;
 * admission (capacity check plus enqueue) and dispatch from the queues are decided under it, so
 * multi-level limits are checked atomically. A request that finds its shard's queues empty is
 * dispatched on arrival without the lock: the detector's atomic {@code tryDispatch} grants it. The
 * registry lock guards flow and band creation and collection and resharding (and a {@link #stats()}
 * that keeps meeting collection); it is taken before shard locks, never while holding one. Futures,
 * listeners and the scheduler are called only after every lock is released: a detector signal that
 * arrives on a thread holding a shard lock is left pending ({@link Dispatcher#runPendingSignal})
 * for that thread to act on once it lets go. The scheduler is guarded ({@link GuardedScheduler}):
 * one that throws is logged, and deadlines and collection fall back to the next event.
 *
 * <p><b>Ownership.</b> A request dispatched on arrival has no queue record and no pending future:
 * its submitter counts it before returning the admission. Otherwise, whoever takes a request out of
 * its queue (under the shard lock) owns its queue accounting and, if it dispatched it, its
 * in-flight slot. Whoever completes its future first decides its one outcome, counts it, and then
 * releases the flow lease (a dispatched request's lease goes when its admission closes). The two
 * differ only when the caller cancels while the controller is finishing the request: the canceller
 * counts {@link Outcome#EVICTED_CANCELLED} and releases the lease; the controller's path only
 * returns the in-flight slot it took.
 */
final class DefaultFlowController implements FlowController {
  static {
    FlowInternals.installInvariants(
        controller ->
            controller instanceof DefaultFlowController engine
                ? engine.invariantViolations()
                : List.of());
  }

  private final FlowControllerConfig config;
  private final Ticker ticker;
  private final SaturationDetector detector;
  private final UsageLimitPolicy usageLimit;

  private final Endings endings;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ShardSet shards;
  private final FlowRegistry registry;
  private final Dispatcher dispatcher;
  private final Placement placement;

  DefaultFlowController(FlowControllerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.ticker = config.ticker();
    this.detector = config.saturationDetector();
    this.usageLimit = config.usageLimitPolicy();
    this.endings = new Endings(config.listener());

    GuardedScheduler scheduler = new GuardedScheduler(config.scheduler());
    this.shards = new ShardSet(config, ticker, scheduler, this::onTimer);
    this.registry = new FlowRegistry(this, config, shards, scheduler, endings, closed);
    this.dispatcher =
        new Dispatcher(config, endings, shards, registry::retireDrainedShards, closed);
    this.placement = new Placement(config, endings, dispatcher);
    detector.addListener(dispatcher::onSaturationSignal);
    registry.armCollector();
  }

  /** What does not add up in the shards' bookkeeping ({@link ShardInvariants}); for tests. */
  List<String> invariantViolations() {
    List<String> violations = new ArrayList<>();
    long now = ticker.read();
    for (Shard shard : shards.all()) {
      violations.addAll(ShardInvariants.check(shard, now));
    }
    return violations;
  }

  // ---------------------------------------------------------------- public API

  @Override
  public CompletableFuture<Admission> submit(FlowRequest request) {
    return submit(request, -1);
  }

  @Override
  public CompletableFuture<Admission> submit(FlowRequest request, Duration maxWait) {
    CompletableFuture<Admission> invalid = checkMaxWait(request, maxWait);
    return invalid != null ? invalid : submit(request, Durations.saturatedNanos(maxWait));
  }

  @Override
  public Admission acquire(FlowRequest request) throws InterruptedException {
    return acquire(request, -1);
  }

  @Override
  public Admission acquire(FlowRequest request, Duration maxWait) throws InterruptedException {
    CompletableFuture<Admission> invalid = checkMaxWait(request, maxWait);
    return invalid != null ? await(invalid) : acquire(request, Durations.saturatedNanos(maxWait));
  }

  @Override
  public FlowControllerConfig config() {
    return config;
  }

  @Override
  public int shardCount() {
    return shards.activeCount();
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  // ---------------------------------------------------------------- submission

  private CompletableFuture<Admission> submit(FlowRequest request, long maxWaitNanos) {
    CompletableFuture<Admission> refused = checkSubmittable(request);
    if (refused != null) {
      return refused;
    }
    Flow flow = registry.registeredFlow(request.flowKey());
    Admission admission = dispatchOnArrival(request, flow);
    // Nobody else holds this future, so it is created complete: no race with a withdrawal.
    return admission != null
        ? CompletableFuture.completedFuture(admission)
        : queue(request, registry.lease(flow), maxWaitNanos);
  }

  /** {@link #submit(FlowRequest, long)} without a future when the request dispatches on arrival. */
  private Admission acquire(FlowRequest request, long maxWaitNanos) throws InterruptedException {
    CompletableFuture<Admission> refused = checkSubmittable(request);
    if (refused != null) {
      return await(refused);
    }
    Flow flow = registry.registeredFlow(request.flowKey());
    Admission admission = dispatchOnArrival(request, flow);
    return admission != null
        ? admission
        : await(queue(request, registry.lease(flow), maxWaitNanos));
  }

  /** A failed future if {@code maxWait} is unusable, else null. */
  private @Nullable CompletableFuture<Admission> checkMaxWait(
      FlowRequest request, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    return maxWait.isNegative()
        ? endings.rejectUnattributed(
            request, Outcome.REJECTED_INVALID, "maxWait: " + maxWait + " (expected: >= 0)")
        : null;
  }

  /** A failed future if {@code request} is invalid or the controller closed, else null. */
  private @Nullable CompletableFuture<Admission> checkSubmittable(FlowRequest request) {
    Objects.requireNonNull(request, "request");
    String problems = RequestChecks.problems(request);
    if (problems != null) {
      return endings.rejectUnattributed(request, Outcome.REJECTED_INVALID, problems);
    }
    if (closed.get()) {
      return endings.rejectUnattributed(
          request, Outcome.REJECTED_SHUTDOWN, "the flow controller is closed");
    }
    return null;
  }

  /**
   * Dispatches without the shard lock if nothing is queued on the shard the request would join and
   * the detector grants the room atomically; takes the flow's lease and counts the dispatch in one
   * step ({@link Flow#tryAcquireDispatched}) before anyone sees the admission. Null otherwise: the
   * request then goes through the queue. A request queued concurrently is not overtaken unfairly:
   * it arrived at the same moment, and a later drain (an admission close, a signal) dispatches it.
   *
   * @param flow the request's flow, not leased: if it is collected meanwhile, the dispatch is
   *     counted on the flow that replaces it
   */
  private @Nullable Admission dispatchOnArrival(FlowRequest request, Flow flow) {
    FlowShard flowShard = Placement.leastQueuedBytes(flow.shards);
    if (flowShard == null || (flowShard.shard.queuedRequests != 0 && !detector.holdsFor(request))) {
      return null;
    }
    double saturation = detector.saturation();
    double ceiling =
        usageLimit.ceiling(saturation, flowShard.band.rank, flowShard.shard.bands.length);
    if (!(saturation < ceiling) || !detector.tryDispatch(request, ceiling)) {
      return null;
    }
    Flow holder = flow;
    if (!flow.tryAcquireDispatched()) {
      holder = registry.lease(request.flowKey()); // collected since it was looked up
      Endings.count(holder, Outcome.DISPATCHED);
    }
    endings.reported(request, Outcome.DISPATCHED, 0);
    return new ArrivalAdmission(request, holder);
  }

  /**
   * Queues, or rejects, a request holding a lease on {@code flow}; dispatch completes the future.
   */
  private CompletableFuture<Admission> queue(FlowRequest request, Flow flow, long maxWaitNanos) {
    long callerDeadline = Durations.callerDeadline(ticker, maxWaitNanos);
    QueuedRequest item = new QueuedRequest(request, flow, callerDeadline, false);
    placement.admit(item);
    return item.future;
  }

  // ------------------------------------------------------ from admissions and futures

  /** Gives back a dispatched request's in-flight slot and wakes dispatch. */
  void returnInFlight(FlowRequest request) {
    dispatcher.returnInFlight(request);
  }

  /** See {@link Endings#admissionClosed}. */
  void afterAdmission(FlowRequest request, Flow flow) {
    endings.admissionClosed(request, flow);
  }

  /**
   * Queues a dispatched request again, ahead of its flow's queue (see {@link Admission#requeue});
   * its admission is closed by the caller, which returns the in-flight slot after this.
   */
  CompletableFuture<Admission> requeue(FlowRequest request) {
    if (closed.get()) {
      return endings.rejectUnattributed(
          request, Outcome.REJECTED_SHUTDOWN, "the flow controller is closed");
    }
    QueuedRequest item =
        new QueuedRequest(request, registry.lease(request.flowKey()), Durations.NEVER, true);
    placement.admit(item);
    return item.future;
  }

  /** The failed future of a requeue of an admission that was already closed. */
  static CompletableFuture<Admission> alreadyClosed(Admission admission) {
    return CompletableFuture.failedFuture(
        new IllegalStateException("requeue: " + admission + " was already closed"));
  }

  /** The caller cancelled or failed the future: take the request out if it is still queued. */
  void withdraw(QueuedRequest item) {
    FlowShard flowShard = item.flowShard;
    Shard removedFrom = null;
    long waitNanos = 0;
    if (flowShard != null) {
      Shard shard = flowShard.shard;
      shard.lock.lock();
      try {
        if (shard.withdrawLocked(item)) {
          removedFrom = shard;
          waitNanos = Math.max(0, ticker.read() - item.enqueueNanos);
        }
      } finally {
        shard.lock.unlock();
      }
    }
    // The withdrawal won the future, so it counts the outcome and, after counting, releases the
    // lease: a flow is never collected before its last request's outcome is counted on it.
    endings.withdrawn(item, waitNanos);
    if (removedFrom != null) {
      dispatcher.drain(removedFrom);
    }
  }

  private static Admission await(CompletableFuture<Admission> future) throws InterruptedException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      if (!future.cancel(false)) {
        try {
          future.join().close(); // dispatched at that very moment: give the slot back
        } catch (CompletionException | CancellationException ignored) {
          // it ended otherwise; nothing is held
        }
      }
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof FlowControlException) {
        throw (FlowControlException) e.getCause();
      }
      throw new IllegalStateException("admission failed unexpectedly", e.getCause());
    }
  }

  // ---------------------------------------------------------------- deadlines

  private void onTimer(Shard shard, long token) {
    dispatcher.onTimer(shard, token);
  }

  // ---------------------------------------------------------------- shards

  @Override
  public void setShardCount(int count) {
    checkArgument(
        count >= 1 && count <= FlowControllerConfig.MAX_SHARDS,
        "shards: %s (expected: 1 to %s)",
        count,
        FlowControllerConfig.MAX_SHARDS);
    if (!registry.resize(count)) {
      return;
    }
    registry.retireDrainedShards();
    dispatcher.drainAll();
  }

  // ---------------------------------------------------------------- shutdown

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    registry.close();
    for (Shard shard : shards.all()) {
      List<QueuedRequest> evicted;
      Scheduler.Cancellable timer;
      long now;
      shard.lock.lock();
      try {
        now = ticker.read();
        evicted = shard.closeLocked();
        timer = shard.timer.closeLocked();
      } finally {
        shard.lock.unlock();
      }
      GuardedScheduler.cancel(timer);
      for (QueuedRequest item : evicted) {
        endings.evicted(
            item,
            Outcome.EVICTED_SHUTDOWN,
            "the flow controller shut down",
            now - item.enqueueNanos);
      }
    }
  }

  // ---------------------------------------------------------------- stats

  /** See {@link FlowRegistry#stats}. */
  @Override
  public FlowStats stats() {
    return registry.stats();
  }
}
