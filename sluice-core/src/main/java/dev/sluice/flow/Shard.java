package dev.sluice.flow;

import dev.sluice.flow.policy.FlowQueueView;
import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.SaturationDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ObjLongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An independent dispatch partition: its own lock, queues, deadline timer and share of every limit.
 *
 * <p><b>Invariant:</b> everything but the volatile fields is guarded by {@link #lock}, and the
 * queue bookkeeping is done only here, by the methods named {@code ...Locked}: a request is in its
 * flow's queue, its band's arrival list, the counters of its flow, band and shard and (if it has
 * one) the deadline heap all at once or in none of them, and its {@link QueuedRequest#state} says
 * which. The counters are volatile so that placement and stats may read them without the lock.
 *
 * <p>Dispatch on a shard runs in one thread at a time through the {@link #wip} counter: see {@link
 * Dispatcher}.
 */
final class Shard {
  final int id;
  final ReentrantLock lock = new ReentrantLock();
  final AtomicInteger wip = new AtomicInteger();
  final DeadlineHeap deadlines = new DeadlineHeap();

  /** Scratch space of the thread that owns {@link #wip}: requests dispatched in one lock hold. */
  final @Nullable QueuedRequest[] dispatchBatch = new QueuedRequest[Dispatcher.DISPATCH_BATCH];

  final Map<Integer, ShardBand> bandsByPriority = new HashMap<>();

  /** Highest priority first; copy-on-write under the lock, read without it on arrival. */
  volatile ShardBand[] bands = new ShardBand[0];

  long maxBytes = Long.MAX_VALUE;
  long maxRequests = Long.MAX_VALUE;
  long nextSequence;

  /** The sequence of the next requeued request: below every other, so it sorts first. */
  long nextHeadSequence = -1;

  volatile long queuedRequests;
  volatile long queuedBytes;
  volatile boolean draining;
  boolean closed;

  /** One timer for every deadline queued here. */
  final DeadlineTimer timer;

  /**
   * @param onTimer called when the shard's timer with the given token fires
   */
  Shard(int id, Ticker ticker, GuardedScheduler scheduler, ObjLongConsumer<Shard> onTimer) {
    this.id = id;
    this.timer = new DeadlineTimer(lock, ticker, scheduler, token -> onTimer.accept(this, token));
  }

  void addBand(ShardBand band) {
    bandsByPriority.put(band.band.priority, band);
    ShardBand[] grown = Arrays.copyOf(bands, bands.length + 1);
    grown[bands.length] = band;
    Arrays.sort(grown, (a, b) -> Integer.compare(b.band.priority, a.band.priority));
    setBands(grown);
  }

  void removeBand(ShardBand band) {
    bandsByPriority.remove(band.band.priority);
    setBands(Arrays.stream(bands).filter(b -> b != band).toArray(ShardBand[]::new));
  }

  private void setBands(ShardBand[] sorted) {
    for (int rank = 0; rank < sorted.length; rank++) {
      sorted[rank].rank = rank;
    }
    bands = sorted;
  }

  /**
   * Stamps {@code item} for queueing on {@code flowShard} (one of this shard's) at {@code now}: its
   * sequence, and its deadline, the earliest of the caller's, its TTL and the default TTL. A
   * requeued request takes a sequence below every other and its received time (if given and past)
   * as its enqueue time.
   */
  void prepareLocked(QueuedRequest item, FlowShard flowShard, long now, long defaultTtlNanos) {
    FlowRequest request = item.request;
    item.flowShard = flowShard;
    if (item.requeued) {
      long received = request.receivedNanos();
      item.enqueueNanos = received != FlowRequest.NOT_SET && received - now < 0 ? received : now;
      item.sequence = nextHeadSequence--;
    } else {
      item.enqueueNanos = now;
      item.sequence = nextSequence++;
    }
    // The caller's deadline until now; then the earliest of it and the TTLs.
    Duration ttl = request.ttl();
    item.deadlineNanos =
        Durations.effectiveDeadline(item.deadlineNanos, item.enqueueNanos, ttl, defaultTtlNanos);
  }

  /** The flow or band limit {@code bytes} more would break, or null. */
  static @Nullable String localProblem(FlowShard flowShard, long bytes) {
    ShardBand band = flowShard.band;
    if (flowShard.queuedRequests >= band.maxFlowRequests) {
      return "flow "
          + flowShard.flow.key
          + " request limit reached ("
          + flowShard.queuedRequests
          + " queued, limit "
          + band.maxFlowRequests
          + ")";
    }
    if (bytes > band.maxFlowBytes - flowShard.queuedBytes) {
      return "flow "
          + flowShard.flow.key
          + " byte limit reached ("
          + flowShard.queuedBytes
          + " queued + "
          + bytes
          + " > limit "
          + band.maxFlowBytes
          + ")";
    }
    if (band.queuedRequests >= band.maxRequests) {
      return "band "
          + band.band.priority
          + " request limit reached ("
          + band.queuedRequests
          + " queued, limit "
          + band.maxRequests
          + ")";
    }
    if (bytes > band.maxBytes - band.queuedBytes) {
      return "band "
          + band.band.priority
          + " byte limit reached ("
          + band.queuedBytes
          + " queued + "
          + bytes
          + " > limit "
          + band.maxBytes
          + ")";
    }
    return null;
  }

  /** The global limit {@code bytes} more would break, or null. */
  @Nullable String globalProblemLocked(long bytes) {
    if (queuedRequests >= maxRequests) {
      return "global request limit reached ("
          + queuedRequests
          + " queued, limit "
          + maxRequests
          + ")";
    }
    if (bytes > maxBytes - queuedBytes) {
      return "global byte limit reached ("
          + queuedBytes
          + " queued + "
          + bytes
          + " > limit "
          + maxBytes
          + ")";
    }
    return null;
  }

  /**
   * Evicts strictly lower-priority work, lowest band first and newest first, until the global
   * limits admit {@code item}; returns the victims, or null (evicting nothing) if not enough
   * lower-priority work is queued.
   */
  @Nullable List<QueuedRequest> displaceLocked(QueuedRequest item) {
    int priority = item.request.flowKey().priority();
    long bytes = item.request.byteSize();
    long needRequests = queuedRequests + 1 - maxRequests;
    long needBytes = maxBytes == Long.MAX_VALUE ? 0 : queuedBytes + bytes - maxBytes;
    if (bytes > maxBytes) {
      return null;
    }
    long availableRequests = 0;
    long availableBytes = 0;
    ShardBand[] bands = this.bands;
    for (ShardBand band : bands) {
      if (band.band.priority < priority) {
        availableRequests += band.queuedRequests;
        availableBytes += band.queuedBytes;
      }
    }
    if (availableRequests < needRequests || availableBytes < needBytes) {
      return null;
    }
    List<QueuedRequest> victims = new ArrayList<>();
    for (int i = bands.length - 1; i >= 0 && (needRequests > 0 || needBytes > 0); i--) {
      ShardBand band = bands[i];
      if (band.band.priority >= priority) {
        break;
      }
      QueuedRequest victim = band.newest;
      while (victim != null && (needRequests > 0 || needBytes > 0)) {
        QueuedRequest older = victim.arrivalPrev;
        evictLocked(victim);
        victims.add(victim);
        needRequests--;
        needBytes -= victim.request.byteSize();
        victim = older;
      }
    }
    return victims;
  }

  /** Queues a {@linkplain #prepareLocked prepared} {@code item} on {@code flowShard}. */
  void enqueueLocked(QueuedRequest item, FlowShard flowShard) {
    ShardBand band = flowShard.band;
    long bytes = item.request.byteSize();
    flowShard.queue.add(item);
    flowShard.queuedRequests++;
    flowShard.queuedBytes += bytes;
    band.queuedRequests++;
    band.queuedBytes += bytes;
    queuedRequests++;
    queuedBytes += bytes;
    band.appendArrival(item);
    if (item.deadlineNanos != Long.MAX_VALUE) {
      deadlines.add(item);
    }
    item.state = QueuedRequest.QUEUED;
    band.fairness.onEnqueued(flowShard, item);
  }

  /**
   * The next request to dispatch, already granted by the detector (not yet taken out: see {@link
   * #dispatchLocked}): the highest band whose gate is open, its fairness policy picks the flow, the
   * flow's ordering the request. Null if no band may dispatch.
   */
  @Nullable QueuedRequest selectLocked(SaturationDetector detector, UsageLimitPolicy usageLimit) {
    ShardBand[] bands = this.bands;
    double saturation = Double.NaN;
    for (int rank = 0; rank < bands.length; rank++) {
      ShardBand band = bands[rank];
      if (band.queuedRequests == 0) {
        continue;
      }
      if (Double.isNaN(saturation)) {
        saturation = detector.saturation();
      }
      double ceiling = usageLimit.ceiling(saturation, rank, bands.length);
      if (!(saturation < ceiling)) {
        continue;
      }
      FlowQueueView flow = band.fairness.pick();
      if (flow == null) {
        continue;
      }
      QueuedRequest head =
          (QueuedRequest) Objects.requireNonNull(flow.peekHead(), "a picked flow is backlogged");
      if (detector.tryDispatch(head.request, ceiling)) {
        return head;
      }
      saturation = detector.saturation(); // another dispatcher took the room: look again
    }
    return null;
  }

  /** Takes a queued {@code item} out to dispatch it. */
  void dispatchLocked(QueuedRequest item) {
    removeLocked(item, true);
    item.state = QueuedRequest.DISPATCHED;
  }

  /** Takes a queued {@code item} out without dispatching it (withdrawn, displaced, expired...). */
  void evictLocked(QueuedRequest item) {
    removeLocked(item, false);
    item.state = QueuedRequest.REMOVED;
  }

  /** Takes {@code item} out if it is still queued (a withdrawal); whether it was. */
  boolean withdrawLocked(QueuedRequest item) {
    if (item.state != QueuedRequest.QUEUED) {
      return false;
    }
    evictLocked(item);
    return true;
  }

  /** A collected flow's (empty) queue leaves its band's fairness state. */
  void removeFlowLocked(FlowShard flowShard) {
    flowShard.band.fairness.onFlowRemoved(flowShard);
  }

  /** Takes shard {@code index}'s share, of {@code n} active shards, of every limit. */
  void shareLimitsLocked(FlowControllerConfig config, int n, int index) {
    maxBytes = ShardSet.share(config.maxBytes(), n, index);
    maxRequests = ShardSet.share(config.maxRequests(), n, index);
    for (ShardBand band : bands) {
      BandConfig limits = band.band.config;
      band.maxBytes = ShardSet.share(limits.maxBytes(), n, index);
      band.maxRequests = ShardSet.share(limits.maxRequests(), n, index);
      band.maxFlowBytes = ShardSet.share(limits.maxFlowBytes(), n, index);
      band.maxFlowRequests = ShardSet.share(limits.maxFlowRequests(), n, index);
    }
  }

  private void removeLocked(QueuedRequest item, boolean dispatched) {
    FlowShard flowShard = Objects.requireNonNull(item.flowShard, "a queued request has its queue");
    ShardBand band = flowShard.band;
    long bytes = item.request.byteSize();
    flowShard.queue.remove(item);
    flowShard.queuedRequests--;
    flowShard.queuedBytes -= bytes;
    band.queuedRequests--;
    band.queuedBytes -= bytes;
    queuedRequests--;
    queuedBytes -= bytes;
    band.unlinkArrival(item);
    deadlines.remove(item);
    band.fairness.onRemoved(flowShard, item, dispatched);
  }

  /** The earliest deadline queued here, {@link Durations#NEVER} if none. */
  long earliestDeadlineLocked() {
    QueuedRequest earliest = deadlines.peek();
    return earliest == null ? Durations.NEVER : earliest.deadlineNanos;
  }

  /** Evicts the requests whose deadline is at or before {@code now}; null if none. */
  @Nullable List<QueuedRequest> expireDueLocked(long now) {
    List<QueuedRequest> expired = null;
    for (QueuedRequest head = deadlines.peek();
        head != null && head.deadlineNanos <= now;
        head = deadlines.peek()) {
      evictLocked(head);
      if (expired == null) {
        expired = new ArrayList<>();
      }
      expired.add(head);
    }
    return expired;
  }

  /** Closes the shard and evicts every queued request, band by band, oldest first. */
  List<QueuedRequest> closeLocked() {
    closed = true;
    List<QueuedRequest> evicted = new ArrayList<>();
    for (ShardBand band : bands) {
      for (QueuedRequest item = band.oldest; item != null; item = band.oldest) {
        evictLocked(item);
        evicted.add(item);
      }
    }
    return evicted;
  }
}
