package dev.sluice.flow;

import java.util.Arrays;

/**
 * Join-shortest-queue by bytes: which of its flow's queues a request joins.
 *
 * <p><b>Invariant:</b> a request is placed on the active (not draining) shard where its own flow
 * has the fewest queued bytes, the first such shard on a tie; if that one is full, the other
 * active shards are tried in the same order. A draining shard is never chosen.
 *
 * <p><b>Threads.</b> Stateless. The counters are read without the shard locks, so the choice is a
 * hint that the shard's lock then confirms or refuses. {@link #leastQueuedBytes} is on the
 * admission fast path: it allocates nothing.
 */
final class Placement {
  private Placement() {}

  /** The non-draining candidate with the fewest queued bytes of this flow, without allocating. */
  static FlowShard leastQueuedBytes(FlowShard[] candidates) {
    FlowShard best = null;
    for (FlowShard candidate : candidates) {
      if (!candidate.shard.draining
          && (best == null || candidate.queuedBytes < best.queuedBytes)) {
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
}
