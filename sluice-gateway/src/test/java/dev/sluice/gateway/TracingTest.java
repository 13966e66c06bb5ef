package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.tracing.RequestTracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's OpenTelemetry spans, exported by the SDK's in-memory exporter: the request span
 * under the caller's {@code traceparent}, its queue, dispatch and upstream children with the flow,
 * priority, outcome and queue wait, and the upstream span's {@code traceparent} on the request the
 * backend gets. The backend is a stub that reports an idle vLLM and records the headers it gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
  private Server backend;
  private Gateway traced;
  private Gateway plain;

  @BeforeAll
  void start() {
    backend =
        Server.builder()
            .http(0)
            .service(
                "/metrics",
                (ctx, req) ->
                    HttpResponse.of(
                        "vllm:num_requests_waiting 0\nvllm:num_requests_running 0\n"
                            + "vllm:kv_cache_usage_perc 0.1\n"))
            .service(
                "/v1/chat/completions",
                (ctx, req) -> {
                  received.add(
                      req.headers().names().stream()
                          .collect(
                              Collectors.toMap(
                                  Object::toString, n -> String.valueOf(req.headers().get(n)))));
                  return HttpResponse.of(
                      HttpStatus.OK, MediaType.JSON, "{\"choices\":[{\"message\":{}}]}");
                })
            .build();
    backend.start().join();
    String yaml =
        "server: {port: 0}\nadmin: {port: -1}\nbackends: [http://127.0.0.1:"
            + backend.activeLocalPort()
            + "]\n";
    traced =
        Gateway.builder(GatewayConfig.parse(yaml))
            .openTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build())
            .build()
            .start();
    plain = Gateway.builder(GatewayConfig.parse(yaml)).build().start();
    Await.until("the backend scraped", () -> traced.pool().hasFreshEndpoint());
    Await.until("the backend scraped", () -> plain.pool().hasFreshEndpoint());
  }

  @AfterAll
  void stop() {
    // Not joined: as GatewayFixture.stopWithoutWaiting.
    backend.stop();
    traced.closeAsync();
    plain.closeAsync();
    tracerProvider.close();
  }

  @BeforeEach
  void clear() {
    spans.reset();
    received.clear();
  }

  @Test
  void aDispatchedRequestIsQueuedThenDispatchedThenSentUpstream() throws Exception {
    AggregatedHttpResponse response =
        post(traced, "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01", "{\"model\":\"m\"," + MESSAGES);
    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Await.until("four spans ended", () -> spans.getFinishedSpanItems().size() == 4);

    SpanData request = span("sluice.request");
    SpanData queued = span("sluice.queued");
    SpanData dispatched = span("sluice.dispatched");
    SpanData upstream = span("sluice.upstream");
    assertThat(request.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(queued.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(dispatched.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(upstream.getParentSpanId()).isEqualTo(dispatched.getSpanId());
    assertThat(upstream.getKind()).isEqualTo(SpanKind.CLIENT);
    // queued -> dispatched -> upstream, in time.
    assertThat(queued.getEndEpochNanos()).isLessThanOrEqualTo(dispatched.getStartEpochNanos());
    assertThat(dispatched.getStartEpochNanos()).isLessThanOrEqualTo(upstream.getStartEpochNanos());

    for (SpanData span : List.of(request, queued)) {
      assertThat(attr(span, RequestTracing.FLOW)).isEqualTo("tenant-a");
      assertThat(attr(span, RequestTracing.PRIORITY)).isEqualTo(0L);
      assertThat(attr(span, RequestTracing.OUTCOME)).isEqualTo("dispatched");
      assertThat((Double) attr(span, RequestTracing.QUEUE_WAIT_MS)).isGreaterThanOrEqualTo(0.0);
    }
    assertThat(attr(request, "http.response.status_code")).isEqualTo(200L);
    assertThat(attr(upstream, "http.response.status_code")).isEqualTo(200L);

    // The backend got the upstream span's context.
    Map<String, String> headers = received.take();
    assertThat(headers.get("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + upstream.getSpanId() + "-01");
  }

  @Test
  void aRefusedRequestCarriesTheGatewaysOutcomeAndNeverQueues() {
    AggregatedHttpResponse response = post(traced, null, "{}");
    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    Await.until("the request span ended", () -> spans.getFinishedSpanItems().size() == 1);
    SpanData request = span("sluice.request");
    assertThat(request.getParentSpanId()).isEqualTo("0000000000000000");
    assertThat(attr(request, RequestTracing.OUTCOME)).isEqualTo("rejected-invalid");
    assertThat(attr(request, "http.response.status_code")).isEqualTo(400L);
  }

  @Test
  void offUnlessConfigured() throws Exception {
    assertThat(RequestTracing.of(false, null)).isNull();
    assertThat(post(plain, null, "{\"model\":\"m\"," + MESSAGES).status()).isEqualTo(HttpStatus.OK);
    assertThat(received.take()).doesNotContainKey("traceparent");
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    assertThat(GatewayConfig.parse("tracing: {enabled: true}").tracing().enabled()).isTrue();
    assertThat(GatewayConfig.parse("{}").tracing().enabled()).isFalse();
    assertThatThrownBy(() -> GatewayConfig.parse("tracing: {enable: true}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracing.enable");
  }

  private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static AggregatedHttpResponse post(
      Gateway gateway, @Nullable String traceparent, String body) {
    BlockingWebClient client = WebClient.of("http://127.0.0.1:" + gateway.port()).blocking();
    var request =
        client
            .prepare()
            .post("/v1/chat/completions")
            .header("x-gateway-inference-fairness-id", "tenant-a")
            .content(MediaType.JSON, body);
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    return request.execute();
  }

  private SpanData span(String name) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }

  private static @Nullable Object attr(SpanData span, String key) {
    return span.getAttributes().asMap().entrySet().stream()
        .filter(e -> e.getKey().getKey().equals(key))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }
}
