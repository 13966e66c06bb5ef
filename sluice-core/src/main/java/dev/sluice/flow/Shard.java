package dev.sluice.flow;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ObjLongConsumer;

/**
 * An independent dispatch partition: its own lock, queues, deadline timer and share of every
 * limit. Everything but the volatile fields is guarded by {@link #lock}.
 *
 * <p>Dispatch on a shard runs in one thread at a time through the {@link #wip} counter (the
 * drain-loop pattern): a thread that finds dispatch running only records that more work arrived,
 * and the running thread loops again, so no wake-up is lost and no thread waits for another.
 */
final class Shard {
  final int id;
  final ReentrantLock lock = new ReentrantLock();
  final AtomicInteger wip = new AtomicInteger();
  final DeadlineHeap deadlines = new DeadlineHeap();
  /** Scratch space of the thread that owns {@link #wip}: requests dispatched in one lock hold. */
  final QueuedRequest[] dispatchBatch = new QueuedRequest[DefaultFlowController.DISPATCH_BATCH];
  final Map<Integer, ShardBand> bandsByPriority = new HashMap<>();
  /** Highest priority first; copy-on-write under the lock, read without it on arrival. */
  volatile ShardBand[] bands = new ShardBand[0];
  long maxBytes = Long.MAX_VALUE;
  long maxRequests = Long.MAX_VALUE;
  long nextSequence;
  volatile long queuedRequests;
  volatile long queuedBytes;
  volatile boolean draining;
  boolean closed;

  /** One timer for every deadline queued here. */
  final DeadlineTimer timer;

  /** @param onTimer called when the shard's timer with the given token fires */
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
}
