package dev.sluice.flow;

import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.SaturationDetector;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drain loop: takes queued requests out of the shards as the saturation gate allows and
 * completes their futures. Dispatch runs on events (arrival, admission close, detector signal,
 * withdrawal, expiry, reshard), never on a tick. Its guarantees, in the manner of grpc's {@code
 * SynchronizationContext}:
 *
 * <ul>
 *   <li><b>Serialization.</b> On each shard, at most one thread dispatches at a time: whoever turns
 *       the shard's {@link Shard#wip} counter from zero owns the drain until it is back to zero.
 *       Different shards drain in parallel.
 *   <li><b>No lost wake-up.</b> A {@link #drain} that finds another thread draining only increments
 *       the counter and returns at once, without waiting; the owner goes round again before it
 *       leaves, so work that arrived meanwhile is seen.
 *   <li><b>Ordering.</b> Each pick takes the highest-priority band whose gate is open (a gated or
 *       empty band never blocks lower ones); the band's fairness policy picks the flow and the
 *       flow's ordering the request. Up to {@link #DISPATCH_BATCH} are taken in one lock hold, and
 *       their futures completed in that order after the lock is released.
 *   <li><b>Non-reentrancy.</b> Futures, listeners and the scheduler are called with no lock held. A
 *       drain started from a callback on the thread that owns the drain returns at once and is
 *       served by the running loop, never nested. A detector signal that arrives on a thread
 *       holding a shard lock is only recorded ({@link #runPendingSignal}) and acted on by that
 *       thread once it lets go.
 * </ul>
 *
 * <p><b>Threads.</b> Safe from any thread; it keeps no state of its own but the pending signal and
 * the (racy, only a spread) start of the next {@link #drainAll}.
 */
final class Dispatcher {
  /** The most requests dispatched in one hold of a shard's lock. */
  static final int DISPATCH_BATCH = 64;

  private final Ticker ticker;
  private final SaturationDetector detector;
  private final UsageLimitPolicy usageLimit;
  private final Endings endings;
  private final ShardSet shards;

  /** Removes draining shards that have emptied; takes the registry lock. */
  private final Runnable retireDrained;

  private final AtomicBoolean closed;

  /** Where the next {@link #drainAll} starts; updated without synchronization, only a spread. */
  private int drainStart;

  /** A detector signal arrived on a thread holding a shard lock: it drains once it lets go. */
  private volatile boolean signalPending;

  Dispatcher(
      FlowControllerConfig config,
      Endings endings,
      ShardSet shards,
      Runnable retireDrained,
      AtomicBoolean closed) {
    this.ticker = config.ticker();
    this.detector = config.saturationDetector();
    this.usageLimit = config.usageLimitPolicy();
    this.endings = endings;
    this.shards = shards;
    this.retireDrained = retireDrained;
    this.closed = closed;
  }

  /** Runs dispatch on {@code shard}, or asks the thread already running it to go round again. */
  void drain(Shard shard) {
    if (shard.timer.failed()) {
      expireDue(shard, -1); // the scheduler refused its timer: deadlines are enforced here instead
    }
    if (shard.wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      dispatchBatches(shard);
      missed = shard.wip.addAndGet(-missed);
    } while (missed != 0);
    retireIfDrained(shard);
    runPendingSignal(); // one that came while this thread dispatched under the lock
  }

  /**
   * Drains the shards with queued work, starting at a rotating shard so that concurrent closers
   * spread over the shard locks and no shard always comes first. After the first drain, a shard
   * whose bands are all gated is passed by: whoever took the capacity wakes dispatch again when it
   * gives it back, and a detector fed from outside signals when its readings change.
   */
  void drainAll() {
    Shard[] all = shards.all();
    int count = all.length;
    int start = count == 1 ? 0 : Math.floorMod(drainStart++, count); // racy on purpose: a spread
    boolean drained = false;
    for (int i = 0; i < count; i++) {
      Shard shard = all[(start + i) % count];
      if (shard.queuedRequests > 0) {
        if (drained && !anyBandOpen(shard)) {
          continue; // ceilings may depend on the band count, which a draining shard keeps lower
        }
        drain(shard);
        drained = true;
      }
    }
  }

  /** Whether saturation is below some band's ceiling, so a drain may dispatch. */
  private boolean anyBandOpen(Shard shard) {
    double saturation = detector.saturation();
    int bandCount = shard.bands.length;
    for (int rank = 0; rank < bandCount; rank++) {
      if (saturation < usageLimit.ceiling(saturation, rank, bandCount)) {
        return true;
      }
    }
    return false;
  }

  private void dispatchBatches(Shard shard) {
    QueuedRequest[] batch = shard.dispatchBatch; // only the wip owner is here: no sharing
    for (; ; ) {
      int count = 0;
      long now = 0;
      shard.lock.lock();
      try {
        if (shard.closed) {
          return;
        }
        while (count < DISPATCH_BATCH && shard.queuedRequests > 0) {
          QueuedRequest item = shard.selectLocked(detector, usageLimit);
          if (item == null) {
            break;
          }
          if (count == 0) {
            now = ticker.read();
          }
          shard.dispatchLocked(item);
          batch[count++] = item;
        }
      } finally {
        shard.lock.unlock();
      }
      for (int i = 0; i < count; i++) {
        QueuedRequest item = batch[i];
        batch[i] = null;
        if (!endings.dispatched(item, Math.max(0, now - item.enqueueNanos))) {
          returnInFlight(item.request); // the caller withdrew first: it counts, releases the lease
        }
      }
      if (count < DISPATCH_BATCH) {
        return;
      }
    }
  }

  /** Gives back a dispatched request's in-flight slot and wakes dispatch. */
  void returnInFlight(FlowRequest request) {
    detector.onFinished(request);
    drainAll();
  }

  /** The detector's signal: its readings changed, so dispatch may proceed. */
  void onSaturationSignal() {
    if (closed.get()) {
      return;
    }
    for (Shard shard : shards.all()) {
      if (shard.lock.isHeldByCurrentThread()) {
        // Never dispatch under a lock we already hold, nor schedule under it: this thread is in
        // an admission or a drain (where the controller reads the detector), which act on it after
        // unlocking.
        signalPending = true;
        return;
      }
    }
    drainAll();
  }

  /**
   * Acts on a signal that arrived while this thread held a shard lock; call after unlocking. One
   * volatile read when none did.
   */
  void runPendingSignal() {
    if (signalPending) {
      signalPending = false;
      drainAll();
    }
  }

  /** A shard's deadline timer {@code token} fired. */
  void onTimer(Shard shard, long token) {
    if (expireDue(shard, token)) {
      drain(shard);
    }
  }

  /**
   * Evicts the shard's requests whose deadline has passed and arms the timer for the next one;
   * {@code token} is the timer's that fired (-1 if none did). Whether any was evicted.
   */
  private boolean expireDue(Shard shard, long token) {
    shard.timer.clearFailed();
    List<QueuedRequest> expired = null;
    DeadlineTimer.Arming arming;
    long now;
    shard.lock.lock();
    try {
      if (shard.closed) {
        return false;
      }
      shard.timer.firedLocked(token);
      now = ticker.read();
      expired = shard.expireDueLocked(now);
      arming = shard.timer.claimLocked(shard.earliestDeadlineLocked());
    } finally {
      shard.lock.unlock();
    }
    if (expired != null) {
      for (QueuedRequest item : expired) {
        long waited = now - item.enqueueNanos;
        endings.evicted(
            item,
            Outcome.EVICTED_TTL,
            "deadline passed after waiting " + waited / 1_000_000 + " ms in the queue",
            waited);
      }
    }
    if (arming != null) {
      shard.timer.arm(arming);
    }
    return expired != null;
  }

  private void retireIfDrained(Shard shard) {
    if (shard.draining && shard.queuedRequests == 0) {
      retireDrained.run();
    }
  }
}
