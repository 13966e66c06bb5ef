package dev.sluice.gateway.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code saturation} section: the dispatch gate and the scraping of backend metrics. Metrics
 * are scraped whatever the detector: endpoint freshness and load scores come from them. Immutable
 * and thread-safe.
 *
 * @param detector {@code slots} (default), {@code utilization} or {@code concurrency}
 * @param scrapeInterval time between two scrapes of one backend. Default 50 ms
 * @param scrapeTimeout the longest one scrape may take. Default 1 s
 * @param staleness age after which an endpoint's metrics are stale. Default 200 ms
 * @param queueDepthThreshold waiting requests at which an endpoint is full. Default 5
 * @param kvCacheUtilThreshold KV-cache utilization at which an endpoint is full. Default 0.8
 * @param headroom fraction above the thresholds an endpoint may still be picked at. Default 0
 * @param maxConcurrency {@code concurrency}: in-flight requests at saturation. Default 100
 * @param maxTokenConcurrency {@code concurrency}: in-flight cost (tokens) at saturation; 0 = no
 *     token limit (the default)
 * @param slotHold {@code slots}: the longest a slot is held for a flow that comes straight back
 *     (see the README); 0 holds none. Default 50 ms
 * @param preempt the priorities of the bands whose requests may take back a lower-priority request
 *     that has not produced its first byte when they find no free slot ({@code
 *     flowControl.bands[].preempt: true}); empty (the default) turns preemption off
 */
public record SaturationConfig(
    Detector detector,
    Duration scrapeInterval,
    Duration scrapeTimeout,
    Duration staleness,
    int queueDepthThreshold,
    double kvCacheUtilThreshold,
    double headroom,
    long maxConcurrency,
    long maxTokenConcurrency,
    Duration slotHold,
    Set<Integer> preempt) {

  /** Checks for nulls and copies the set. */
  public SaturationConfig {
    Objects.requireNonNull(detector, "detector");
    preempt = Set.copyOf(preempt);
  }

  /** The saturation detector that gates dispatch. */
  public enum Detector {
    /**
     * A backend gets new work only while it has a free running slot, learned from its metrics (the
     * default): requests wait in the gateway, where priority and fairness decide.
     */
    SLOTS,
    /** From each backend's scraped queue depth and KV-cache utilization (GIE's default). */
    UTILIZATION,
    /** From this gateway's own in-flight requests (and optionally tokens). */
    CONCURRENCY
  }
}
