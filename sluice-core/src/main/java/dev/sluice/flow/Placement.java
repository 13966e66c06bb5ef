package dev.sluice.flow;

import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.SaturationDetector;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Join-shortest-queue by bytes: which of its flow's queues a request joins, and its admission
 * there.
 *
 * <p><b>Invariant:</b> a request is placed on the active (not draining) shard where its own flow
 * has the fewest queued bytes, the first such shard on a tie; if that one is full, the other active
 * shards are tried in the same order, and the request is rejected for capacity (with the first
 * shard's problem) only if none has room. A draining shard is never chosen: meeting one under its
 * lock means a reshard happened, and placement starts again. A request is offered to a shard under
 * that shard's lock, where its limits, shedding and displacement are decided at once.
 *
 * <p><b>Threads.</b> Safe from any thread; no state of its own. The counters are read without the
 * shard locks, so the choice is a hint that the shard's lock then confirms or refuses. {@link
 * #leastQueuedBytes} is on the admission fast path: it allocates nothing. Endings, timer arming and
 * the drain run after the shard lock is released.
 */
final class Placement {
  private final FlowControllerConfig config;
  private final Ticker ticker;
  private final SaturationDetector detector;
  private final UsageLimitPolicy usageLimit;
  private final long defaultTtlNanos;
  private final Endings endings;
  private final Dispatcher dispatcher;

  Placement(FlowControllerConfig config, Endings endings, Dispatcher dispatcher) {
    this.config = config;
    this.ticker = config.ticker();
    this.detector = config.saturationDetector();
    this.usageLimit = config.usageLimitPolicy();
    this.defaultTtlNanos = config.defaultTtl().toNanos();
    this.endings = endings;
    this.dispatcher = dispatcher;
  }

  /** The non-draining candidate with the fewest queued bytes of this flow, without allocating. */
  static @Nullable FlowShard leastQueuedBytes(FlowShard[] candidates) {
    FlowShard best = null;
    for (FlowShard candidate : candidates) {
      if (!candidate.shard.draining && (best == null || candidate.queuedBytes < best.queuedBytes)) {
        best = candidate;
      }
    }
    return best;
  }

  /** The non-draining candidates, fewest queued bytes of this flow first; stable on ties. */
  static FlowShard[] byQueuedBytes(FlowShard[] candidates) {
    FlowShard[] ordered = new FlowShard[candidates.length];
    int count = 0;
    for (FlowShard candidate : candidates) {
      if (candidate.shard.draining) {
        continue;
      }
      int at = count++;
      long bytes = candidate.queuedBytes;
      while (at > 0 && ordered[at - 1].queuedBytes > bytes) {
        ordered[at] = ordered[at - 1];
        at--;
      }
      ordered[at] = candidate;
    }
    return Arrays.copyOf(ordered, count);
  }

  /**
   * Places {@code item} on a shard: the one where its flow has the fewest queued bytes (JSQ), then,
   * if that one is full, the others in the same order; retries around reshards.
   */
  void admit(QueuedRequest item) {
    for (; ; ) {
      FlowShard[] candidates = item.flow.shards;
      FlowShard best = leastQueuedBytes(candidates);
      if (best == null) {
        Thread.onSpinWait(); // every shard of the flow is being resharded: look again
        continue;
      }
      AdmitResult first = tryAdmit(best, item);
      if (first == AdmitResult.DONE) {
        return;
      }
      if (first == AdmitResult.RETRY) {
        continue;
      }
      String firstProblem = Objects.requireNonNull(first.problem(), "neither DONE nor RETRY: full");
      boolean retry = false;
      for (FlowShard candidate : byQueuedBytes(candidates)) {
        if (candidate == best) {
          continue;
        }
        AdmitResult result = tryAdmit(candidate, item);
        if (result == AdmitResult.DONE) {
          return;
        }
        if (result == AdmitResult.RETRY) {
          retry = true;
          break;
        }
      }
      if (retry) {
        Thread.onSpinWait();
        continue;
      }
      endings.rejected(item, Outcome.REJECTED_CAPACITY, firstProblem);
      return;
    }
  }

  /**
   * Under the shard lock: check limits (displacing if allowed) and enqueue; a drain dispatches the
   * request if the gate is open.
   *
   * @return {@link AdmitResult#DONE} if the request was queued or finally rejected, {@link
   *     AdmitResult#RETRY} if the shard is draining, otherwise the capacity problem
   */
  private AdmitResult tryAdmit(FlowShard flowShard, QueuedRequest item) {
    Shard shard = flowShard.shard;
    ShardBand band = flowShard.band;
    Outcome rejection = null;
    String reason = null;
    List<QueuedRequest> displaced = null;
    DeadlineTimer.Arming arming = null;
    long now = 0;
    boolean needsDrain = false;
    shard.lock.lock();
    try {
      if (shard.draining) {
        return AdmitResult.RETRY; // removed by a reshard: pick again among the active shards
      } else if (shard.closed) {
        rejection = Outcome.REJECTED_SHUTDOWN;
        reason = "the flow controller is closed";
      } else {
        // Dispatch on arrival was tried before (dispatchOnArrival); here the request queues (a
        // gate that opened meanwhile is seen by the drain below) unless it is shed or over a
        // limit.
        boolean shedding =
            config.rejectSheddableWhenSaturated() && item.request.flowKey().isSheddable();
        double saturation = shedding ? detector.saturation() : Double.NaN;
        double ceiling =
            shedding ? usageLimit.ceiling(saturation, band.rank, shard.bands.length) : Double.NaN;
        if (shedding && !(saturation < ceiling)) {
          rejection = Outcome.REJECTED_SHED;
          reason =
              "band "
                  + band.band.priority
                  + " is saturated (saturation "
                  + saturation
                  + " >= ceiling "
                  + ceiling
                  + ") and the request is sheddable";
        } else {
          now = ticker.read();
          shard.prepareLocked(item, flowShard, now, defaultTtlNanos);
          String problem = Shard.localProblem(flowShard, item.request.byteSize());
          if (problem == null) {
            problem = shard.globalProblemLocked(item.request.byteSize());
            if (problem != null && config.displacement()) {
              displaced = shard.displaceLocked(item);
              if (displaced != null) {
                problem = null;
              }
            }
          }
          if (problem != null) {
            return AdmitResult.full(problem);
          }
          shard.enqueueLocked(item, flowShard);
          // Skip the second lock round trip of a drain while this band is gated. Safe: a closer
          // returns capacity before it reads the queue counter this thread wrote before reading
          // saturation here, so one of the two sees the other and the request is not stranded.
          // (A closer may still pass this shard by, but only when the gate is closed again: then
          // someone else holds capacity, and gives it back through another drain.)
          double saturationNow = detector.saturation();
          needsDrain =
              saturationNow < usageLimit.ceiling(saturationNow, band.rank, shard.bands.length);
          // The earliest deadline, not necessarily this one: after a refused timer, none is armed.
          arming = shard.timer.claimLocked(shard.earliestDeadlineLocked());
        }
      }
    } finally {
      shard.lock.unlock();
      dispatcher.runPendingSignal(); // one that came while this thread read saturation
    }
    if (rejection != null) {
      endings.rejected(item, rejection, Objects.requireNonNull(reason, "set with the rejection"));
      return AdmitResult.DONE;
    }
    if (displaced != null) {
      for (QueuedRequest victim : displaced) {
        endings.evicted(
            victim,
            Outcome.EVICTED_DISPLACED,
            "displaced to make room for a request of priority " + item.request.flowKey().priority(),
            now - victim.enqueueNanos);
      }
    }
    if (arming != null) {
      shard.timer.arm(arming);
    }
    if (needsDrain || displaced != null) {
      dispatcher.drain(shard);
    }
    return AdmitResult.DONE;
  }
}
