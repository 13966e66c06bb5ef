package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests get OpenAI-style errors that say what is wrong, over real HTTP. */
class RequestValidationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(1, 4, concurrencyConfig(10, "  defaultTtl: 0s\n")
        .replace("server: {port: 0,", "server: {port: 0, maxRequestBytes: 2048,"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static JsonNode error(AggregatedHttpResponse response) throws Exception {
    assertThat(response.contentType().toString()).startsWith("application/json");
    return JSON.readTree(response.contentUtf8()).path("error");
  }

  @Test
  void invalidJson() throws Exception {
    AggregatedHttpResponse response = f.post("/v1/chat/completions", "{\"model\": ", Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(response.headers().get("x-sluice-outcome")).isEqualTo("rejected-invalid");
    JsonNode error = error(response);
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("not valid JSON");
  }

  @Test
  void trailingGarbageAfterTheBodyIsInvalid() throws Exception {
    AggregatedHttpResponse response = f.post("/v1/chat/completions", GatewayFixture.chat(2) + " xyz",
        Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(response.headers().get("x-sluice-outcome")).isEqualTo("rejected-invalid");
    assertThat(error(response).path("message").asText()).contains("not valid JSON");
    AggregatedHttpResponse second = f.post("/v1/chat/completions",
        GatewayFixture.chat(2) + GatewayFixture.chat(2), Map.of());
    assertThat(second.status().code()).isEqualTo(400);
  }

  @Test
  void whitespaceAfterTheBodyIsFine() throws Exception {
    int before = f.admitted.get();
    var future = f.client.execute(com.linecorp.armeria.common.HttpRequest.of(
        com.linecorp.armeria.common.HttpMethod.POST, "/v1/chat/completions",
        com.linecorp.armeria.common.MediaType.JSON_UTF_8,
        GatewayFixture.chat(2).replace("\"stream\":true", "\"stream\":false") + " \r\n\t ")).aggregate();
    Await.until("backend admitted the request", () -> f.admitted.get() > before);
    f.finishRunning();
    assertThat(future.orTimeout(GatewayFixture.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .join().status().code()).isEqualTo(200);
  }

  @Test
  void missingModel() throws Exception {
    AggregatedHttpResponse response = f.post("/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    JsonNode error = error(response);
    assertThat(error.path("param").asText()).isEqualTo("model");
    assertThat(error.path("message").asText()).isEqualTo("'model' is required.");
  }

  @Test
  void badMaxTokens() throws Exception {
    AggregatedHttpResponse response = f.post("/v1/chat/completions",
        "{\"model\":\"sluice-sim\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(error(response).path("param").asText()).isEqualTo("max_tokens");
  }

  @Test
  void badTtlHeader() throws Exception {
    AggregatedHttpResponse response = f.post("/v1/chat/completions", GatewayFixture.chat(2),
        Map.of("x-sluice-ttl-ms", "soon"));
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(error(response).path("message").asText())
        .isEqualTo("Header x-sluice-ttl-ms must be an integer number of milliseconds > 0, got 'soon'.");
  }

  @Test
  void bodyOverTheLimit() throws Exception {
    String big = "{\"model\":\"sluice-sim\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "word ".repeat(1000) + "\"}]}";
    AggregatedHttpResponse response = f.post("/v1/chat/completions", big, Map.of());
    assertThat(response.status().code()).isEqualTo(413);
    assertThat(error(response).path("message").asText()).contains("larger than the gateway's limit");
  }

  @Test
  void unknownPath() throws Exception {
    AggregatedHttpResponse response = f.post("/v2/chat", GatewayFixture.chat(2), Map.of());
    assertThat(response.status().code()).isEqualTo(404);
    assertThat(error(response).path("message").asText()).contains("/v1/");
  }

  @Test
  void bodylessRequestsPassThroughWithoutFlowControl() {
    AggregatedHttpResponse response = f.client.get("/v1/models").aggregate().join();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.contentUtf8()).contains("sluice-sim");
  }

  @Test
  void nonStreamingCompletionIsProxied() throws Exception {
    // A non-streaming request completes once the backend's clock has moved.
    int before = f.admitted.get();
    var future = f.client.execute(com.linecorp.armeria.common.HttpRequest.of(
        com.linecorp.armeria.common.HttpMethod.POST, "/v1/chat/completions",
        com.linecorp.armeria.common.MediaType.JSON_UTF_8,
        GatewayFixture.chat(2).replace("\"stream\":true", "\"stream\":false"))).aggregate();
    Await.until("backend admitted the request", () -> f.admitted.get() > before);
    f.finishRunning();
    AggregatedHttpResponse response = future.orTimeout(GatewayFixture.WAIT_SECONDS,
        java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(JSON.readTree(response.contentUtf8()).path("object").asText())
        .isEqualTo("chat.completion");
  }
}
