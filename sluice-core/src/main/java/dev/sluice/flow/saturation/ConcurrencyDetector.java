package dev.sluice.flow.saturation;

import dev.sluice.flow.FlowRequest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code concurrency}: saturation from in-flight work the controller itself dispatched, counted
 * in requests, in cost (for example tokens), or both. Open loop: it needs no metrics, and it is
 * exact when this controller is the backend's only client.
 *
 * <p>Saturation is the larger of {@code inFlightRequests / maxRequests} and
 * {@code inFlightCost / maxCost}, counting only the limits that are set. With the default limit of
 * {@value #DEFAULT_MAX_REQUESTS} requests and one shard, at most that many requests are in flight;
 * with {@code S} shards at most {@code S - 1} more (the shards decide independently).
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
    if (maxRequests < 0 || maxCost < 0 || (maxRequests == 0 && maxCost == 0)) {
      throw new IllegalArgumentException("maxRequests: " + maxRequests + ", maxCost: " + maxCost
          + " (expected >= 0, at least one > 0)");
    }
    return new ConcurrencyDetector(maxRequests, maxCost);
  }

  private static long checkLimit(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + ": " + value + " (expected > 0)");
    }
    return value;
  }

  /** Changes the request limit (0 = none) and wakes the controller if it rose. */
  public void setMaxRequests(long maxRequests) {
    if (maxRequests < 0 || (maxRequests == 0 && maxCost == 0)) {
      throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected > 0, or 0 with a cost limit)");
    }
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
