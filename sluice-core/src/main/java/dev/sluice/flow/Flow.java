package dev.sluice.flow;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One flow across all shards: its queues (one per shard), its lease and its counters.
 *
 * <p>Every request of the flow holds a lease from the moment it is queued, or its dispatch on
 * arrival is counted, until its outcome is counted (for a dispatched one, until its admission
 * closes); so the requests in flight are the lease holders not queued, and need no counter of their
 * own on the hot path. A request dispatched on arrival takes its lease in the same step that counts
 * it, just after the detector granted its slot: if the flow was collected in that instant (it had
 * been idle for the timeout), the request is counted on the flow that replaces it, as if it had
 * arrived just after the collection. No request is ever counted on a collected flow.
 *
 * <p>The lease word packs the count of requests holding the flow (low 32 bits) and the count of
 * requests {@linkplain #tryAcquireDispatched dispatched on arrival} not yet moved to {@link
 * #outcomes} (high 32 bits): the fast path takes its lease and counts its dispatch in one
 * compare-and-set. When that count reaches {@link #foldAt}, one thread moves that many to {@link
 * #outcomes} while {@link #foldSequence} is odd, so {@link #readOutcomes} never sees a dispatch
 * twice or not at all. Collection swaps a word with no holders for {@link #TOMBSTONE} ({@link
 * #tryTombstone}), after which the flow can never be leased again.
 */
final class Flow {
  static final long TOMBSTONE = -1L;

  /** Dispatches on arrival kept in the lease word before they move to {@link #outcomes}. */
  static final long FOLD_AT = 1L << 30;

  private static final long HOLDER = 1;
  private static final long DISPATCH = 1L << 32;
  private static final int DISPATCHED = Outcome.DISPATCHED.ordinal();
  private static final AtomicIntegerFieldUpdater<Flow> FOLD_SEQUENCE =
      AtomicIntegerFieldUpdater.newUpdater(Flow.class, "foldSequence");

  final DefaultFlowController controller;
  final FlowKey key;
  final Band band;
  final AtomicLong lease = new AtomicLong();
  final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);

  /** This flow's queue on each shard it may have work on; copy-on-write under the registry lock. */
  volatile FlowShard[] shards = new FlowShard[0];

  private final long foldAt;

  /** Odd while a fold moves dispatches from the lease word to {@link #outcomes}. */
  private volatile int foldSequence;

  // Collector bookkeeping, guarded by the registry lock.
  long seenEnded = -1;
  long idleSinceNanos;

  Flow(DefaultFlowController controller, FlowKey key, Band band) {
    this(controller, key, band, FOLD_AT);
  }

  /** With a smaller {@code foldAt}, so that tests can fold often. */
  Flow(DefaultFlowController controller, FlowKey key, Band band, long foldAt) {
    checkArgument(
        foldAt > 0 && foldAt <= FOLD_AT, "foldAt: %s (expected: 1 to %s)", foldAt, FOLD_AT);
    this.controller = controller;
    this.key = key;
    this.band = band;
    this.foldAt = foldAt;
  }

  /** Takes a lease; false if the flow was collected. */
  boolean tryAcquire() {
    return acquire(HOLDER);
  }

  /**
   * Takes a lease and counts a dispatch in one step: what a request dispatched on arrival needs.
   * False, and nothing counted, if the flow was collected.
   */
  boolean tryAcquireDispatched() {
    return acquire(HOLDER + DISPATCH);
  }

  private boolean acquire(long increment) {
    for (; ; ) {
      long word = lease.get();
      if (word == TOMBSTONE) {
        return false;
      }
      long next = word + increment;
      if (lease.compareAndSet(word, next)) {
        if (increment != HOLDER && dispatchedOnArrival(next) >= foldAt) {
          tryFold();
        }
        return true;
      }
    }
  }

  /**
   * Moves the lease word's dispatch count to {@link #outcomes} if it is still at least {@link
   * #foldAt}, unless another thread is folding (then a later dispatch looks again). The caller
   * holds a lease, so the flow cannot be collected meanwhile. Only the folder subtracts from the
   * count, so the count it read under the odd sequence is still there when it subtracts.
   */
  private void tryFold() {
    int sequence = foldSequence;
    if ((sequence & 1) != 0 || !FOLD_SEQUENCE.compareAndSet(this, sequence, sequence + 1)) {
      return;
    }
    long count = dispatchedOnArrival(lease.get()); // another fold may have taken it down since
    if (count >= foldAt) {
      outcomes.addAndGet(DISPATCHED, count);
      lease.addAndGet(-count * DISPATCH);
    }
    foldSequence = sequence + 2;
  }

  void release() {
    lease.decrementAndGet();
  }

  /**
   * Marks the flow collected if its lease word is still {@code word} (no holders) and no request
   * has ended since {@code ended} was read from it. The word alone cannot tell: a plain lease taken
   * and released in between leaves it as it was (ABA), so the ended count is read again after the
   * swap, and the swap undone if it moved. Nobody can change a tombstoned word, so putting it back
   * is safe. For the collector, under the registry lock.
   */
  boolean tryTombstone(long word, long ended) {
    if (!lease.compareAndSet(word, TOMBSTONE)) {
      return false;
    }
    if (ended(word) != ended) {
      lease.set(word);
      return false;
    }
    return true;
  }

  /**
   * This flow's outcome counts, dispatches on arrival included, consistent with respect to folds. A
   * flow being collected reads as its {@link #outcomes} alone: the collector moves the rest.
   */
  long[] readOutcomes() {
    for (; ; ) {
      int sequence = foldSequence;
      long[] values = countsAt(lease.get());
      if ((sequence & 1) == 0 && foldSequence == sequence) {
        return values;
      }
      Thread.onSpinWait(); // a fold is moving counts: a few instructions
    }
  }

  /**
   * The outcome counts with the dispatches kept in lease word {@code word} added; exact when no
   * fold runs meanwhile (nobody holds a lease, or {@link #readOutcomes} checks the sequence).
   */
  long[] countsAt(long word) {
    long[] values = new long[outcomes.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = outcomes.get(i);
    }
    if (word != TOMBSTONE) {
      values[DISPATCHED] += dispatchedOnArrival(word);
    }
    return values;
  }

  /**
   * Requests of this flow that have ended, by any outcome, given its lease {@code word}: the
   * collector's sign of use, since every request counts its outcome before it releases its lease.
   */
  long ended(long word) {
    long sum = 0;
    for (long count : countsAt(word)) {
      sum += count;
    }
    return sum;
  }

  static int holders(long word) {
    return (int) word;
  }

  static long dispatchedOnArrival(long word) {
    return word >>> 32;
  }
}
