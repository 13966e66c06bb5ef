package dev.sluice.sim.metrics;

import java.util.Map;

/**
 * The engine's state and totals at one instant, ready to be exposed. Immutable (the histogram
 * snapshots are copies nobody else holds).
 *
 * @param running requests holding a running slot
 * @param waiting requests in the waiting queue
 * @param preemptions running requests sent back to waiting for higher-priority ones, so far
 * @param usedBlocks KV-cache blocks reserved by running requests
 * @param totalBlocks KV-cache blocks in total
 * @param blockSize tokens per block
 * @param promptTokens prompt tokens of every admitted request
 * @param generationTokens output tokens generated, including those of aborted requests
 * @param finished finished requests by reason ({@code stop}, {@code length}, {@code abort})
 * @param rejected rejected requests by reason ({@code queue_full}, injected failures, ...)
 * @param timeToFirstToken seconds from arrival to first token
 * @param interTokenLatency seconds between consecutive tokens
 * @param e2eLatency seconds from arrival to last token
 * @param queueTime seconds spent waiting for a slot
 */
public record MetricsSnapshot(
    int running,
    int waiting,
    long preemptions,
    int usedBlocks,
    int totalBlocks,
    int blockSize,
    long promptTokens,
    long generationTokens,
    Map<String, Long> finished,
    Map<String, Long> rejected,
    Histogram.Snapshot timeToFirstToken,
    Histogram.Snapshot interTokenLatency,
    Histogram.Snapshot e2eLatency,
    Histogram.Snapshot queueTime) {

  /** Reserved blocks over total blocks, 0..1. */
  public double kvCacheUsage() {
    return (double) usedBlocks / totalBlocks;
  }
}
