package dev.sluice.gateway.pool;

import dev.sluice.flow.FlowRequest;
import org.jspecify.annotations.Nullable;

/**
 * {@code slots}: dispatch only into a free running slot, learned per endpoint ({@link
 * SlotEstimate}), with slots held for flows that come straight back ({@link ReturningFlows}); see
 * {@link EndpointPool}. Guarded by the pool's lock.
 */
final class SlotGate extends PoolGate {

  private final ReturningFlows returning;

  /** The endpoint of the held slot the request being admitted takes; under the pool's lock. */
  private @Nullable Endpoint heldEndpoint;

  SlotGate(EndpointPool pool, ReturningFlows returning) {
    super(pool);
    this.returning = returning;
  }

  /**
   * Running and reserved requests over usable slots. Held slots are left out: a flow with a held
   * slot must still reach {@link #tryDispatch}, which keeps held slots from the others.
   */
  @Override
  public double saturation() {
    synchronized (pool.lock()) {
      int usable = usableSlots();
      int used = usedSlots();
      return usable == 0 ? Math.max(1.0, used) : (double) used / usable;
    }
  }

  /** The slots this gateway may fill on the fresh endpoints. Under the lock. */
  private int usableSlots() {
    int usable = 0;
    for (Endpoint endpoint : pool.endpoints()) {
      if (pool.isFresh(endpoint)) {
        usable += endpoint.slots.usable();
      }
    }
    return usable;
  }

  /** This gateway's requests running or reserved on the fresh endpoints. Under the lock. */
  private int usedSlots() {
    int used = 0;
    for (Endpoint endpoint : pool.endpoints()) {
      if (pool.isFresh(endpoint)) {
        used += endpoint.inFlight();
      }
    }
    return used;
  }

  @Override
  public boolean holdsFor(FlowRequest request) {
    synchronized (pool.lock()) {
      returning.expire(pool.ticker().read());
      return returning.isHeld(request.flowKey());
    }
  }

  @Override
  boolean admits(FlowRequest request, double ceiling) {
    returning.expire(pool.ticker().read());
    int usable = usableSlots();
    int used = usedSlots();
    int heldForOthers = returning.held() - (returning.isHeld(request.flowKey()) ? 1 : 0);
    if (usable > 0 && (double) (used + heldForOthers) / usable < ceiling) {
      heldEndpoint = returning.dispatched(request.flowKey());
      return true;
    }
    for (Endpoint endpoint : pool.endpoints()) {
      endpoint.starved = true;
    }
    return false;
  }

  @Override
  void unadmit(FlowRequest request) {
    // Not reached (admitted means some endpoint is fresh); keeps the counts right all the same.
    returning.finished(request.flowKey(), 0, pool.ticker().read(), null);
  }

  @Override
  @Nullable Endpoint choose(boolean anyFresh) {
    // A held slot is a real slot on the endpoint that freed it: the returning request goes there,
    // not to an endpoint whose spare slot is only a probe of its capacity.
    Endpoint held = heldEndpoint;
    heldEndpoint = null;
    if (held != null && pool.isFresh(held)) {
      return held;
    }
    Endpoint best = null;
    int bestFree = Integer.MIN_VALUE;
    for (Endpoint endpoint : pool.endpoints()) {
      if (!pool.isFresh(endpoint)) {
        continue;
      }
      int free = endpoint.slots.usable() - endpoint.inFlight();
      if (best == null
          || free > bestFree
          || (free == bestFree && endpoint.dispatched() < best.dispatched())) {
        best = endpoint;
        bestFree = free;
      }
    }
    return best;
  }

  @Override
  long ended(FlowRequest request, @Nullable Endpoint endpoint) {
    long now = pool.ticker().read();
    long holdUntil = returning.finished(request.flowKey(), usableSlots(), now, endpoint);
    return holdUntil == Long.MIN_VALUE ? -1 : holdUntil - now;
  }

  @Override
  public String toString() {
    return "slots(hold=" + pool.settings().slotHold().toMillis() + "ms)";
  }
}
