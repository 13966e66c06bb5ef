package dev.sluice.flow.saturation;

import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code utilization}: saturation from per-endpoint snapshots of the backend's own metrics (the
 * waiting-queue depth and KV-cache utilization a vLLM-style server reports), as GIE's {@code
 * utilization-detector} computes it.
 *
 * <p>Each endpoint scores {@code max(waiting / queueDepthThreshold, kvCacheUtilization /
 * kvCacheUtilThreshold)}; an endpoint whose snapshot is older than the staleness threshold scores
 * 1.0. The pool's saturation is the average score; an empty pool is saturated (1.0), which halts
 * dispatch until an endpoint reports. Defaults are GIE's: queue depth {@value
 * #DEFAULT_QUEUE_DEPTH_THRESHOLD}, KV utilization {@value #DEFAULT_KV_CACHE_UTIL_THRESHOLD},
 * staleness {@value #DEFAULT_STALENESS_MILLIS} ms, headroom {@value #DEFAULT_HEADROOM}.
 *
 * <p>Thread-safe: a scraper thread calls {@link #update}, the controller reads {@link
 * #saturation()}.
 */
public final class UtilizationDetector implements SaturationDetector {

  /** Default waiting-queue depth at which an endpoint counts as full: {@value}. */
  public static final int DEFAULT_QUEUE_DEPTH_THRESHOLD = 5;

  /** Default KV-cache utilization at which an endpoint counts as full: {@value}. */
  public static final double DEFAULT_KV_CACHE_UTIL_THRESHOLD = 0.8;

  /** Default age after which a snapshot is stale, in milliseconds: {@value}. */
  public static final long DEFAULT_STALENESS_MILLIS = 200;

  /** Default headroom above the thresholds for {@link #availableEndpoints()}: {@value}. */
  public static final double DEFAULT_HEADROOM = 0.0;

  /**
   * One endpoint's metrics at one moment.
   *
   * @param endpoint the endpoint's name, for example {@code host:port}
   * @param waitingRequests requests waiting in the backend's own queue
   * @param kvCacheUtilization KV-cache utilization in [0, 1]
   * @param timestampNanos when the metrics were read, on the detector's ticker
   */
  public record EndpointMetrics(
      String endpoint, long waitingRequests, double kvCacheUtilization, long timestampNanos) {
    /** Checks the endpoint name. */
    public EndpointMetrics {
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  private final Ticker ticker;
  private final int queueDepthThreshold;
  private final double kvCacheUtilThreshold;
  private final long stalenessNanos;
  private final double headroom;
  private final Map<String, EndpointMetrics> endpoints = new ConcurrentHashMap<>();
  private final Listeners listeners = new Listeners();

  private UtilizationDetector(Builder builder) {
    this.ticker = builder.ticker;
    this.queueDepthThreshold = builder.queueDepthThreshold;
    this.kvCacheUtilThreshold = builder.kvCacheUtilThreshold;
    this.stalenessNanos = builder.staleness.toNanos();
    this.headroom = builder.headroom;
  }

  /** Starts a builder whose staleness is measured on {@code ticker}. */
  public static Builder builder(Ticker ticker) {
    return new Builder(ticker);
  }

  /** Replaces {@code metrics.endpoint()}'s snapshot and wakes the controller. */
  public void update(EndpointMetrics metrics) {
    endpoints.put(metrics.endpoint(), metrics);
    listeners.fire();
  }

  /** Forgets an endpoint (it left the pool). */
  public void remove(String endpoint) {
    if (endpoints.remove(endpoint) != null) {
      listeners.fire();
    }
  }

  /** The current snapshots by endpoint. */
  public Map<String, EndpointMetrics> snapshots() {
    return Map.copyOf(endpoints);
  }

  /** One endpoint's score (1.0 if unknown or stale). */
  public double score(String endpoint) {
    EndpointMetrics metrics = endpoints.get(endpoint);
    return metrics == null ? 1.0 : score(metrics, ticker.read());
  }

  private double score(EndpointMetrics metrics, long now) {
    if (isStale(metrics, now)) {
      return 1.0;
    }
    return Math.max(
        (double) metrics.waitingRequests() / queueDepthThreshold,
        metrics.kvCacheUtilization() / kvCacheUtilThreshold);
  }

  private boolean isStale(EndpointMetrics metrics, long now) {
    return now - metrics.timestampNanos() > stalenessNanos;
  }

  /** Whether the endpoint has a snapshot that is not stale. */
  public boolean isFresh(String endpoint) {
    EndpointMetrics metrics = endpoints.get(endpoint);
    return metrics != null && !isStale(metrics, ticker.read());
  }

  /**
   * The endpoints with fresh metrics below the thresholds raised by the headroom. If every fresh
   * endpoint is above them, all fresh endpoints (fail-open, as GIE's filter); stale endpoints
   * never.
   */
  public List<String> availableEndpoints() {
    long now = ticker.read();
    List<String> fresh = new ArrayList<>();
    List<String> available = new ArrayList<>();
    for (EndpointMetrics metrics : endpoints.values()) {
      if (isStale(metrics, now)) {
        continue;
      }
      fresh.add(metrics.endpoint());
      if (metrics.waitingRequests() < queueDepthThreshold * (1 + headroom)
          && metrics.kvCacheUtilization() < kvCacheUtilThreshold * (1 + headroom)) {
        available.add(metrics.endpoint());
      }
    }
    return available.isEmpty() ? fresh : available;
  }

  @Override
  public double saturation() {
    long now = ticker.read();
    double sum = 0;
    int count = 0;
    for (EndpointMetrics metrics : endpoints.values()) {
      sum += score(metrics, now);
      count++;
    }
    return count == 0 ? 1.0 : sum / count;
  }

  @Override
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public String toString() {
    return "utilization(queueDepth="
        + queueDepthThreshold
        + ", kvCache="
        + kvCacheUtilThreshold
        + ", stalenessNanos="
        + stalenessNanos
        + ", headroom="
        + headroom
        + ")";
  }

  /** Builds a {@link UtilizationDetector}, validating every parameter at once. Not thread-safe. */
  public static final class Builder {
    private final Ticker ticker;
    private int queueDepthThreshold = DEFAULT_QUEUE_DEPTH_THRESHOLD;
    private double kvCacheUtilThreshold = DEFAULT_KV_CACHE_UTIL_THRESHOLD;
    private Duration staleness = Duration.ofMillis(DEFAULT_STALENESS_MILLIS);
    private double headroom = DEFAULT_HEADROOM;

    private Builder(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Waiting requests at which an endpoint scores 1.0. Default {@value
     * #DEFAULT_QUEUE_DEPTH_THRESHOLD}; {@code > 0}.
     */
    public Builder queueDepthThreshold(int threshold) {
      this.queueDepthThreshold = threshold;
      return this;
    }

    /**
     * KV utilization at which an endpoint scores 1.0. Default {@value
     * #DEFAULT_KV_CACHE_UTIL_THRESHOLD}; in (0, 1].
     */
    public Builder kvCacheUtilThreshold(double threshold) {
      this.kvCacheUtilThreshold = threshold;
      return this;
    }

    /**
     * Age after which a snapshot scores 1.0. Default {@value #DEFAULT_STALENESS_MILLIS} ms; {@code
     * > 0}.
     */
    public Builder staleness(Duration staleness) {
      this.staleness = staleness;
      return this;
    }

    /**
     * Fraction above the thresholds {@link #availableEndpoints()} tolerates. Default {@value
     * #DEFAULT_HEADROOM}; {@code >= 0}.
     */
    public Builder headroom(double headroom) {
      this.headroom = headroom;
      return this;
    }

    /**
     * Returns the detector.
     *
     * @throws IllegalArgumentException naming every bad parameter
     */
    public UtilizationDetector build() {
      List<String> errors = new ArrayList<>();
      if (queueDepthThreshold <= 0) {
        errors.add("queueDepthThreshold: " + queueDepthThreshold + " (expected: > 0)");
      }
      if (!(kvCacheUtilThreshold > 0 && kvCacheUtilThreshold <= 1)) {
        errors.add("kvCacheUtilThreshold: " + kvCacheUtilThreshold + " (expected: in (0, 1])");
      }
      if (staleness == null || staleness.isNegative() || staleness.isZero()) {
        errors.add("staleness: " + staleness + " (expected: > 0)");
      }
      if (!(headroom >= 0) || Double.isInfinite(headroom)) {
        errors.add("headroom: " + headroom + " (expected: >= 0)");
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", errors));
      }
      return new UtilizationDetector(this);
    }
  }
}
