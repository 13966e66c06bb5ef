package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.gateway.config.SaturationConfig;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * What every gate shares: the dispatch is counted and its endpoint reserved under the pool's lock,
 * or neither happens; the endpoint is given back when the admission closes.
 */
abstract class PoolGate implements SaturationDetector {

  final EndpointPool pool;
  private final List<Runnable> wakeUps = new CopyOnWriteArrayList<>();

  PoolGate(EndpointPool pool) {
    this.pool = pool;
  }

  /** The gate {@code settings} ask for; {@code held} is required for {@code slots}. */
  static PoolGate create(
      EndpointPool pool, SaturationConfig settings, @Nullable ReturningFlows held) {
    return switch (settings.detector()) {
      case SLOTS -> new SlotGate(pool, Objects.requireNonNull(held, "held"));
      case UTILIZATION -> new UtilizationGate(pool);
      case CONCURRENCY ->
          new ConcurrencyGate(
              pool,
              ConcurrencyDetector.of(settings.maxConcurrency(), settings.maxTokenConcurrency()));
    };
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
    Placement placement = Placement.of(request);
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
    Placement placement = Placement.of(request);
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
      pool.scheduler().schedule(this::wakeUp, wakeAfter);
    }
  }

  @Override
  public void addListener(Runnable listener) {
    wakeUps.add(listener);
  }

  /** Runs the flow controller's wake-up listeners: saturation may have dropped. */
  final void wakeUp() {
    for (Runnable listener : wakeUps) {
      listener.run();
    }
  }
}
