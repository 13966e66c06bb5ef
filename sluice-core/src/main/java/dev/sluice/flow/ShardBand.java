package dev.sluice.flow;

import dev.sluice.flow.policy.FairnessPolicy;
import org.jspecify.annotations.Nullable;

/**
 * One band on one shard: its fairness state, its share of the band limits, its counters and an
 * arrival-ordered list of its queued requests (newest at the tail, for displacement). Guarded by
 * the shard's lock; the counters and the rank are also read without it.
 */
final class ShardBand {
  final Band band;
  final FairnessPolicy.BandState fairness;
  long maxBytes = Long.MAX_VALUE;
  long maxRequests = Long.MAX_VALUE;
  long maxFlowBytes = Long.MAX_VALUE;
  long maxFlowRequests = Long.MAX_VALUE;
  volatile long queuedRequests;
  volatile long queuedBytes;
  @Nullable QueuedRequest newest; // null when the band is empty
  @Nullable QueuedRequest oldest; // null when the band is empty

  /** Position in the shard's bands, 0 for the highest priority. */
  volatile int rank;

  ShardBand(Band band) {
    this.band = band;
    this.fairness = band.config.fairness().newBandState(band.config.ordering().comparator());
  }

  void appendArrival(QueuedRequest item) {
    item.arrivalPrev = newest;
    item.arrivalNext = null;
    if (newest == null) {
      oldest = item;
    } else {
      newest.arrivalNext = item;
    }
    newest = item;
  }

  void unlinkArrival(QueuedRequest item) {
    if (item.arrivalPrev == null) {
      oldest = item.arrivalNext;
    } else {
      item.arrivalPrev.arrivalNext = item.arrivalNext;
    }
    if (item.arrivalNext == null) {
      newest = item.arrivalPrev;
    } else {
      item.arrivalNext.arrivalPrev = item.arrivalPrev;
    }
    item.arrivalPrev = null;
    item.arrivalNext = null;
  }
}
