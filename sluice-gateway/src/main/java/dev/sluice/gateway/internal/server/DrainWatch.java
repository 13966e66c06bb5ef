package dev.sluice.gateway.internal.server;

import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowRequest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain at shutdown: once {@link #begin() begun}, {@link #awaitDrained} waits until every
 * admission is closed or the grace period has passed, woken by each admission close (give this
 * listener to the flow controller). Thread-safe.
 */
public final class DrainWatch implements FlowControlListener {

  private static final Logger log = LoggerFactory.getLogger(DrainWatch.class);

  private final Object drainSignal = new Object();
  private volatile boolean draining;

  /** Shutdown began: the health check turns 503 and admission closes wake {@link #awaitDrained}. */
  public void begin() {
    draining = true;
  }

  /** Whether shutdown began. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Waits until every admission of {@code controller} is closed or {@code grace} has passed. The
   * grace period bounds an operator's shutdown in real time, so it is measured on the system clock,
   * not the injected flow-control clock.
   */
  public void awaitDrained(FlowController controller, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (drainSignal) {
      long inFlight;
      while ((inFlight = controller.stats().inFlightRequests()) > 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          log.warn(
              "Shutdown grace period of {} passed with {} response(s) still streaming; "
                  + "closing them",
              grace,
              inFlight);
          return;
        }
        try {
          // Woken by each admission close; also looks again every 50 ms, because a request that
          // was refused (shutdown) held its flow for a moment without ever closing an admission.
          drainSignal.wait(Math.max(1, Math.min(50, remaining / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Wakes a draining {@link #awaitDrained} whenever an admission closes. */
  @Override
  public void onAdmissionClosed(FlowRequest request) {
    if (draining) {
      synchronized (drainSignal) {
        drainSignal.notifyAll();
      }
    }
  }
}
