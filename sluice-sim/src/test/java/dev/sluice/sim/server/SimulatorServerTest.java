package dev.sluice.sim.server;

import static dev.sluice.sim.server.SimFixture.chat;
import static dev.sluice.sim.server.SimFixture.json;
import static dev.sluice.sim.server.SimFixture.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.metrics.MetricsFlavor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SimulatorServerTest {

  private static final EngineConfig KNOWN_LATENCIES =
      EngineConfig.builder()
          .prefillOverhead(Duration.ofMillis(100))
          .prefillPerToken(Duration.ofMillis(1))
          .interTokenLatency(Duration.ofMillis(10))
          .build();

  @Test
  void chatStreamIsOpenAiChunksEndingWithUsageAndDone() throws Exception {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES)) {
      SimFixture.Stream stream = sim.stream("/v1/chat/completions", chat(20, 5, true));
      assertThat(sim.events.next()).isEqualTo("admitted:0");
      assertThat(stream.headers.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS).contentType())
          .satisfies(type -> assertThat(type.is(MediaType.EVENT_STREAM)).isTrue());

      sim.clock.advance(Duration.ofSeconds(1));

      JsonNode role = json(stream.next());
      assertThat(role.get("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
      assertThat(role.at("/choices/0/delta/content").asText()).isEmpty();
      String id = role.get("id").asText();
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        JsonNode chunk = json(stream.next());
        assertThat(chunk.get("id").asText()).isEqualTo(id);
        assertThat(chunk.get("model").asText()).isEqualTo("sluice-sim");
        assertThat(chunk.at("/choices/0/index").asInt()).isZero();
        assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(chunk.get("usage").isNull()).isTrue();
        assertThat(chunk.at("/choices/0/delta/content").asText()).isNotEmpty();
        text.append(chunk.at("/choices/0/delta/content").asText());
      }
      JsonNode last = json(stream.next());
      assertThat(last.at("/choices/0/delta").isEmpty()).isTrue();
      assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("length");
      JsonNode usage = json(stream.next());
      assertThat(usage.get("choices").isEmpty()).isTrue();
      assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(20);
      assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(5);
      assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(25);
      assertThat(stream.next()).isEqualTo("[DONE]");
      assertThat(stream.end.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
      assertThat(text.toString()).isNotBlank();

      // The manual clock makes the latencies exact: 100 ms + 20 × 1 ms, then 4 × 10 ms.
      PrometheusParser metrics = sim.metrics();
      assertThat(metrics.value("vllm:time_to_first_token_seconds_sum"))
          .isCloseTo(0.120, within(1e-9));
      assertThat(metrics.value("vllm:inter_token_latency_seconds_sum"))
          .isCloseTo(0.040, within(1e-9));
      assertThat(metrics.value("vllm:inter_token_latency_seconds_count")).isEqualTo(4);
      assertThat(metrics.value("vllm:e2e_request_latency_seconds_sum"))
          .isCloseTo(0.160, within(1e-9));
      assertThat(metrics.value("vllm:request_success_total", "finished_reason", "length"))
          .isEqualTo(1);
    }
  }

  @Test
  void completionsStreamAndNonStreamingBodies() throws Exception {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES)) {
      SimFixture.Stream stream =
          sim.stream(
              "/v1/completions",
              "{\"model\":\"sluice-sim\",\"prompt\":\""
                  + words(8)
                  + "\",\"max_tokens\":3,\"stream\":true}");
      assertThat(sim.events.next()).isEqualTo("admitted:0");
      sim.clock.advance(Duration.ofSeconds(1));
      for (int i = 0; i < 3; i++) {
        JsonNode chunk = json(stream.next());
        assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
        assertThat(chunk.at("/choices/0/text").asText()).isNotEmpty();
        assertThat(chunk.has("usage")).isFalse();
      }
      assertThat(json(stream.next()).at("/choices/0/finish_reason").asText()).isEqualTo("length");
      assertThat(stream.next()).isEqualTo("[DONE]");

      var pending =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> sim.post("/v1/chat/completions", chat(4, 6, false), Map.of()));
      assertThat(sim.events.next()).isEqualTo("finished:0");
      assertThat(sim.events.next()).isEqualTo("admitted:1");
      sim.clock.advance(Duration.ofSeconds(1));
      AggregatedHttpResponse whole = pending.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(whole.status().code()).isEqualTo(200);
      JsonNode body = json(whole.contentUtf8());
      assertThat(body.get("object").asText()).isEqualTo("chat.completion");
      assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
      assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
      assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
      assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(6);
    }
  }

  @Test
  void requestsQueueOnceSlotsAreFullAndGet429WhenTheQueueIsFull() throws Exception {
    EngineConfig config =
        KNOWN_LATENCIES.toBuilder().maxNumSeqs(2).maxWaitingQueueLength(2).build();
    try (SimFixture sim = new SimFixture(config)) {
      List<SimFixture.Stream> streams = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        streams.add(sim.stream("/v1/chat/completions", chat(10, 3, true)));
      }
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        accepted.add(sim.events.next().replaceAll(":.*", ""));
      }
      assertThat(accepted).containsExactlyInAnyOrder("admitted", "admitted", "queued", "queued");
      PrometheusParser metrics = sim.metrics();
      assertThat(metrics.value("vllm:num_requests_running")).isEqualTo(2);
      assertThat(metrics.value("vllm:num_requests_waiting")).isEqualTo(2);

      AggregatedHttpResponse rejected =
          sim.post("/v1/chat/completions", chat(10, 3, false), Map.of());
      assertThat(rejected.status().code()).isEqualTo(429);
      assertThat(json(rejected.contentUtf8()).at("/error/message").asText())
          .isEqualTo("Failed to enqueue request, waiting requests queue is full");

      // The first two finish at 100 + 10 + 2 × 10 ms; the queued two take their slots.
      sim.clock.advance(Duration.ofMillis(130));
      Set<String> next = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        next.add(sim.events.next().replaceAll(":.*", ""));
      }
      assertThat(next).containsExactlyInAnyOrder("finished", "admitted");
      metrics = sim.metrics();
      assertThat(metrics.value("vllm:num_requests_running")).isEqualTo(2);
      assertThat(metrics.value("vllm:num_requests_waiting")).isZero();
      assertThat(metrics.value("sluice_sim:requests_rejected_total", "reason", "queue_full"))
          .isEqualTo(1);
      assertThat(metrics.value("vllm:request_queue_time_seconds_sum"))
          .isCloseTo(0.260, within(1e-9));

      sim.clock.advance(Duration.ofSeconds(1));
      for (SimFixture.Stream stream : streams) {
        assertThat(stream.end.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
      }
    }
  }

  @Test
  void kvCacheSaturationHoldsRequestsAndShowsInMetrics() throws Exception {
    // 8 blocks of 16 tokens; each request needs 50 + 14 = 64 tokens = 4 blocks.
    EngineConfig config =
        KNOWN_LATENCIES.toBuilder().maxNumSeqs(10).kvBlocks(8).blockSize(16).build();
    try (SimFixture sim = new SimFixture(config)) {
      sim.stream("/v1/chat/completions", chat(50, 14, true));
      assertThat(sim.events.next()).isEqualTo("admitted:0");
      assertThat(sim.metrics().value("vllm:kv_cache_usage_perc")).isEqualTo(0.5);
      sim.stream("/v1/chat/completions", chat(50, 14, true));
      assertThat(sim.events.next()).isEqualTo("admitted:1");
      sim.stream("/v1/chat/completions", chat(50, 14, true));
      assertThat(sim.events.next()).isEqualTo("queued:2");

      PrometheusParser metrics = sim.metrics();
      assertThat(metrics.value("vllm:kv_cache_usage_perc")).isEqualTo(1.0);
      assertThat(metrics.value("vllm:gpu_cache_usage_perc")).isEqualTo(1.0);
      assertThat(metrics.value("vllm:num_requests_running")).isEqualTo(2);
      assertThat(metrics.value("vllm:num_requests_waiting")).isEqualTo(1);
      assertThat(metrics.samples)
          .anySatisfy(
              sample -> {
                assertThat(sample.name()).isEqualTo("vllm:cache_config_info");
                assertThat(sample.labels())
                    .containsEntry("block_size", "16")
                    .containsEntry("num_gpu_blocks", "8");
              });

      AggregatedHttpResponse tooBig =
          sim.post("/v1/chat/completions", chat(100, 100, false), Map.of());
      assertThat(tooBig.status().code()).isEqualTo(400);
      assertThat(json(tooBig.contentUtf8()).at("/error/code").asText())
          .isEqualTo("cache_too_small");
    }
  }

  @Test
  void disconnectStopsGenerationAndFreesSlotAndBlocksAtOnce() throws Exception {
    EngineConfig config = KNOWN_LATENCIES.toBuilder().maxNumSeqs(1).build();
    try (SimFixture sim = new SimFixture(config)) {
      SimFixture.Stream first = sim.stream("/v1/chat/completions", chat(10, 100, true));
      assertThat(sim.events.next()).isEqualTo("admitted:0");
      SimFixture.Stream second = sim.stream("/v1/chat/completions", chat(10, 2, true));
      assertThat(sim.events.next()).isEqualTo("queued:1");

      sim.clock.advance(Duration.ofMillis(110)); // prefill done: role chunk and first token
      assertThat(json(first.next()).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
      assertThat(json(first.next()).at("/choices/0/delta/content").asText()).isNotEmpty();

      first.call.cancel();
      assertThat(sim.events.next()).isEqualTo("aborted:0");
      assertThat(sim.events.next()).isEqualTo("admitted:1");
      PrometheusParser metrics = sim.metrics();
      assertThat(metrics.value("vllm:num_requests_running")).isEqualTo(1);
      assertThat(metrics.value("vllm:num_requests_waiting")).isZero();
      assertThat(metrics.value("vllm:request_success_total", "finished_reason", "abort"))
          .isEqualTo(1);
      assertThat(metrics.value("vllm:generation_tokens_total")).isEqualTo(1);
      // Only the second request's prefill is scheduled; the aborted one generates nothing more.
      assertThat(sim.clock.pendingTasks()).isEqualTo(1);

      sim.clock.advance(Duration.ofSeconds(1));
      assertThat(second.end.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
      metrics = sim.metrics();
      assertThat(metrics.value("vllm:generation_tokens_total")).isEqualTo(3);
      assertThat(metrics.value("vllm:kv_cache_usage_perc")).isZero();
    }
  }

  @Test
  void disconnectOfANonStreamingRequestAbortsItToo() throws Exception {
    EngineConfig config = KNOWN_LATENCIES.toBuilder().maxNumSeqs(1).build();
    try (SimFixture sim = new SimFixture(config)) {
      SimFixture.Stream first = sim.stream("/v1/chat/completions", chat(10, 100, false));
      assertThat(sim.events.next()).isEqualTo("admitted:0");
      sim.stream("/v1/chat/completions", chat(10, 2, false));
      assertThat(sim.events.next()).isEqualTo("queued:1");
      sim.clock.advance(Duration.ofMillis(110)); // generating; nothing is sent until it ends

      first.call.cancel();
      assertThat(sim.events.next()).isEqualTo("aborted:0");
      assertThat(sim.events.next()).isEqualTo("admitted:1");
      PrometheusParser metrics = sim.metrics();
      assertThat(metrics.value("vllm:num_requests_running")).isEqualTo(1);
      assertThat(metrics.value("vllm:request_success_total", "finished_reason", "abort"))
          .isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(MetricsFlavor.class)
  void metricsParseInBothFlavours(MetricsFlavor flavor) throws Exception {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES, flavor, 0)) {
      SimFixture.Stream stream = sim.stream("/v1/chat/completions", chat(10, 4, true));
      assertThat(sim.events.next()).isEqualTo("admitted:0");
      PrometheusParser running = sim.metrics();
      sim.clock.advance(Duration.ofSeconds(1));
      assertThat(stream.end.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
      PrometheusParser done = sim.metrics();

      String prefix = flavor == MetricsFlavor.VLLM ? "vllm:" : "sglang:";
      String runningName =
          flavor == MetricsFlavor.VLLM ? "vllm:num_requests_running" : "sglang:num_running_reqs";
      String waitingName =
          flavor == MetricsFlavor.VLLM ? "vllm:num_requests_waiting" : "sglang:num_queue_reqs";
      String kvName =
          flavor == MetricsFlavor.VLLM ? "vllm:kv_cache_usage_perc" : "sglang:token_usage";
      assertThat(running.types)
          .containsEntry(runningName, "gauge")
          .containsEntry(waitingName, "gauge")
          .containsEntry(kvName, "gauge");
      assertThat(running.value(runningName)).isEqualTo(1);
      assertThat(running.value(kvName)).isEqualTo(1.0 / 1024);
      assertThat(done.value(runningName)).isZero();
      assertThat(done.value(waitingName)).isZero();
      assertThat(done.samples)
          .allSatisfy(
              sample -> assertThat(sample.labels()).containsEntry("model_name", "sluice-sim"));
      assertThat(done.samples)
          .noneSatisfy(
              sample ->
                  assertThat(sample.name())
                      .startsWith(flavor == MetricsFlavor.VLLM ? "sglang:" : "vllm:"));
      String ttft = prefix + "time_to_first_token_seconds";
      assertThat(done.types).containsEntry(ttft, "histogram");
      assertThat(done.value(ttft + "_count")).isEqualTo(1);
      double previous = 0;
      for (PrometheusParser.Sample bucket : done.samples) {
        if (bucket.name().equals(ttft + "_bucket")) {
          assertThat(bucket.value()).isGreaterThanOrEqualTo(previous);
          previous = bucket.value();
        }
      }
      assertThat(previous).isEqualTo(1); // the +Inf bucket holds every observation
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON | {\"model\": | | not valid JSON",
        "missing messages | {\"model\":\"sluice-sim\"} | messages | 'messages'",
        "messages not an array | {\"model\":\"sluice-sim\",\"messages\":\"hi\"} | messages | must be an array, got a string",
        "message without role | {\"model\":\"sluice-sim\",\"messages\":[{\"content\":\"hi\"}]} | messages[0].role | role",
        "max_tokens a string | {\"model\":\"sluice-sim\",\"max_tokens\":\"5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | max_tokens | must be an integer, got a string",
        "stream not a boolean | {\"model\":\"sluice-sim\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | stream | must be a boolean",
        "missing model | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | model | 'model'",
        "too long for the model | {\"model\":\"sluice-sim\",\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | | maximum context length is 1024 tokens",
      })
  void badChatRequestsGetOpenAi400s(String name, String body, String param, String message) {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES)) {
      AggregatedHttpResponse response = sim.post("/v1/chat/completions", body, Map.of());
      assertThat(response.status().code()).isEqualTo(400);
      JsonNode error = json(response.contentUtf8()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.get("message").asText()).contains(message);
      if (param == null) {
        assertThat(error.get("param").isNull()).isTrue();
      } else {
        assertThat(error.get("param").asText()).isEqualTo(param);
      }
    }
  }

  @Test
  void completionsWithoutPromptUnknownModelsAndForcedErrors() {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES)) {
      AggregatedHttpResponse noPrompt =
          sim.post("/v1/completions", "{\"model\":\"sluice-sim\"}", Map.of());
      assertThat(noPrompt.status().code()).isEqualTo(400);
      assertThat(json(noPrompt.contentUtf8()).at("/error/param").asText()).isEqualTo("prompt");

      AggregatedHttpResponse unknown =
          sim.post("/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"hi\"}", Map.of());
      assertThat(unknown.status().code()).isEqualTo(404);
      assertThat(json(unknown.contentUtf8()).at("/error/code").asText())
          .isEqualTo("model_not_found");

      AggregatedHttpResponse forced =
          sim.post(
              "/v1/chat/completions",
              chat(3, 3, true),
              Map.of(SimulatorServer.RETURN_ERROR_HEADER, "503"));
      assertThat(forced.status().code()).isEqualTo(503);
      assertThat(json(forced.contentUtf8()).at("/error/type").asText()).isEqualTo("server_error");

      AggregatedHttpResponse badHeader =
          sim.post(
              "/v1/chat/completions",
              chat(3, 3, true),
              Map.of(SimulatorServer.RETURN_ERROR_HEADER, "teapot"));
      assertThat(badHeader.status().code()).isEqualTo(400);
    }
  }

  @Test
  void failureInjectionAtFullRateFailsEveryRequest() {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES, MetricsFlavor.VLLM, 100)) {
      for (int i = 0; i < 3; i++) {
        AggregatedHttpResponse response =
            sim.post("/v1/chat/completions", chat(3, 3, false), Map.of());
        assertThat(response.status().code()).isEqualTo(503);
      }
      assertThat(sim.metrics().value("sluice_sim:requests_rejected_total", "reason", "injected"))
          .isEqualTo(3);
    }
  }

  @Test
  void sameSeedGivesSameOutput() throws Exception {
    EngineConfig config = KNOWN_LATENCIES.toBuilder().seed(7).jitter(0.2).build();
    List<String> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (SimFixture sim = new SimFixture(config)) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 2; i++) {
          // No max_tokens: the length comes from the seeded distribution.
          var pending =
              java.util.concurrent.CompletableFuture.supplyAsync(
                  () ->
                      sim.post(
                          "/v1/chat/completions",
                          "{\"model\":\"sluice-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                          Map.of()));
          sim.events.next();
          sim.clock.advance(Duration.ofSeconds(10));
          JsonNode body =
              json(pending.get(SimFixture.WAIT_SECONDS, TimeUnit.SECONDS).contentUtf8());
          assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
          out.append(body.at("/choices/0/message/content").asText()).append('|');
          sim.events.next();
        }
        out.append(sim.metrics().value("vllm:e2e_request_latency_seconds_sum"));
        runs.add(out.toString());
      }
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1));
  }

  @Test
  void modelsAndHealth() {
    try (SimFixture sim = new SimFixture(KNOWN_LATENCIES)) {
      assertThat(sim.get("/health").status().code()).isEqualTo(200);
      JsonNode models = json(sim.get("/v1/models").contentUtf8());
      assertThat(models.get("object").asText()).isEqualTo("list");
      assertThat(models.at("/data/0/id").asText()).isEqualTo("sluice-sim");
      assertThat(models.at("/data/0/max_model_len").asInt()).isEqualTo(1024);
    }
  }
}
