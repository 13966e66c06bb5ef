package dev.sluice.bench.harness;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.SaturationDetector;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A detector with a fixed number of slots, taken on dispatch and given back on close: the benchmark
 * stand-in for a backend, as GIE's {@code benchDetector}. Saturation is {@code inFlight / slots},
 * so the gate closes exactly when every slot is taken; a slot is granted by one CAS in {@link
 * #tryDispatch}, so concurrent dispatchers (shards, threads, arrivals dispatched without a lock)
 * never take more slots than there are.
 */
public final class SlotDetector implements SaturationDetector {
  private final AtomicLong inFlight = new AtomicLong();
  private final long slots;

  /** A detector with {@code slots} slots. */
  public SlotDetector(long slots) {
    checkArgument(slots > 0, "slots: %s (expected: > 0)", slots);
    this.slots = slots;
  }

  @Override
  public double saturation() {
    return (double) inFlight.get() / slots;
  }

  @Override
  public boolean tryDispatch(FlowRequest request, double ceiling) {
    for (; ; ) {
      long taken = inFlight.get();
      if (!((double) taken / slots < ceiling)) {
        return false;
      }
      if (inFlight.compareAndSet(taken, taken + 1)) {
        return true;
      }
    }
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
