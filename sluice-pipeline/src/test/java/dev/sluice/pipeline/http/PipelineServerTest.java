package dev.sluice.pipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API over real HTTP on 127.0.0.1, ephemeral ports; pipeline time is a fake clock. */
class PipelineServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  final ManualClock clock = new ManualClock();
  Pipeline pipeline;
  PipelineServer server;
  WebClient client;
  WebClient admin;

  @BeforeEach
  void start() {
    pipeline =
        Pipeline.create(
            PipelineConfig.builder()
                .watermarks(1024, 2048)
                .maxResidentBytes(4096)
                .reservedBytesPerItem(1024)
                .maxInFlightPerWorker(4)
                .leaseTimeout(Duration.ofSeconds(10))
                .ticker(clock)
                .scheduler(clock)
                .build());
    server = PipelineServer.start(pipeline, HttpSettings.loopback());
    client =
        WebClient.builder("http://127.0.0.1:" + server.port())
            .responseTimeoutMillis(10_000)
            .build();
    admin = WebClient.of("http://127.0.0.1:" + server.adminPort());
  }

  @AfterEach
  void stop() {
    // Stopped without waiting (as Armeria's ServerExtension does): Netty's boss group takes 2 s of
    // quiet period to wind down, and nothing in the next test depends on it.
    server.closeAsync();
    pipeline.close();
  }

  AggregatedHttpResponse post(String path, String body) {
    return postAsync(path, body).orTimeout(10, TimeUnit.SECONDS).join();
  }

  CompletableFuture<AggregatedHttpResponse> postAsync(String path, String body) {
    return client
        .execute(HttpRequest.of(RequestHeaders.of(HttpMethod.POST, path), HttpData.ofUtf8(body)))
        .aggregate();
  }

  static JsonNode json(AggregatedHttpResponse response) throws Exception {
    return JSON.readTree(response.contentUtf8());
  }

  @Test
  void producerAndConsumerRoundTrip() throws Exception {
    AggregatedHttpResponse added =
        post(
            "/v1/items",
            "{\"items\":[{\"id\":\"a\",\"payload\":\"p-a\"},{\"id\":\"b\",\"payload\":\"p-b\"},"
                + "{\"id\":\"a\",\"payload\":\"again\"}]}");
    assertThat(added.status().code()).isEqualTo(200);
    assertThat(added.headers().contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(json(added).get("added").asInt()).isEqualTo(2);
    assertThat(json(added).get("duplicates").asInt()).isEqualTo(1);

    JsonNode leased = json(post("/v1/leases", "{\"worker\":\"w0\",\"max\":2}"));
    assertThat(leased.get("leases")).hasSize(2);
    assertThat(leased.get("paused").asBoolean()).isFalse();
    String lease = leased.get("leases").get(0).get("leaseId").asText();
    assertThat(leased.get("leases").get(0).get("payload").asText()).isEqualTo("p-a");

    assertThat(post("/v1/leases/" + lease + "/heartbeat", "{\"worker\":\"w0\"}").status().code())
        .isEqualTo(200);
    JsonNode committed =
        json(
            post(
                "/v1/leases/" + lease + "/commit",
                "{\"worker\":\"w0\",\"ref\":\"mem://a\",\"bytes\":1000}"));
    assertThat(committed.get("status").asText()).isEqualTo("committed");
    String other = leased.get("leases").get(1).get("leaseId").asText();
    assertThat(
            json(post(
                    "/v1/leases/" + other + "/fail",
                    "{\"worker\":\"w0\",\"reason\":\"oom\",\"retryable\":false}"))
                .get("status")
                .asText())
        .isEqualTo("failed");

    JsonNode results = json(post("/v1/results/leases", "{\"consumer\":\"t0\",\"max\":5}"));
    assertThat(results.get("results")).hasSize(1);
    JsonNode result = results.get("results").get(0);
    assertThat(result.get("ref").asText()).isEqualTo("mem://a");
    assertThat(result.get("bytes").asLong()).isEqualTo(1000);
    String resultLease = result.get("leaseId").asText();
    assertThat(
            json(post("/v1/results/" + resultLease + "/heartbeat", "{\"consumer\":\"t0\"}"))
                .get("status")
                .asText())
        .isEqualTo("extended");
    assertThat(
            post("/v1/results/" + resultLease + "/heartbeat", "{\"consumer\":\"t9\"}")
                .status()
                .code())
        .isEqualTo(403);
    assertThat(
            json(post("/v1/results/" + resultLease + "/ack", "{\"consumer\":\"t0\"}"))
                .get("status")
                .asText())
        .isEqualTo("acked");
    // Double ack: 200, idempotent, says so.
    AggregatedHttpResponse again =
        post("/v1/results/" + resultLease + "/ack", "{\"consumer\":\"t0\"}");
    assertThat(again.status().code()).isEqualTo(200);
    assertThat(json(again).get("status").asText()).isEqualTo("already-acked");

    JsonNode status = json(client.get("/v1/status").aggregate().join());
    assertThat(status.get("results").get("acked").asLong()).isEqualTo(1);
    assertThat(status.get("results").get("backlog").asLong()).isZero();
    assertThat(status.get("items").get("failed").asLong()).isEqualTo(1);
    assertThat(status.get("bytes").get("resident").asLong()).isZero();
    assertThat(json(client.get("/v1/items/b").aggregate().join()).get("state").asText())
        .isEqualTo("failed");
  }

  @Test
  void errorsAreJsonWithOneStatusPerReason() throws Exception {
    post(
        "/v1/items",
        "{\"items\":[{\"id\":\"a\",\"payload\":\"x\"},{\"id\":\"b\",\"payload\":\"y\"}]}");
    String lease =
        json(post("/v1/leases", "{\"worker\":\"w0\"}"))
            .get("leases")
            .get(0)
            .get("leaseId")
            .asText();

    AggregatedHttpResponse unknown =
        post("/v1/leases/p-999/commit", "{\"worker\":\"w0\",\"ref\":\"r\",\"bytes\":1}");
    assertThat(unknown.status().code()).isEqualTo(404);
    assertThat(json(unknown).get("error").get("reason").asText()).isEqualTo("unknown-lease");

    AggregatedHttpResponse foreign =
        post("/v1/leases/" + lease + "/heartbeat", "{\"worker\":\"w9\"}");
    assertThat(foreign.status().code()).isEqualTo(403);
    assertThat(json(foreign).get("error").get("reason").asText()).isEqualTo("not-owner");

    AggregatedHttpResponse tooLarge =
        post("/v1/leases/" + lease + "/commit", "{\"worker\":\"w0\",\"ref\":\"r\",\"bytes\":5000}");
    assertThat(tooLarge.status().code()).isEqualTo(413);
    assertThat(json(tooLarge).get("error").get("message").asText())
        .contains("maxResidentBytes 4096");

    String second =
        json(post("/v1/leases", "{\"worker\":\"w0\"}"))
            .get("leases")
            .get(0)
            .get("leaseId")
            .asText();
    post("/v1/items", "{\"items\":[{\"id\":\"c\",\"payload\":\"z\"}]}");
    String third =
        json(post("/v1/leases", "{\"worker\":\"w0\"}"))
            .get("leases")
            .get(0)
            .get("leaseId")
            .asText();
    post("/v1/leases/" + second + "/commit", "{\"worker\":\"w0\",\"ref\":\"r\",\"bytes\":3000}");
    AggregatedHttpResponse full =
        post("/v1/leases/" + third + "/commit", "{\"worker\":\"w0\",\"ref\":\"r\",\"bytes\":2000}");
    assertThat(full.status().code()).isEqualTo(507);
    assertThat(json(full).get("error").get("reason").asText()).isEqualTo("over-capacity");
    assertThat(json(full).get("error").get("message").asText()).contains("pending again");

    AggregatedHttpResponse bad = post("/v1/leases/" + third + "/commit", "{\"bytes\":-1}");
    assertThat(bad.status().code()).isEqualTo(400);
    assertThat(json(bad).get("error").get("message").asText())
        .contains("worker: missing")
        .contains("ref: missing")
        .contains("bytes: -1");
    assertThat(post("/v1/items", "not json").status().code()).isEqualTo(400);
    assertThat(post("/v1/items", "{\"items\":[]}").status().code()).isEqualTo(400);

    AggregatedHttpResponse noRoute = client.get("/v2/nothing").aggregate().join();
    assertThat(noRoute.status().code()).isEqualTo(404);
    assertThat(json(noRoute).get("error").get("reason").asText()).isEqualTo("no-such-route");
  }

  @Test
  void anExpiredLeaseIs410AndItsItemIsLeasedAgain() throws Exception {
    post("/v1/items", "{\"items\":[{\"id\":\"a\",\"payload\":\"x\"}]}");
    String doomed =
        json(post("/v1/leases", "{\"worker\":\"w0\"}"))
            .get("leases")
            .get(0)
            .get("leaseId")
            .asText();
    clock.advance(Duration.ofSeconds(11)); // past the 10 s lease timeout without a heartbeat
    AggregatedHttpResponse expired =
        post("/v1/leases/" + doomed + "/commit", "{\"worker\":\"w0\",\"ref\":\"r\",\"bytes\":1}");
    assertThat(expired.status().code()).isEqualTo(410);
    assertThat(json(expired).get("error").get("reason").asText()).isEqualTo("lease-expired");
    JsonNode again = json(post("/v1/leases", "{\"worker\":\"w1\"}")).get("leases").get(0);
    assertThat(again.get("itemId").asText()).isEqualTo("a");
    assertThat(again.get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void longPollIsAnsweredWhenAnAckResumesProducers() throws Exception {
    post(
        "/v1/items",
        "{\"items\":[{\"id\":\"a\",\"payload\":\"x\"},{\"id\":\"b\",\"payload\":\"y\"},"
            + "{\"id\":\"c\",\"payload\":\"z\"}]}");
    JsonNode first = json(post("/v1/leases", "{\"worker\":\"w0\",\"max\":2}"));
    for (JsonNode lease : first.get("leases")) {
      post(
          "/v1/leases/" + lease.get("leaseId").asText() + "/commit",
          "{\"worker\":\"w0\",\"ref\":\"r\",\"bytes\":1024}");
    }
    assertThat(json(post("/v1/leases", "{\"worker\":\"w1\"}")).get("paused").asBoolean()).isTrue();

    CompletableFuture<AggregatedHttpResponse> waiting =
        postAsync("/v1/leases", "{\"worker\":\"w2\",\"max\":1,\"waitMs\":20000}");
    // The long poll has arrived when w2's starvation interval opened; the pipeline's clock is fake,
    // so its 20 s wait cannot run out: only a resume can answer it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pipeline.status().backpressure().producerStarvations() < 2
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000); // not a spin: on 2 cores it would starve the server
    }
    assertThat(pipeline.status().backpressure().producerStarvations()).isEqualTo(2);
    assertThat(waiting).isNotDone();
    JsonNode results = json(post("/v1/results/leases", "{\"consumer\":\"t0\",\"max\":2}"));
    for (JsonNode result : results.get("results")) {
      post("/v1/results/" + result.get("leaseId").asText() + "/ack", "{\"consumer\":\"t0\"}");
    }
    JsonNode woken = json(waiting.orTimeout(10, TimeUnit.SECONDS).join());
    assertThat(woken.get("leases")).hasSize(1);
    assertThat(woken.get("leases").get(0).get("itemId").asText()).isEqualTo("c");
  }

  @Test
  void metricsAreScrapedFromTheAdminPort() {
    post("/v1/items", "{\"items\":[{\"id\":\"a\",\"payload\":\"x\"}]}");
    AggregatedHttpResponse metrics = admin.get("/metrics").aggregate().join();
    assertThat(metrics.status().code()).isEqualTo(200);
    assertThat(metrics.contentUtf8())
        .contains("sluice_pipeline_items_pending 1.0")
        .contains("sluice_pipeline_paused 0.0")
        .contains("sluice_pipeline_items_added_total 1.0")
        .contains("sluice_pipeline_resident_bytes");
    assertThat(admin.get("/health").aggregate().join().status().code()).isEqualTo(200);
  }
}
