package dev.sluice.gateway.internal.pool;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The load figures a model server reports in its Prometheus text, under vLLM's or SGLang's names.
 * Immutable.
 *
 * <p>Waiting and running requests are summed over every series of the metric (one per data-parallel
 * engine); KV-cache utilization is the largest series, since the fullest engine is the one that
 * stalls. vLLM's {@code vllm:kv_cache_usage_perc} is preferred, with the legacy {@code
 * vllm:gpu_cache_usage_perc} as fallback; SGLang reports {@code sglang:num_queue_reqs} and {@code
 * sglang:token_usage}; running requests are {@code vllm:num_requests_running} or {@code
 * sglang:num_running_reqs}.
 *
 * @param waitingRequests requests in the server's own waiting queue
 * @param runningRequests requests in the server's running batch, or -1 if it does not say
 * @param kvCacheUtilization KV-cache utilization in [0, 1]
 */
record EngineMetrics(long waitingRequests, long runningRequests, double kvCacheUtilization) {

  private static final String[] WAITING = {"vllm:num_requests_waiting", "sglang:num_queue_reqs"};
  private static final String[] RUNNING = {"vllm:num_requests_running", "sglang:num_running_reqs"};
  private static final String[] KV_CACHE = {
    "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"
  };

  /**
   * Reads the figures from Prometheus text exposition.
   *
   * @throws IllegalArgumentException if no waiting-queue metric is present
   */
  static EngineMetrics parse(String text) {
    Map<String, Double> sums = new HashMap<>();
    Map<String, Double> maxima = new HashMap<>();
    int start = 0;
    int length = text.length();
    while (start < length) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = length;
      }
      readLine(text, start, end, sums, maxima);
      start = end + 1;
    }
    Double waiting = firstOf(sums, WAITING);
    if (waiting == null) {
      throw new IllegalArgumentException(
          "no waiting-queue metric (expected vllm:num_requests_waiting or sglang:num_queue_reqs)");
    }
    Double running = firstOf(sums, RUNNING);
    Double kv = firstOf(maxima, KV_CACHE);
    return new EngineMetrics(
        Math.round(waiting),
        running == null ? -1 : Math.round(running),
        kv == null ? 0 : Math.max(0, Math.min(1, kv)));
  }

  private static @Nullable Double firstOf(Map<String, Double> values, String[] names) {
    for (String name : names) {
      Double value = values.get(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static void readLine(
      String text, int start, int end, Map<String, Double> sums, Map<String, Double> maxima) {
    if (start >= end || text.charAt(start) == '#') {
      return;
    }
    int i = start;
    while (i < end && text.charAt(i) != '{' && text.charAt(i) != ' ') {
      i++;
    }
    String name = text.substring(start, i);
    if (!isWanted(name)) {
      return;
    }
    if (i < end && text.charAt(i) == '{') {
      boolean quoted = false;
      for (i++; i < end; i++) {
        char c = text.charAt(i);
        if (c == '\\' && quoted) {
          i++;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (c == '}' && !quoted) {
          i++;
          break;
        }
      }
    }
    String rest = text.substring(Math.min(i, end), end).trim();
    int space = rest.indexOf(' ');
    String number = space < 0 ? rest : rest.substring(0, space);
    double value;
    try {
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      return;
    }
    if (Double.isNaN(value)) {
      return;
    }
    sums.merge(name, value, Double::sum);
    maxima.merge(name, value, Math::max);
  }

  private static boolean isWanted(String name) {
    return contains(WAITING, name) || contains(RUNNING, name) || contains(KV_CACHE, name);
  }

  private static boolean contains(String[] names, String name) {
    for (String candidate : names) {
      if (candidate.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
