package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.saturation.UtilizationDetector;
import org.jspecify.annotations.Nullable;

/**
 * GIE's endpoint pick, for the {@code utilization} and {@code concurrency} gates: among the fresh
 * endpoints below the thresholds (all fresh ones if none is; see {@link
 * UtilizationDetector#availableEndpoints()}) that have not refused a connection, the one with the
 * lowest {@link UtilizationDetector#score core score} ({@code max(waiting / queueDepthThreshold, kv
 * / kvCacheUtilThreshold)}) plus {@code inFlight / queueDepthThreshold}, this gateway's requests
 * there since. Ties go to the endpoint that was sent the fewest requests. Stateless; call under the
 * pool's lock.
 */
final class EndpointPicker {

  private EndpointPicker() {}

  /** The least-scored endpoint of {@code pool}, or {@code null} if none is fresh. */
  static @Nullable Endpoint leastScored(EndpointPool pool) {
    UtilizationDetector metrics = pool.metrics();
    int queueDepthThreshold = pool.settings().queueDepthThreshold();
    Endpoint best = null;
    double bestLoad = Double.MAX_VALUE;
    for (String name : metrics.availableEndpoints()) {
      Endpoint endpoint = pool.endpoint(name);
      if (endpoint == null || endpoint.isRefusing()) {
        continue;
      }
      double load = metrics.score(name) + (double) endpoint.inFlight() / queueDepthThreshold;
      if (best == null
          || load < bestLoad
          || (load == bestLoad && endpoint.dispatched() < best.dispatched())) {
        best = endpoint;
        bestLoad = load;
      }
    }
    return best;
  }
}
