package dev.sluice.flow;

import java.util.concurrent.atomic.AtomicLongArray;

/** One priority band across all shards. Mutable fields are guarded by the registry lock. */
final class Band {
  final int priority;
  final BandConfig config;
  final boolean dynamic;

  /** Outcome counts of flows already collected, so band totals survive flow collection. */
  final AtomicLongArray retiredOutcomes = new AtomicLongArray(Outcome.values().length);

  int flowCount;
  long emptySinceNanos;

  Band(BandConfig config, boolean dynamic, long nowNanos) {
    this.priority = config.priority();
    this.config = config;
    this.dynamic = dynamic;
    this.emptySinceNanos = nowNanos;
  }
}
