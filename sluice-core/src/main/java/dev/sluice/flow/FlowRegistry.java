package dev.sluice.flow;

import static dev.sluice.internal.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The flows and bands: created on first use, leased by their requests, collected when idle.
 *
 * <p><b>Invariant:</b> a flow with a request queued, in flight or not yet counted is never
 * collected, and no outcome is counted on a collected flow: every request holds its flow's lease
 * from the moment it is queued (or counted as dispatched on arrival) until its outcome is counted,
 * and collection swaps only a lease word with no holders and no recent ends for a tombstone ({@link
 * Flow#tryTombstone}). A lease taken on a tombstoned flow fails, and the request leases the flow
 * that replaces it. Configured bands are never collected; a dynamic band goes once it has had no
 * flow for the band idle timeout.
 *
 * <p><b>Threads.</b> Flows and bands are found without a lock. Creation, collection and resharding
 * run under the registry lock, which is taken before any shard lock, never while holding one.
 * Listener events and the scheduler are called after it is released. {@link #stats} takes no lock
 * unless it keeps meeting collection ({@link #collectionSequence}).
 */
final class FlowRegistry {
  private static final Outcome[] OUTCOMES = Outcome.values();

  private final DefaultFlowController controller;
  private final FlowControllerConfig config;
  private final Ticker ticker;
  private final GuardedScheduler scheduler;
  private final ShardSet shards;
  private final Endings endings;
  private final FlowControlListener listener;
  private final boolean hasListener;
  private final long flowIdleNanos;
  private final long bandIdleNanos;

  /** The controller's: set once, when it closes. */
  private final AtomicBoolean closed;

  private final ConcurrentHashMap<FlowKey, Flow> flows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Band> bands = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * Odd while the collector moves outcome counts: tombstones a flow and moves its counts into its
   * band, or moves a band's into {@link Endings#unattributed}. Written only under the registry
   * lock; a {@link #stats} that saw it change retries, so it never counts a moved count twice or
   * not at all.
   */
  private volatile long collectionSequence;

  private Scheduler.@Nullable Cancellable collector; // null: none scheduled, or closed

  /** The collector's next run is scheduled, or being scheduled ({@link #armCollector}). */
  private final AtomicBoolean collectorArmed = new AtomicBoolean();

  /** Registers the configured bands and the configured number of shards. */
  FlowRegistry(
      DefaultFlowController controller,
      FlowControllerConfig config,
      ShardSet shards,
      GuardedScheduler scheduler,
      Endings endings,
      AtomicBoolean closed) {
    this.controller = controller;
    this.config = config;
    this.ticker = config.ticker();
    this.scheduler = scheduler;
    this.shards = shards;
    this.endings = endings;
    this.listener = config.listener();
    this.hasListener = listener != FlowControlListener.NO_OP;
    this.flowIdleNanos = config.flowIdleTimeout().toNanos();
    this.bandIdleNanos = config.bandIdleTimeout().toNanos();
    this.closed = closed;

    long now = ticker.read();
    for (BandConfig bandConfig : config.bands()) {
      bands.put(bandConfig.priority(), new Band(bandConfig, false, now));
    }
    lock.lock();
    try {
      shards.add(config.shards(), bands.values(), flows.values());
      shards.applyLimits();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The registered flow {@code key}, not leased, created (and its band) on first use; it may be
   * collected at any moment unless a lease is then taken on it.
   */
  Flow registeredFlow(FlowKey key) {
    Flow flow = flows.get(key);
    if (flow == null) {
      flow = lease(key);
      flow.release(); // not a use: the collector looks for ended requests
    }
    return flow;
  }

  /** Leases {@code flow}, or the flow that replaced it if it was collected. */
  Flow lease(Flow flow) {
    return flow.tryAcquire() ? flow : lease(flow.key);
  }

  /** Leases the flow {@code key}, creating it (and its band) on first use. */
  Flow lease(FlowKey key) {
    Flow flow = flows.get(key);
    if (flow != null && flow.tryAcquire()) {
      return flow;
    }
    List<Runnable> events = new ArrayList<>(2);
    lock.lock();
    try {
      flow = flows.get(key); // collected flows leave the map under this lock
      if (flow == null) {
        flow = createFlow(key, events);
      }
      boolean acquired = flow.tryAcquire();
      checkState(acquired, "flow %s collected while the registry lock was held", key);
    } finally {
      lock.unlock();
    }
    events.forEach(Endings::notifySafely);
    if (!collectorArmed.get()) {
      armCollector(); // the scheduler refused it before
    }
    return flow;
  }

  private Flow createFlow(FlowKey key, List<Runnable> events) {
    int priority = key.priority();
    Band band = bands.get(priority);
    if (band == null) {
      BandConfig template = priority < 0 ? config.defaultSheddableBand() : config.defaultBand();
      band = new Band(template.withPriority(priority), true, ticker.read());
      bands.put(priority, band);
      shards.attachBand(band);
      shards.applyLimits();
      if (hasListener) {
        events.add(() -> listener.onBandCreated(priority));
      }
    }
    Flow flow = new Flow(controller, key, band);
    flow.shards = shards.attachFlow(flow);
    band.flowCount++;
    flows.put(key, flow);
    if (hasListener) {
      events.add(() -> listener.onFlowCreated(key));
    }
    return flow;
  }

  private long collectInterval() {
    return Math.max(1, flowIdleNanos / 4);
  }

  /**
   * Schedules the collector's next run unless one is scheduled or the controller is closed. If the
   * scheduler refuses, collection waits: the next flow created tries again.
   */
  void armCollector() {
    if (closed.get() || !collectorArmed.compareAndSet(false, true)) {
      return;
    }
    Scheduler.Cancellable handle = scheduler.schedule(this::collectIdle, collectInterval());
    if (handle == null) {
      collectorArmed.set(false);
      return;
    }
    boolean late;
    lock.lock();
    try {
      late = closed.get();
      if (!late) {
        collector = handle;
      }
    } finally {
      lock.unlock();
    }
    if (late) {
      GuardedScheduler.cancel(handle); // close() ran meanwhile and cancelled the one before
    }
  }

  /** Collects flows idle for the flow timeout and dynamic bands empty for the band timeout. */
  void collectIdle() {
    collectorArmed.set(false); // this is the scheduled run: the next is armed after it
    List<Runnable> events = new ArrayList<>();
    lock.lock();
    try {
      if (closed.get()) {
        return;
      }
      long now = ticker.read();
      for (Flow flow : flows.values()) {
        long word = flow.lease.get();
        if (Flow.holders(word) != 0) {
          flow.seenEnded = -1;
          continue;
        }
        long ended = flow.ended(word);
        if (flow.seenEnded != ended) {
          flow.seenEnded = ended;
          flow.idleSinceNanos = now;
          continue;
        }
        if (now - flow.idleSinceNanos < flowIdleNanos) {
          continue;
        }
        collectionSequence++; // odd: counts move (the tombstone hides the word's dispatches)
        boolean tombstoned = flow.tryTombstone(word, ended);
        if (tombstoned) {
          detachFlow(flow, word, now);
        }
        collectionSequence++;
        if (!tombstoned) {
          flow.seenEnded = -1; // used since the word was read: idle from the next sweep on
          continue;
        }
        if (hasListener) {
          events.add(() -> listener.onFlowCollected(flow.key));
        }
      }
      for (Band band : bands.values()) {
        if (band.dynamic && band.flowCount == 0 && now - band.emptySinceNanos >= bandIdleNanos) {
          collectionSequence++;
          removeBand(band);
          collectionSequence++;
          if (hasListener) {
            events.add(() -> listener.onBandCollected(band.priority));
          }
        }
      }
    } finally {
      lock.unlock();
    }
    events.forEach(Endings::notifySafely);
    armCollector();
  }

  /** Removes a collected flow; {@code word} is its lease word before the tombstone. */
  private void detachFlow(Flow flow, long word, long now) {
    flows.remove(flow.key, flow);
    for (FlowShard flowShard : flow.shards) {
      Shard shard = flowShard.shard;
      shard.lock.lock();
      try {
        shard.removeFlowLocked(flowShard);
      } finally {
        shard.lock.unlock();
      }
    }
    Band band = flow.band;
    long[] counts = flow.countsAt(word); // no holders: no fold can run
    for (int i = 0; i < counts.length; i++) {
      band.retiredOutcomes.addAndGet(i, counts[i]);
    }
    if (--band.flowCount == 0) {
      band.emptySinceNanos = now;
    }
  }

  private void removeBand(Band band) {
    bands.remove(band.priority, band);
    shards.removeBand(band);
    for (int i = 0; i < OUTCOMES.length; i++) {
      endings.unattributed.addAndGet(i, band.retiredOutcomes.get(i));
    }
  }

  /** Makes {@code count} shards active (see {@link ShardSet#resize}); false if closed. */
  boolean resize(int count) {
    lock.lock();
    try {
      if (closed.get()) {
        return false;
      }
      shards.resize(count, bands.values(), flows.values());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes draining shards that have emptied, with every flow's queue on them. */
  void retireDrainedShards() {
    List<Scheduler.@Nullable Cancellable> timers;
    lock.lock();
    try {
      timers = shards.retireDrained(flows.values());
    } finally {
      lock.unlock();
    }
    timers.forEach(GuardedScheduler::cancel);
  }

  /** The controller closed: no collection runs any more. */
  void close() {
    Scheduler.Cancellable lastCollector;
    lock.lock();
    try {
      lastCollector = collector;
      collector = null;
    } finally {
      lock.unlock();
    }
    GuardedScheduler.cancel(lastCollector);
  }

  /**
   * A snapshot whose outcome counts are exact: taken without a lock while no collection moved
   * counts meanwhile (the common case: collection is rare), else, after a few tries, under the
   * registry lock, which holds the collector off (and delays the creation of flows) for the walk.
   */
  FlowStats stats() {
    for (int attempt = 0; attempt < 3; attempt++) {
      long sequence = collectionSequence;
      if ((sequence & 1) == 0) {
        FlowStats stats = snapshot();
        if (collectionSequence == sequence) {
          return stats;
        }
      }
      Thread.onSpinWait();
    }
    lock.lock();
    try {
      return snapshot();
    } finally {
      lock.unlock();
    }
  }

  private FlowStats snapshot() {
    return StatsSnapshot.take(
        bands.values(), flows.values(), endings.unattributed, shards.activeCount());
  }
}
