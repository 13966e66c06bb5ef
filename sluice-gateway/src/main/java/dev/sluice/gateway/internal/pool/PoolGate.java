package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What every gate shares: the dispatch is counted and its endpoint reserved under the pool's lock,
 * or neither happens; the endpoint is given back when the admission closes.
 */
abstract class PoolGate implements SaturationDetector {

  final EndpointPool pool;

  PoolGate(EndpointPool pool) {
    this.pool = pool;
  }

  /** Whether {@code request} may be dispatched now. Under the lock. */
  abstract boolean admits(FlowRequest request, double ceiling);

  /**
   * The endpoint for the next request, of {@code priority}, or {@code null} if none is fresh (or,
   * unless {@code anyFresh}, none has room). Under the lock.
   */
  abstract @Nullable Endpoint choose(boolean anyFresh, int priority);

  /** Undoes {@link #admits} for a request that found no endpoint. Under the lock. */
  void unadmit(FlowRequest request) {}

  /**
   * A dispatched request ended, after its endpoint was given back. Under the lock.
   *
   * @return the delay after which the controller must be woken (a held slot expires), or -1
   */
  long ended(FlowRequest request, @Nullable Endpoint endpoint) {
    return -1;
  }

  @Override
  public final boolean tryDispatch(FlowRequest request, double ceiling) {
    Placement placement = EndpointPool.placementOf(request);
    synchronized (pool.lock()) {
      if (!admits(request, ceiling)) {
        return false;
      }
      int priority = request.flowKey().priority();
      Endpoint endpoint = choose(false, priority);
      if (endpoint == null) {
        unadmit(request);
        return false;
      }
      endpoint.acquire(priority);
      placement.endpoint(endpoint);
      return true;
    }
  }

  @Override
  public final void onDispatched(FlowRequest request) {
    throw new UnsupportedOperationException("the pool's gates dispatch through tryDispatch");
  }

  @Override
  public final void onFinished(FlowRequest request) {
    Placement placement = EndpointPool.placementOf(request);
    long wakeAfter;
    synchronized (pool.lock()) {
      Endpoint endpoint = placement.endpoint();
      if (endpoint != null) {
        endpoint.release(request.flowKey().priority());
        placement.endpoint(null);
      }
      wakeAfter = ended(request, endpoint);
    }
    if (wakeAfter >= 0) {
      pool.scheduler().schedule(pool::wakeUp, wakeAfter);
    }
  }

  @Override
  public void addListener(Runnable listener) {
    pool.addWakeUp(listener);
  }

  /** GIE's score among the fresh endpoints below the thresholds (all fresh if none is). */
  @Nullable Endpoint leastScored() {
    Map<String, EndpointMetrics> snapshots = pool.metrics().snapshots();
    Endpoint best = null;
    double bestLoad = Double.MAX_VALUE;
    for (String name : pool.metrics().availableEndpoints()) {
      Endpoint endpoint = pool.endpoint(name);
      EndpointMetrics m = snapshots.get(name);
      if (endpoint == null || m == null || endpoint.isRefusing()) {
        continue;
      }
      double load =
          Math.max(
                  (double) m.waitingRequests() / pool.settings().queueDepthThreshold(),
                  m.kvCacheUtilization() / pool.settings().kvCacheUtilThreshold())
              + (double) endpoint.inFlight() / pool.settings().queueDepthThreshold();
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
