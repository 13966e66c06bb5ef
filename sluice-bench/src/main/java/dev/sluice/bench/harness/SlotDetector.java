package dev.sluice.bench.harness;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.SaturationDetector;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A detector with a fixed number of slots, taken on dispatch and given back on close: the
 * benchmark stand-in for a backend, as GIE's {@code benchDetector}. Saturation is
 * {@code inFlight / slots}, so the gate closes exactly when every slot is taken. The controller
 * checks it and counts the dispatch under the same shard lock, so with one shard a slot is
 * granted atomically; with {@code S} shards at most {@code S - 1} extra can be in flight.
 */
public final class SlotDetector implements SaturationDetector {
  private final AtomicLong inFlight = new AtomicLong();
  private final double slots;

  /** A detector with {@code slots} slots. */
  public SlotDetector(long slots) {
    if (slots <= 0) {
      throw new IllegalArgumentException("slots: " + slots + " (expected > 0)");
    }
    this.slots = slots;
  }

  @Override
  public double saturation() {
    return inFlight.get() / slots;
  }

  @Override
  public void onDispatched(FlowRequest request) {
    inFlight.incrementAndGet();
  }

  @Override
  public void onFinished(FlowRequest request) {
    inFlight.decrementAndGet();
  }

  /** Slots taken now. */
  public long inFlight() {
    return inFlight.get();
  }
}
