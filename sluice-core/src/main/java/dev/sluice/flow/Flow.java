package dev.sluice.flow;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One flow across all shards: its queues (one per shard), its lease and its counters.
 *
 * <p>Every request of the flow, from submission until its outcome is counted (for a dispatched one,
 * until its admission closes), holds a lease; so the requests in flight are the lease holders not
 * queued, and need no counter of their own on the hot path.
 *
 * <p>The lease word packs a count of requests holding the flow (low 32 bits) and a count of
 * acquisitions (high 32 bits), so the collector can tell a flow that stayed idle from one that was
 * used and released between two sweeps without reading the clock on the hot path. Collection
 * swaps a zero count for {@link #TOMBSTONE}, after which the flow can never be leased again.
 */
final class Flow {
  static final long TOMBSTONE = -1L;
  private static final long ACQUIRE = (1L << 32) + 1;

  final DefaultFlowController controller;
  final FlowKey key;
  final Band band;
  final AtomicLong lease = new AtomicLong();
  final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
  /** This flow's queue on each shard it may have work on; copy-on-write under the registry lock. */
  volatile FlowShard[] shards = new FlowShard[0];

  // Collector bookkeeping, guarded by the registry lock.
  long seenVersion = -1;
  long idleSinceNanos;

  Flow(DefaultFlowController controller, FlowKey key, Band band) {
    this.controller = controller;
    this.key = key;
    this.band = band;
  }

  /** Takes a lease; false if the flow was collected. */
  boolean tryAcquire() {
    for (;;) {
      long word = lease.get();
      if (word == TOMBSTONE) {
        return false;
      }
      if (lease.compareAndSet(word, word + ACQUIRE)) {
        return true;
      }
    }
  }

  void release() {
    lease.decrementAndGet();
  }

  static int holders(long word) {
    return (int) word;
  }

  static long version(long word) {
    return word >>> 32;
  }
}
