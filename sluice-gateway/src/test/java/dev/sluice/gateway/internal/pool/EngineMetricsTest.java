package dev.sluice.gateway.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EngineMetricsTest {

  @Test
  void sumsWaitingAndRunningOverEnginesAndTakesTheFullestKvCache() {
    String text =
        """
        # HELP vllm:num_requests_waiting Waiting requests.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="m"} 3.0
        vllm:num_requests_waiting{engine="1",model_name="m"} 4.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
        vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.5
        vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.99
        vllm:num_requests_running{engine="0",model_name="m"} 5.0
        vllm:num_requests_running{engine="1",model_name="m"} 4.0
        """;
    assertThat(EngineMetrics.parse(text)).isEqualTo(new EngineMetrics(7, 9, 0.5));
  }

  @Test
  void fallsBackToTheLegacyKvCacheName() {
    String text =
        "vllm:num_requests_waiting 2\nvllm:gpu_cache_usage_perc{model_name=\"a}b\"} 0.75 1700000000\n";
    assertThat(EngineMetrics.parse(text)).isEqualTo(new EngineMetrics(2, -1, 0.75));
  }

  @Test
  void readsSglangNames() {
    String text =
        "sglang:num_queue_reqs{model_name=\"m\"} 6\nsglang:num_running_reqs 3\n"
            + "sglang:token_usage{model_name=\"m\"} 0.4\n";
    assertThat(EngineMetrics.parse(text)).isEqualTo(new EngineMetrics(6, 3, 0.4));
  }

  @Test
  void refusesPagesWithoutAQueueMetric() {
    assertThatThrownBy(() -> EngineMetrics.parse("up 1\n"))
        .hasMessageContaining("vllm:num_requests_waiting");
  }
}
