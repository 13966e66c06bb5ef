package dev.sluice.sim.metrics;

import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link MetricsSnapshot} in the Prometheus text exposition format 0.0.4, under the names
 * of the chosen {@link MetricsFlavor}. Every series carries a {@code model_name} label, and vLLM
 * series also {@code engine="0"}, as vLLM V1 does. Stateless and thread-safe.
 */
public final class PrometheusExposition {

  /** The {@code Content-Type} of the rendered text. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusExposition() {}

  /** Renders {@code snapshot} for a model named {@code modelName}. */
  public static String render(MetricsFlavor flavor, String modelName, MetricsSnapshot snapshot) {
    StringBuilder out = new StringBuilder(8192);
    String labels =
        flavor == MetricsFlavor.VLLM
            ? "model_name=\"" + escape(modelName) + "\",engine=\"0\""
            : "model_name=\"" + escape(modelName) + "\"";
    if (flavor == MetricsFlavor.VLLM) {
      gauge(
          out,
          "vllm:num_requests_running",
          "Number of requests in model execution batches.",
          labels,
          snapshot.running());
      gauge(
          out,
          "vllm:num_requests_waiting",
          "Number of requests waiting to be processed.",
          labels,
          snapshot.waiting());
      gauge(
          out,
          "vllm:kv_cache_usage_perc",
          "KV-cache usage. 1 means 100 percent usage.",
          labels,
          snapshot.kvCacheUsage());
      gauge(
          out,
          "vllm:gpu_cache_usage_perc",
          "GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED: Use vllm:kv_cache_usage_perc.",
          labels,
          snapshot.kvCacheUsage());
      gauge(
          out,
          "vllm:cache_config_info",
          "Information of the LLMEngine CacheConfig.",
          labels
              + ",block_size=\""
              + snapshot.blockSize()
              + "\",num_gpu_blocks=\""
              + snapshot.totalBlocks()
              + "\"",
          1);
      counter(
          out,
          "vllm:prompt_tokens_total",
          "Number of prefill tokens processed.",
          labels,
          snapshot.promptTokens());
      counter(
          out,
          "vllm:generation_tokens_total",
          "Number of generation tokens processed.",
          labels,
          snapshot.generationTokens());
      counter(
          out,
          "vllm:num_preemptions_total",
          "Cumulative number of preemption from the engine.",
          labels,
          snapshot.preemptions());
      labelledCounter(
          out,
          "vllm:request_success_total",
          "Count of successfully processed requests.",
          labels,
          "finished_reason",
          snapshot.finished());
      labelledCounter(
          out,
          "sluice_sim:requests_rejected_total",
          "Requests the simulator refused, by reason.",
          labels,
          "reason",
          snapshot.rejected());
      histogram(
          out,
          "vllm:time_to_first_token_seconds",
          "Histogram of time to first token in seconds.",
          labels,
          snapshot.timeToFirstToken());
      histogram(
          out,
          "vllm:inter_token_latency_seconds",
          "Histogram of inter-token latency in seconds.",
          labels,
          snapshot.interTokenLatency());
      histogram(
          out,
          "vllm:e2e_request_latency_seconds",
          "Histogram of e2e request latency in seconds.",
          labels,
          snapshot.e2eLatency());
      histogram(
          out,
          "vllm:request_queue_time_seconds",
          "Histogram of time spent in WAITING phase for request.",
          labels,
          snapshot.queueTime());
    } else {
      gauge(
          out,
          "sglang:num_running_reqs",
          "The number of running requests.",
          labels,
          snapshot.running());
      gauge(
          out,
          "sglang:num_queue_reqs",
          "The number of requests in the waiting queue.",
          labels,
          snapshot.waiting());
      gauge(out, "sglang:token_usage", "The token usage.", labels, snapshot.kvCacheUsage());
      gauge(
          out,
          "sglang:num_used_tokens",
          "The number of used tokens.",
          labels,
          (double) ((long) snapshot.usedBlocks() * snapshot.blockSize()));
      gauge(
          out,
          "sglang:cache_config_info",
          "Information of the cache config.",
          labels
              + ",page_size=\""
              + snapshot.blockSize()
              + "\",num_pages=\""
              + snapshot.totalBlocks()
              + "\"",
          1);
      counter(
          out,
          "sglang:prompt_tokens_total",
          "Number of prefill tokens processed.",
          labels,
          snapshot.promptTokens());
      counter(
          out,
          "sglang:generation_tokens_total",
          "Number of generation tokens processed.",
          labels,
          snapshot.generationTokens());
      long finished = snapshot.finished().values().stream().mapToLong(Long::longValue).sum();
      counter(out, "sglang:num_requests_total", "Number of requests processed.", labels, finished);
      labelledCounter(
          out,
          "sluice_sim:requests_rejected_total",
          "Requests the simulator refused, by reason.",
          labels,
          "reason",
          snapshot.rejected());
      histogram(
          out,
          "sglang:time_to_first_token_seconds",
          "Histogram of time to first token in seconds.",
          labels,
          snapshot.timeToFirstToken());
      histogram(
          out,
          "sglang:inter_token_latency_seconds",
          "Histogram of inter-token latency in seconds.",
          labels,
          snapshot.interTokenLatency());
      histogram(
          out,
          "sglang:e2e_request_latency_seconds",
          "Histogram of End-to-end request latency in seconds",
          labels,
          snapshot.e2eLatency());
      histogram(
          out,
          "sglang:queue_time_seconds",
          "Histogram of queueing time in seconds.",
          labels,
          snapshot.queueTime());
    }
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void gauge(
      StringBuilder out, String name, String help, String labels, double value) {
    header(out, name, help, "gauge");
    sample(out, name, labels, value);
  }

  private static void counter(
      StringBuilder out, String name, String help, String labels, long value) {
    header(out, name, help, "counter");
    sample(out, name, labels, (double) value);
  }

  private static void labelledCounter(
      StringBuilder out,
      String name,
      String help,
      String labels,
      String labelName,
      Map<String, Long> values) {
    header(out, name, help, "counter");
    values.forEach(
        (key, value) ->
            sample(out, name, labels + ',' + labelName + "=\"" + escape(key) + '"', value));
  }

  private static void histogram(
      StringBuilder out, String name, String help, String labels, Histogram.Snapshot histogram) {
    header(out, name, help, "histogram");
    double[] bounds = histogram.upperBounds();
    for (int i = 0; i < bounds.length; i++) {
      sample(
          out,
          name + "_bucket",
          labels + ",le=\"" + format(bounds[i]) + '"',
          (double) histogram.cumulativeCounts()[i]);
    }
    sample(out, name + "_bucket", labels + ",le=\"+Inf\"", (double) histogram.count());
    sample(out, name + "_sum", labels, histogram.sum());
    sample(out, name + "_count", labels, (double) histogram.count());
  }

  private static void sample(StringBuilder out, String name, String labels, double value) {
    out.append(name).append('{').append(labels).append("} ").append(format(value)).append('\n');
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return Double.toString(value);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
