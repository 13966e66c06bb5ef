package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import org.jspecify.annotations.Nullable;

/** {@code utilization} with the not-yet-scraped requests counted as waiting. */
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
    return leastScored();
  }

  @Override
  public String toString() {
    return pool.metrics() + "+unreported";
  }
}
