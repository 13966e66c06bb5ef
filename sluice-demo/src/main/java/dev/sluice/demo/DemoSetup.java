package dev.sluice.demo;

import dev.sluice.pipeline.PipelineConfig;
import java.time.Duration;

/**
 * The demo's sizes and speeds. Immutable.
 *
 * @param phase how long each run lasts, at most
 * @param stopAfterGenerations end the run early once this many completions were generated; 0 = run
 *     the whole phase
 * @param workers producers (rollout workers)
 * @param slotsPerWorker completions each worker keeps in flight, and its in-flight cap
 * @param minTokens the fewest tokens a prompt asks for
 * @param maxTokens the most tokens a prompt asks for
 * @param bytesPerToken the size of one generated token's result (hidden states)
 * @param batch results per consumer step (its quantum: it acks whole batches)
 * @param leaseCap results per consumer lease call (smaller than the batch)
 * @param step how long the consumer trains on one batch
 * @param highBytes the high watermark
 * @param lowBytes the low watermark
 * @param capBytes the hard cap, in both runs (the store's capacity)
 * @param reservePerItem the bytes reserved per leased item: here the largest result, {@code
 *     maxTokens * bytesPerToken}, so resident plus reserved bytes bound what the store may hold
 * @param timeScale simulated seconds per real second on the model servers
 */
record DemoSetup(
    Duration phase,
    int stopAfterGenerations,
    int workers,
    int slotsPerWorker,
    int minTokens,
    int maxTokens,
    long bytesPerToken,
    int batch,
    int leaseCap,
    Duration step,
    long highBytes,
    long lowBytes,
    long capBytes,
    long reservePerItem,
    double timeScale) {

  static final long MIB = 1 << 20;

  /**
   * The defaults: 4 workers with 3 completions each on 3 simulated servers (4 slots each) at twice
   * real time, 16 to 96 tokens per prompt, 8 KiB of hidden states per token; the consumer trains 1
   * s per batch of 8, about three times slower than the producers.
   */
  static DemoSetup defaults(Duration phase) {
    int maxTokens = 96;
    long bytesPerToken = 8 * 1024;
    return new DemoSetup(
        phase,
        0,
        4,
        3,
        16,
        maxTokens,
        bytesPerToken,
        8,
        4,
        Duration.ofSeconds(1),
        24 * MIB,
        12 * MIB,
        32 * MIB,
        maxTokens * bytesPerToken,
        2.0);
  }

  /** The tokens a prompt asks for: fixed per prompt, spread evenly from min to max. */
  int maxTokens(String itemId) {
    return minTokens + Math.floorMod(itemId.hashCode() * 0x9E3779B9, maxTokens - minTokens + 1);
  }

  /** The pipeline's configuration, with or without backpressure; the hard cap in both. */
  PipelineConfig pipeline(boolean backpressure) {
    PipelineConfig.Builder b =
        PipelineConfig.builder()
            .maxResidentBytes(capBytes)
            .maxResultsPerLease(leaseCap)
            .maxAttempts(1000) // a refused commit retries: every refusal is a wasted generation
            .leaseTimeout(Duration.ofSeconds(30))
            .visibilityTimeout(Duration.ofSeconds(60));
    if (backpressure) {
      b.watermarks(lowBytes, highBytes)
          .reservedBytesPerItem(reservePerItem)
          .maxInFlightPerWorker(slotsPerWorker)
          .consumerQuantum(batch);
    }
    return b.build();
  }
}
