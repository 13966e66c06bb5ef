package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import org.jspecify.annotations.Nullable;

/**
 * {@code utilization}: GIE's formula, the core {@link
 * dev.sluice.flow.saturation.UtilizationDetector}'s pool saturation plus the requests dispatched
 * since each endpoint's last scrape, counted as waiting (without that, everything queued would be
 * released between two scrapes). Places by {@link EndpointPicker}.
 */
final class UtilizationGate extends PoolGate {

  UtilizationGate(EndpointPool pool) {
    super(pool);
  }

  @Override
  public double saturation() {
    double base = pool.metrics().saturation();
    if (!pool.hasFreshEndpoint()) {
      return Math.max(1.0, base);
    }
    int unreported = 0;
    for (Endpoint endpoint : pool.endpoints()) {
      unreported += endpoint.unreported();
    }
    return base
        + (double) unreported / pool.settings().queueDepthThreshold() / pool.endpoints().size();
  }

  @Override
  boolean admits(FlowRequest request, double ceiling) {
    return saturation() < ceiling;
  }

  @Override
  @Nullable Endpoint choose(boolean anyFresh, int priority) {
    return EndpointPicker.leastScored(pool);
  }

  @Override
  public String toString() {
    return pool.metrics() + "+unreported";
  }
}
