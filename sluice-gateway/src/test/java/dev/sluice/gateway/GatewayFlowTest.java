package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.GatewayFixture.Call;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimClocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request path over real HTTP on loopback: simulated backends whose generation only proceeds
 * when the test advances their clock, and a gateway on a fake flow-control clock.
 */
class GatewayFlowTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void heavyTenantDoesNotStarveLightOnes() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, ""))) {
      List<Call> calls = new ArrayList<>();
      calls.add(f.call("heavy-0", "heavy"));
      assertThat(f.nextDispatched()).isEqualTo("heavy-0");
      for (int i = 1; i <= 11; i++) {
        calls.add(f.call("heavy-" + i, "heavy"));
      }
      f.awaitQueued(11);
      for (int i = 0; i < 3; i++) {
        calls.add(f.call("a-" + i, "light-a"));
        calls.add(f.call("b-" + i, "light-b"));
      }
      f.awaitQueued(17);

      List<String> order = new ArrayList<>();
      for (int i = 0; i < 17; i++) {
        f.finishRunning();
        order.add(f.nextDispatched());
      }
      f.finishRunning();

      // Round-robin between the three flows: the six light requests go out among the next nine,
      // not after the heavy tenant's backlog of eleven.
      int lastLight = 0;
      for (int i = 0; i < order.size(); i++) {
        if (!order.get(i).startsWith("heavy")) {
          lastLight = i;
        }
      }
      assertThat(lastLight).as("dispatch order %s", order).isLessThan(9);
      assertThat(order.stream().filter(l -> l.startsWith("heavy")))
          .isSortedAccordingTo(
              (x, y) ->
                  Integer.compare(
                      Integer.parseInt(x.substring(6)), Integer.parseInt(y.substring(6))));
      for (Call call : calls) {
        assertThat(call.awaitEnd().cause()).isNull();
        assertThat(call.events).last().isEqualTo("[DONE]");
      }
      f.awaitIdle();
      assertThat(f.stats().count(Outcome.DISPATCHED)).isEqualTo(18);
    }
  }

  @Test
  void higherPriorityObjectivesGoFirst() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, ""))) {
      List<Call> calls = new ArrayList<>();
      calls.add(f.call("first", "t0"));
      assertThat(f.nextDispatched()).isEqualTo("first");
      String[] objectives = {"batch", "standard", "premium"};
      for (String objective : objectives) {
        for (int i = 0; i < 2; i++) {
          calls.add(f.call(objective + "-" + i, "t-" + objective, objective, Map.of()));
        }
      }
      f.awaitQueued(6);
      List<String> order = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        f.finishRunning();
        order.add(f.nextDispatched());
      }
      f.finishRunning();
      assertThat(order)
          .containsExactly(
              "premium-0", "premium-1", "standard-0", "standard-1", "batch-0", "batch-1");
      calls.forEach(call -> assertThat(call.awaitEnd().cause()).isNull());
      f.awaitIdle();
    }
  }

  @Test
  void fullQueueAnswers429WithRetryAfter() throws Exception {
    String flow =
        """
          defaultTtl: 0s
          bands: [{priority: 0, maxRequests: 2}]
        """;
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, flow))) {
      Call running = f.call("running", "t");
      f.nextDispatched();
      Call q1 = f.call("q1", "t");
      Call q2 = f.call("q2", "t");
      f.awaitQueued(2);

      AggregatedHttpResponse rejected =
          f.post(
              "/v1/chat/completions",
              GatewayFixture.chat(2),
              Map.of("x-gateway-inference-fairness-id", "t"));

      assertThat(rejected.status().code()).isEqualTo(429);
      assertThat(rejected.headers().get("retry-after")).isEqualTo("1");
      assertThat(rejected.headers().get("x-sluice-outcome")).isEqualTo("rejected-capacity");
      JsonNode error = JSON.readTree(rejected.contentUtf8()).path("error");
      assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(error.path("code").asText()).isEqualTo("rejected-capacity");
      assertThat(error.path("message").asText()).contains("limit");
      for (int i = 0; i < 3; i++) {
        f.finishRunning();
        if (i < 2) {
          f.nextDispatched();
        }
      }
      for (Call call : List.of(running, q1, q2)) {
        assertThat(call.awaitEnd().cause()).isNull();
      }
      f.awaitIdle();
    }
  }

  @Test
  void requestWhoseTtlPassesInTheQueueGets503() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, ""))) {
      Call running = f.call("running", "t");
      f.nextDispatched();
      Call waiting = f.call("waiting", "t", null, Map.of("x-sluice-ttl-ms", "1000"));
      f.awaitQueued(1);
      f.awaitTimerWithin(Duration.ofSeconds(1));

      f.clock.advance(Duration.ofMillis(999));
      assertThat(f.stats().queuedRequests()).isEqualTo(1);
      f.clock.advance(Duration.ofMillis(2));

      ResponseHeaders headers = waiting.awaitHeaders();
      assertThat(headers.status().code()).isEqualTo(503);
      assertThat(headers.get("x-sluice-outcome")).isEqualTo("evicted-ttl");
      assertThat(headers.get("retry-after")).isNull();
      assertThat(waiting.awaitEnd().body()).contains("\"type\":\"server_error\"");
      f.finishRunning();
      assertThat(running.awaitEnd().cause()).isNull();
      f.awaitIdle();
      assertThat(f.stats().count(Outcome.EVICTED_TTL)).isEqualTo(1);
    }
  }

  @Test
  void clientThatLeavesWhileQueuedFreesItsPlace() throws Exception {
    String flow =
        """
          defaultTtl: 0s
          bands: [{priority: 0, maxRequests: 1}]
        """;
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, flow))) {
      Call running = f.call("running", "t");
      f.nextDispatched();
      Call leaver = f.call("leaver", "t");
      f.awaitQueued(1);

      leaver.cancel();
      f.awaitQueued(0);
      assertThat(f.stats().count(Outcome.EVICTED_CANCELLED)).isEqualTo(1);

      // The freed place takes the next request; without the withdrawal it would get 429.
      Call next = f.call("next", "t");
      f.awaitQueued(1);
      f.finishRunning();
      assertThat(f.nextDispatched()).isEqualTo("next");
      f.finishRunning();
      assertThat(running.awaitEnd().cause()).isNull();
      assertThat(next.awaitEnd().cause()).isNull();
      f.awaitIdle();
      assertThat(f.admitted.get()).as("requests the backend saw").isEqualTo(2);
    }
  }

  @Test
  void clientThatLeavesMidStreamFreesTheBackendSlot() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, ""))) {
      Call leaver = f.call("leaver", "t");
      f.nextDispatched();
      assertThat(f.endpoint(0).inFlight()).isEqualTo(1);

      leaver.cancel();

      Await.until("the backend aborted the generation", () -> f.aborted.get() == 1);
      f.awaitIdle();
      assertThat(f.backends.get(0).engine().metrics().running()).isZero();
      // The slot is free: the next request is dispatched without anything finishing.
      Call next = f.call("next", "t");
      assertThat(f.nextDispatched()).isEqualTo("next");
      f.finishRunning();
      assertThat(next.awaitEnd().cause()).isNull();
      f.awaitIdle();
    }
  }

  @Test
  void backendKilledMidStreamFailsTheResponseAndAccountingReturnsToZero() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 2, concurrencyConfig(4, ""))) {
      Call a = f.call("a", "t1");
      Call b = f.call("b", "t2");
      f.nextDispatched();
      f.nextDispatched();
      assertThat(f.stats().inFlightRequests()).isEqualTo(2);

      f.backends.get(0).closeAsync().join();

      assertThat(a.awaitEnd().cause()).isNotNull();
      assertThat(b.awaitEnd().cause()).isNotNull();
      assertThat(a.events).doesNotContain("[DONE]");
      f.awaitIdle();
      assertThat(f.stats().inFlightRequests()).isZero();
      assertThat(f.stats().queuedRequests()).isZero();
      assertThat(f.endpoint(0).inFlight()).isZero();
    }
  }

  @Test
  void staleEndpointGetsNoNewWork() throws Exception {
    try (GatewayFixture f = new GatewayFixture(2, 4, concurrencyConfig(100, ""))) {
      String live = f.endpoint(0).name();
      f.backends.get(1).closeAsync().join();
      CountDownLatch freshAgain = new CountDownLatch(1);
      f.clock.advance(Duration.ofSeconds(1));
      f.gateway
          .pool()
          .addScrapeListener(
              (endpoint, error) -> {
                if (endpoint.name().equals(live) && error == null) {
                  freshAgain.countDown();
                }
              });
      assertThat(freshAgain.await(GatewayFixture.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(f.gateway.pool().isFresh(f.endpoint(1))).isFalse();
      assertThat(f.endpoint(1).lastScrapeError()).isNotNull();

      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Call call = f.call("c" + i, "t" + i);
        calls.add(call);
        assertThat(call.awaitHeaders().get("x-sluice-endpoint")).isEqualTo(live);
      }
      assertThat(f.endpoint(1).dispatched()).isZero();
      f.finishRunning();
      calls.forEach(call -> assertThat(call.awaitEnd().cause()).isNull());
      f.awaitIdle();
    }
  }

  @Test
  void withoutFreshEndpointsRequestsWaitThenGet503() throws Exception {
    String flow =
        """
          defaultTtl: 0s
          noEndpointTtl: 2s
        """;
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(10, flow))) {
      f.backends.get(0).closeAsync().join();
      f.clock.advance(Duration.ofSeconds(1));
      assertThat(f.gateway.pool().hasFreshEndpoint()).isFalse();

      Call waiting = f.call("waiting", "t");
      f.awaitQueued(1);
      assertNoEndpoints503After(f, waiting, Duration.ofSeconds(2));
    }
  }

  /** The queued {@code call} is still waiting just before {@code wait} and gets 503 just after. */
  private static void assertNoEndpoints503After(GatewayFixture f, Call call, Duration wait)
      throws Exception {
    f.awaitTimerWithin(Duration.ofSeconds(2));
    f.clock.advance(wait.minusMillis(1));
    assertThat(f.stats().queuedRequests()).isEqualTo(1);
    f.clock.advance(Duration.ofMillis(2));

    ResponseHeaders headers = call.awaitHeaders();
    assertThat(headers.status().code()).isEqualTo(503);
    assertThat(headers.get("x-sluice-outcome")).isEqualTo("no-endpoints");
    f.awaitIdle();
  }

  @Test
  void requestQueuedWhileEndpointsGoStaleGets503AfterTheNoEndpointTtl() throws Exception {
    String yaml =
        concurrencyConfig(
                1,
                """
          defaultTtl: 0s
          noEndpointTtl: 2s
        """)
            .replace(
                "saturation: {detector: concurrency, maxConcurrency: 1}",
                "saturation: {detector: utilization, kvCacheUtilThreshold: 0.0001}");
    try (GatewayFixture f = new GatewayFixture(1, 1, yaml)) {
      String name = f.endpoint(0).name();
      Call running = f.call("running", "t");
      f.nextDispatched();
      Await.until(
          "a scrape shows the running request's KV blocks",
          () -> {
            var snapshot = f.gateway.pool().metrics().snapshots().get(name);
            return snapshot != null && snapshot.kvCacheUtilization() > 0;
          });
      Call waiting = f.call("waiting", "t2");
      f.awaitQueued(1); // fresh endpoint, but saturated: it queues

      f.backends.get(0).closeAsync().join(); // from now on no scrape succeeds
      assertThat(running.awaitEnd().cause()).isNotNull();
      // The last snapshot was taken at this (frozen) time: fresh for 200 ms more, then 2 s to wait.
      assertNoEndpoints503After(f, waiting, Duration.ofMillis(2200));
    }
  }

  @Test
  void unreachableBackendGives502() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(10, ""))) {
      // Metrics stay fresh on the fake clock, so the gateway still sends work there.
      f.backends.get(0).closeAsync().join();

      AggregatedHttpResponse response =
          f.post("/v1/chat/completions", GatewayFixture.chat(2), Map.of());

      assertThat(response.status().code()).isEqualTo(502);
      assertThat(response.headers().get("x-sluice-outcome")).isEqualTo("upstream-unreachable");
      assertThat(JSON.readTree(response.contentUtf8()).path("error").path("message").asText())
          .contains(f.endpoint(0).name());
      f.awaitIdle();
    }
  }

  @Test
  void aBackendThatRefusesConnectionsIsSkippedAtOnceAndReturnsWhenItsScrapesSucceed()
      throws Exception {
    try (GatewayFixture f = new GatewayFixture(2, 4, concurrencyConfig(10, ""))) {
      int port = f.backends.get(0).port();
      // Metrics stay fresh on the fake clock, so the gateway still places work there.
      f.backends.get(0).closeAsync().join();

      // Two at once: the second goes to whichever endpoint the first did not take.
      GatewayFixture.Call first = f.call("first", "tenant");
      GatewayFixture.Call second = f.call("second", "tenant");

      assertThat(first.awaitHeaders().status().code()).isEqualTo(200);
      assertThat(second.awaitHeaders().status().code()).isEqualTo(200);
      assertThat(first.awaitHeaders().get("x-sluice-endpoint")).isEqualTo(f.endpoint(1).name());
      assertThat(second.awaitHeaders().get("x-sluice-endpoint")).isEqualTo(f.endpoint(1).name());
      assertThat(f.endpoint(0).isRefusing()).isTrue();
      assertThat(f.gateway.pool().isFresh(f.endpoint(0))).isFalse();
      f.finishRunning();
      first.awaitEnd();
      second.awaitEnd();

      f.backends.add(
          SimulatorServer.builder().port(port).scheduler(SimClocks.of(f.simClock)).build().start());
      Await.until("the restarted backend scraped", () -> f.gateway.pool().isFresh(f.endpoint(0)));
      assertThat(f.endpoint(0).isRefusing()).isFalse();
      f.awaitIdle();
    }
  }

  @Test
  void upstreamErrorsPassThroughUnchanged() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(10, ""))) {
      AggregatedHttpResponse response =
          f.post("/v1/chat/completions", GatewayFixture.chat(2), Map.of("x-return-error", "418"));
      assertThat(response.status().code()).isEqualTo(418);
      assertThat(response.headers().get("x-sluice-outcome")).isNull();
      assertThat(response.headers().get("x-sluice-endpoint")).isEqualTo(f.endpoint(0).name());
      f.awaitIdle();
    }
  }

  @Test
  void shutdownAnswersQueuedRequestsAndLetsStreamsFinish() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, concurrencyConfig(1, ""))) {
      Call running = f.call("running", "t");
      f.nextDispatched();
      Call queued = f.call("queued", "t");
      f.awaitQueued(1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(f.gateway::close);

      ResponseHeaders headers = queued.awaitHeaders();
      assertThat(headers.status().code()).isEqualTo(503);
      assertThat(headers.get("x-sluice-outcome")).isEqualTo("evicted-shutdown");
      assertThat(f.adminGetOrNull("/health")).isIn(503, -1);
      assertThat(closing).isNotDone();
      f.finishRunning();
      assertThat(running.awaitEnd().cause()).isNull();
      assertThat(running.events).last().isEqualTo("[DONE]");
      closing.get(GatewayFixture.WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
