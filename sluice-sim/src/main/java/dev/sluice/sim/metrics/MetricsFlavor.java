package dev.sluice.sim.metrics;

/**
 * Which engine's metric names the simulator exposes. The gateway maps each engine's names to the
 * same meanings (queued requests, running requests, KV-cache utilisation 0..1).
 */
public enum MetricsFlavor {
  /** vLLM V1 names, plus the legacy {@code vllm:gpu_cache_usage_perc}. */
  VLLM,
  /**
   * SGLang names ({@code sglang:num_queue_reqs}, {@code sglang:num_running_reqs}, {@code
   * sglang:token_usage}).
   */
  SGLANG
}
