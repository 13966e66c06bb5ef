package dev.sluice.demo.cluster;

import dev.sluice.sim.engine.EngineObserver;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * What the shared backend runs at once: the ground truth of the fleet's requests in flight,
 * whatever the replicas believe. The count is the engine's own, read under its lock at each
 * admission (counting the observer's calls would over-count: the engine reports a request finished
 * after its last chunk is written, by when a gateway may have dispatched the next). {@link
 * #resetMax()} starts a new measurement of the peak. Thread-safe.
 */
final class BackendProbe implements EngineObserver {

  private final AtomicInteger max = new AtomicInteger();
  private volatile IntSupplier running = () -> 0;

  /** Reads the count from {@code engineRunning} (the engine's {@code metrics().running()}). */
  void watch(IntSupplier engineRunning) {
    this.running = engineRunning;
  }

  @Override
  public void onAdmitted(long id) {
    max.accumulateAndGet(running.getAsInt(), Math::max);
  }

  /** Requests running on the backend now. */
  int running() {
    return running.getAsInt();
  }

  /** The most that ran at once (seen at an admission) since the last {@link #resetMax()}. */
  int max() {
    return max.get();
  }

  /** Starts measuring the peak from what runs now. */
  void resetMax() {
    max.set(running());
  }
}
