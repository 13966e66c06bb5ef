package dev.sluice.demo.cluster;

import dev.sluice.sim.engine.EngineObserver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what the shared backend runs at once: the ground truth of the fleet's requests in flight,
 * whatever the replicas believe. {@link #resetMax()} starts a new measurement of the peak.
 * Thread-safe.
 */
final class BackendProbe implements EngineObserver {

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger max = new AtomicInteger();

  @Override
  public void onAdmitted(long id) {
    max.accumulateAndGet(running.incrementAndGet(), Math::max);
  }

  @Override
  public void onFinished(long id, String finishReason) {
    running.decrementAndGet();
  }

  @Override
  public void onAborted(long id) {
    running.decrementAndGet();
  }

  @Override
  public void onPreempted(long id) {
    running.decrementAndGet();
  }

  /** Requests running on the backend now. */
  int running() {
    return running.get();
  }

  /** The most that ran at once since the last {@link #resetMax()}. */
  int max() {
    return max.get();
  }

  /** Starts measuring the peak from what runs now. */
  void resetMax() {
    max.set(running.get());
  }
}
