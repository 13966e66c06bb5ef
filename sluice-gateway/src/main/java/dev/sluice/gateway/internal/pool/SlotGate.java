package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import org.jspecify.annotations.Nullable;

/**
 * {@code slots}: dispatch only into a free running slot, learned per endpoint ({@link
 * SlotEstimate}), with slots held for flows that come straight back ({@link ReturningFlows}); see
 * {@link EndpointPool}. Guarded by the pool's lock.
 *
 * <p><b>Engine priority.</b> On a backend with {@code enginePriority}, which schedules by the
 * priority the gateway puts in each request (vLLM's {@code --scheduling-policy priority}), a slot
 * held by a lower-priority request of this gateway's is free to a higher-priority one: the engine
 * preempts the lower one back to its own queue and runs the newcomer at once, instead of the
 * newcomer waiting in the gateway until the lower one ends. So a request sees as taken only the
 * slots of requests at its priority or above ({@link Endpoint#preemptibleBy}). The engine still
 * runs no more than its slots; what the gateway sends beyond them waits in the engine's queue, and
 * only lower-priority work of this gateway's does: a band sees the same bound as without engine
 * priority, counted over itself and the bands above it, so the lowest band never goes over the
 * slots, and the requests in flight on a backend are at most its slots times the bands in flight
 * there.
 *
 * <p><b>Held slots.</b> A slot held for a flow that comes straight back ({@link ReturningFlows}) is
 * kept from that flow's band and the bands below, not from higher ones: a higher-priority request
 * that finds no other free slot takes it, and the hold ends, before it would preempt anyone.
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
   * Running and reserved requests over usable slots, as the most important request waiting in the
   * gateway sees them: requests an engine would preempt for it ({@link Endpoint#preemptibleBy}) are
   * left out, so that it reaches {@link #tryDispatch}. Held slots are left out too: a flow with a
   * held slot must still reach {@link #tryDispatch}, which keeps held slots from the others. With
   * nothing waiting, or no backend with engine priority, every request counts.
   */
  @Override
  public double saturation() {
    synchronized (pool.lock()) {
      int usable = usableSlots();
      int used = usedSlots(returning.highestQueued());
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

  /**
   * This gateway's requests running or reserved on the fresh endpoints, but for those an engine
   * would preempt for a request of {@code priority}. Under the lock.
   */
  private int usedSlots(int priority) {
    int used = 0;
    for (Endpoint endpoint : pool.endpoints()) {
      if (pool.isFresh(endpoint)) {
        used += usedBy(endpoint, priority);
      }
    }
    return used;
  }

  /** {@code endpoint}'s slots taken as a request of {@code priority} sees them. Under the lock. */
  private static int usedBy(Endpoint endpoint, int priority) {
    return endpoint.inFlight() - endpoint.preemptibleBy(priority);
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
    int priority = request.flowKey().priority();
    int usable = usableSlots();
    int used = usedSlots(priority);
    boolean ownHold = returning.isHeld(request.flowKey());
    // Slots held for flows below this one's priority are not kept from it (ReturningFlows).
    int heldForOthers = returning.heldAtOrAbove(priority) - (ownHold ? 1 : 0);
    if (usable > 0 && (double) (used + heldForOthers) / usable < ceiling) {
      heldEndpoint = returning.dispatched(request.flowKey());
      if (!ownHold && usedSlots(Integer.MIN_VALUE) + returning.held() >= usable) {
        // No slot is free but for those held: take one held for a lower priority, if any, before
        // preempting anyone (an idle slot costs its flow a short wait; a preemption, its prefill).
        ReturningFlows.Yield yielded = returning.yieldTo(priority);
        if (yielded.yielded()) {
          heldEndpoint = yielded.where();
        }
      }
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

  /**
   * The held slot's endpoint, if the request takes one; else a truly free slot, the most free
   * first; else (a request an engine may run by preempting) the most room as {@code priority} sees
   * it; ties to the endpoint sent the fewest requests.
   */
  @Override
  @Nullable Endpoint choose(boolean anyFresh, int priority) {
    // A held slot is a real slot on the endpoint that freed it: the returning request goes there,
    // not to an endpoint whose spare slot is only a probe of its capacity.
    Endpoint held = heldEndpoint;
    heldEndpoint = null;
    if (held != null && pool.isFresh(held)) {
      return held;
    }
    Endpoint best = null;
    int bestFree = Integer.MIN_VALUE;
    int bestRoom = Integer.MIN_VALUE;
    for (Endpoint endpoint : pool.endpoints()) {
      if (!pool.isFresh(endpoint)) {
        continue;
      }
      // A free slot costs nobody anything; a preemption stalls a running request.
      int free = Math.max(0, endpoint.slots.usable() - endpoint.inFlight());
      int room = endpoint.slots.usable() - usedBy(endpoint, priority);
      if (best == null
          || free > bestFree
          || (free == bestFree && room > bestRoom)
          || (free == bestFree && room == bestRoom && endpoint.dispatched() < best.dispatched())) {
        best = endpoint;
        bestFree = free;
        bestRoom = room;
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
