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
    f =
        new GatewayFixture(
            1,
            4,
            concurrencyConfig(10, "  defaultTtl: 0s\n")
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
    AggregatedHttpResponse response =
        f.post("/v1/chat/completions", GatewayFixture.chat(2) + " xyz", Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(response.headers().get("x-sluice-outcome")).isEqualTo("rejected-invalid");
    assertThat(error(response).path("message").asText()).contains("not valid JSON");
    AggregatedHttpResponse second =
        f.post("/v1/chat/completions", GatewayFixture.chat(2) + GatewayFixture.chat(2), Map.of());
    assertThat(second.status().code()).isEqualTo(400);
  }

  @Test
  void whitespaceAfterTheBodyIsFine() throws Exception {
    int before = f.admitted.get();
    var future =
        f.client
            .execute(
                com.linecorp.armeria.common.HttpRequest.of(
                    com.linecorp.armeria.common.HttpMethod.POST,
                    "/v1/chat/completions",
                    com.linecorp.armeria.common.MediaType.JSON_UTF_8,
                    GatewayFixture.chat(2).replace("\"stream\":true", "\"stream\":false")
                        + " \r\n\t "))
            .aggregate();
    Await.until("backend admitted the request", () -> f.admitted.get() > before);
    f.finishRunning();
    assertThat(
            future
                .orTimeout(GatewayFixture.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                .join()
                .status()
                .code())
        .isEqualTo(200);
  }

  @Test
  void missingModel() throws Exception {
    AggregatedHttpResponse response =
        f.post(
            "/v1/chat/completions",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    JsonNode error = error(response);
    assertThat(error.path("param").asText()).isEqualTo("model");
    assertThat(error.path("message").asText()).isEqualTo("'model' is required.");
  }

  @Test
  void badMaxTokens() throws Exception {
    AggregatedHttpResponse response =
        f.post(
            "/v1/chat/completions",
            "{\"model\":\"sluice-sim\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Map.of());
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(error(response).path("param").asText()).isEqualTo("max_tokens");
  }

  @Test
  void badTtlHeader() throws Exception {
    AggregatedHttpResponse response =
        f.post("/v1/chat/completions", GatewayFixture.chat(2), Map.of("x-sluice-ttl-ms", "soon"));
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(error(response).path("message").asText())
        .isEqualTo(
            "Header x-sluice-ttl-ms must be an integer number of milliseconds > 0, got 'soon'.");
  }

  @Test
  void bodyOverTheLimit() throws Exception {
    String big =
        "{\"model\":\"sluice-sim\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "word ".repeat(1000)
            + "\"}]}";
    AggregatedHttpResponse response = f.post("/v1/chat/completions", big, Map.of());
    assertThat(response.status().code()).isEqualTo(413);
    assertThat(error(response).path("message").asText())
        .contains("larger than the gateway's limit");
  }

  @Test
  void unknownPath() throws Exception {
    AggregatedHttpResponse response = f.post("/v2/chat", GatewayFixture.chat(2), Map.of());
    assertThat(response.status().code()).isEqualTo(404);
    assertThat(error(response).path("message").asText()).contains("/v1/");
  }

  /**
   * 400, 404, 405, 413 and 431 each carry {@code x-sluice-outcome} and are counted once in {@code
   * sluice_gateway_responses_total}; 431 never reaches a service (Armeria refuses the headers), the
   * 404 is Armeria's own.
   */
  @Test
  void everyAnswerTheGatewayMakesCarriesAnOutcomeAndIsCounted() throws Exception {
    Map<String, Double> before = new java.util.HashMap<>();
    for (String key :
        new String[] {
          "400 rejected-invalid",
          "404 rejected-not-found",
          "405 rejected-invalid",
          "413 rejected-invalid",
          "431 rejected-headers-too-large"
        }) {
      before.put(key, responsesCounted(key));
    }
    assertAnswer(f.post("/v1/chat/completions", "{\"model\": ", Map.of()), "400 rejected-invalid");
    assertAnswer(f.post("/v2/chat", GatewayFixture.chat(2), Map.of()), "404 rejected-not-found");
    assertAnswer(
        f.client
            .execute(
                com.linecorp.armeria.common.HttpRequest.of(
                    com.linecorp.armeria.common.HttpMethod.PUT,
                    "/v1/chat/completions",
                    com.linecorp.armeria.common.MediaType.JSON_UTF_8,
                    GatewayFixture.chat(2)))
            .aggregate()
            .join(),
        "405 rejected-invalid");
    assertAnswer(
        f.post("/v1/chat/completions", "{\"model\":\"" + "m".repeat(4000) + "\"}", Map.of()),
        "413 rejected-invalid");
    try (RawHttp http = new RawHttp(f.gateway.port(), Await.BOUND)) {
      String head =
          http.send(
                  "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: "
                      + "a".repeat(20_000)
                      + "\r\n\r\n")
              .readHead();
      assertThat(RawHttp.status(head)).as(head).isEqualTo(431);
      assertThat(head.toLowerCase()).contains("x-sluice-outcome: rejected-headers-too-large");
    }
    for (Map.Entry<String, Double> entry : before.entrySet()) {
      Await.until(
          entry.getKey() + " counted",
          () -> responsesCounted(entry.getKey()) >= entry.getValue() + 1);
    }
    for (Map.Entry<String, Double> entry : before.entrySet()) {
      assertThat(responsesCounted(entry.getKey()))
          .as(entry.getKey() + " counted once")
          .isEqualTo(entry.getValue() + 1);
    }
  }

  private static void assertAnswer(AggregatedHttpResponse response, String statusAndOutcome) {
    String[] parts = statusAndOutcome.split(" ");
    assertThat(response.status().code())
        .as(response.contentUtf8())
        .isEqualTo(Integer.parseInt(parts[0]));
    assertThat(response.headers().get("x-sluice-outcome")).isEqualTo(parts[1]);
  }

  /** {@code sluice_gateway_responses_total} for "status outcome", 0 if absent. */
  private static double responsesCounted(String statusAndOutcome) {
    String[] parts = statusAndOutcome.split(" ");
    String series =
        "sluice_gateway_responses_total{outcome=\"" + parts[1] + "\",status=\"" + parts[0] + "\"} ";
    return f.adminGet("/metrics")
        .contentUtf8()
        .lines()
        .filter(line -> line.startsWith(series))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
        .findFirst()
        .orElse(0);
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
    var future =
        f.client
            .execute(
                com.linecorp.armeria.common.HttpRequest.of(
                    com.linecorp.armeria.common.HttpMethod.POST,
                    "/v1/chat/completions",
                    com.linecorp.armeria.common.MediaType.JSON_UTF_8,
                    GatewayFixture.chat(2).replace("\"stream\":true", "\"stream\":false")))
            .aggregate();
    Await.until("backend admitted the request", () -> f.admitted.get() > before);
    f.finishRunning();
    AggregatedHttpResponse response =
        future.orTimeout(GatewayFixture.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(JSON.readTree(response.contentUtf8()).path("object").asText())
        .isEqualTo("chat.completion");
  }
}
