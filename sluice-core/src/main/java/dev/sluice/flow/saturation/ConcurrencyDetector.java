package dev.sluice.flow.saturation;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.FlowRequest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code concurrency}: saturation from in-flight work the controller itself dispatched, counted in
 * requests, in cost (for example tokens), or both. Open loop: it needs no metrics, and it is exact
 * when this controller is the backend's only client.
 *
 * <p>Saturation is the larger of {@code inFlightRequests / maxRequests} and {@code inFlightCost /
 * maxCost}, counting only the limits that are set. With the default limit of {@value
 * #DEFAULT_MAX_REQUESTS} requests, at most that many requests are in flight however many shards and
 * threads dispatch: {@link #tryDispatch} checks and counts in one compare-and-set.
 *
 * <p>A cost limit is a cap on the requests that fit: a request is dispatched only if {@code
 * inFlightCost + cost <= maxCost * ceiling} (the ceiling is the band's, 1.0 by default), so
 * in-flight cost never exceeds {@code maxCost}. The one exception keeps large requests from
 * starving: a request that does not fit is still dispatched when no cost is in flight at all, so a
 * request larger than the whole limit runs alone, as in Kubernetes API Priority and Fairness (a
 * lower band's oversized request runs with no other cost in flight when it starts, but higher bands
 * may then fill the rest of the limit). With both a request and a cost limit, the cost limit is
 * exact and the request limit may be exceeded by the number of concurrent dispatchers.
 *
 * <p>Thread-safe; limits can be changed while running.
 */
public final class ConcurrencyDetector implements SaturationDetector {

  /** Default request limit: {@value}. */
  public static final long DEFAULT_MAX_REQUESTS = 100;

  private final AtomicLong inFlightRequests = new AtomicLong();
  private final AtomicLong inFlightCost = new AtomicLong();
  private final Listeners listeners = new Listeners();
  private volatile long maxRequests;
  private final long maxCost;

  private ConcurrencyDetector(long maxRequests, long maxCost) {
    this.maxRequests = maxRequests;
    this.maxCost = maxCost;
  }

  /** A detector limiting in-flight requests to {@value #DEFAULT_MAX_REQUESTS}. */
  public static ConcurrencyDetector create() {
    return ofRequests(DEFAULT_MAX_REQUESTS);
  }

  /**
   * A detector limiting in-flight requests.
   *
   * @throws IllegalArgumentException if {@code maxRequests <= 0}
   */
  public static ConcurrencyDetector ofRequests(long maxRequests) {
    return new ConcurrencyDetector(checkLimit("maxRequests", maxRequests), 0);
  }

  /**
   * A detector limiting in-flight cost, the sum of {@link FlowRequest#cost()}.
   *
   * @throws IllegalArgumentException if {@code maxCost <= 0}
   */
  public static ConcurrencyDetector ofCost(long maxCost) {
    return new ConcurrencyDetector(0, checkLimit("maxCost", maxCost));
  }

  /**
   * A detector limiting both; 0 leaves one unlimited.
   *
   * @throws IllegalArgumentException if a limit is negative or both are 0
   */
  public static ConcurrencyDetector of(long maxRequests, long maxCost) {
    checkArgument(
        maxRequests >= 0 && maxCost >= 0 && (maxRequests > 0 || maxCost > 0),
        "maxRequests: %s, maxCost: %s (expected: >= 0, at least one > 0)",
        maxRequests,
        maxCost);
    return new ConcurrencyDetector(maxRequests, maxCost);
  }

  private static long checkLimit(String field, long value) {
    checkArgument(value > 0, "%s: %s (expected: > 0)", field, value);
    return value;
  }

  /** Changes the request limit (0 = none) and wakes the controller if it rose. */
  public void setMaxRequests(long maxRequests) {
    checkArgument(
        maxRequests > 0 || (maxRequests == 0 && maxCost > 0),
        "maxRequests: %s (expected: > 0, or 0 with a cost limit)",
        maxRequests);
    this.maxRequests = maxRequests;
    listeners.fire();
  }

  /** Requests dispatched and not yet finished. */
  public long inFlightRequests() {
    return inFlightRequests.get();
  }

  /** Cost dispatched and not yet finished (counted only when a cost limit is set). */
  public long inFlightCost() {
    return inFlightCost.get();
  }

  @Override
  public double saturation() {
    long requestLimit = maxRequests;
    long costLimit = maxCost;
    double byRequests = requestLimit > 0 ? (double) inFlightRequests.get() / requestLimit : 0;
    double byCost = costLimit > 0 ? (double) inFlightCost.get() / costLimit : 0;
    return Math.max(byRequests, byCost);
  }

  /**
   * Checks and counts in one compare-and-set, so no number of concurrent dispatchers overshoots;
   * with a cost limit, only a request that fits (or finds no cost in flight) is dispatched.
   */
  @Override
  public boolean tryDispatch(FlowRequest request, double ceiling) {
    if (maxCost == 0) {
      long limit = maxRequests;
      for (; ; ) {
        long current = inFlightRequests.get();
        if (!((double) current / limit < ceiling)) {
          return false;
        }
        if (inFlightRequests.compareAndSet(current, current + 1)) {
          return true;
        }
      }
    }
    for (;
        ; ) { // the cost counter gates; the request counter, if limited too, is checked alongside
      long current = inFlightCost.get();
      long requestLimit = maxRequests;
      double byRequests = requestLimit > 0 ? (double) inFlightRequests.get() / requestLimit : 0;
      if (!(Math.max((double) current / maxCost, byRequests) < ceiling)) {
        return false;
      }
      // Fits under the ceiling, or runs alone; in double, so that a huge cost cannot overflow.
      if (current != 0 && !(((double) current + request.cost()) / maxCost <= ceiling)) {
        return false;
      }
      if (inFlightCost.compareAndSet(current, current + request.cost())) {
        inFlightRequests.incrementAndGet();
        return true;
      }
    }
  }

  @Override
  public void onDispatched(FlowRequest request) {
    inFlightRequests.incrementAndGet();
    if (maxCost > 0) { // final: dispatch and finish always agree on whether cost is counted
      inFlightCost.addAndGet(request.cost());
    }
  }

  @Override
  public void onFinished(FlowRequest request) {
    inFlightRequests.decrementAndGet();
    if (maxCost > 0) {
      inFlightCost.addAndGet(-request.cost());
    }
  }

  @Override
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public String toString() {
    return "concurrency(maxRequests=" + maxRequests + ", maxCost=" + maxCost + ")";
  }
}
