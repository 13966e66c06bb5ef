package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.flow.FlowKey;
import dev.sluice.gateway.GatewayFixture.Call;
import dev.sluice.gateway.internal.tenant.KeysFile;
import dev.sluice.gateway.internal.tenant.TenantRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants from API keys over real HTTP: 401 for a missing or unknown key, the anonymous tenant, the
 * objective clamped to the tenant's ceiling (and counted), the per-tenant request limit, and the
 * keys file reloaded without a restart. One backend slot (the concurrency detector at 1), so the
 * test decides what runs and what queues.
 */
class TenantsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static String config(String tenants) {
    return GatewayFixture.concurrencyConfig(1, "  defaultTtl: 0s\n") + tenants;
  }

  private static String keyed(String extra) {
    return config(
        """
        tenants:
          reloadInterval: 1h
          list:
            - {id: acme, keySha256: %s, maxObjective: standard, maxConcurrentRequests: 2}
            - {id: gold, keySha256: %s, maxObjective: premium}
        """
                .formatted(KeysFile.sha256Hex("sk-acme"), KeysFile.sha256Hex("sk-gold"))
            + extra);
  }

  private static Map<String, String> bearer(String key) {
    return Map.of("authorization", "Bearer " + key);
  }

  /** Sends a call, waits for its headers and returns their status; a 200 is left running. */
  private static int status(Call call) {
    return call.awaitHeaders().status().code();
  }

  @Test
  void aMissingOrUnknownKeyGets401InvalidApiKey() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, keyed(""))) {
      for (Map<String, String> headers :
          List.of(
              Map.<String, String>of(), bearer("sk-nope"), Map.of("authorization", "sk-acme"))) {
        AggregatedHttpResponse answer =
            f.post("/v1/chat/completions", GatewayFixture.chat(2), headers);

        assertThat(answer.status().code()).as("headers %s", headers).isEqualTo(401);
        JsonNode error = JSON.readTree(answer.contentUtf8()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.path("message").asText()).containsIgnoringCase("API key");
      }
      assertThat(f.stats().queuedRequests() + f.stats().inFlightRequests()).isZero();
    }
  }

  @Test
  void anObjectiveAboveTheCeilingIsServedAtTheCeilingAndCounted() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, keyed(""))) {
      List<Call> calls = new ArrayList<>();
      calls.add(f.call("running", null, null, bearer("sk-gold")));
      assertThat(f.nextDispatched()).isEqualTo("running");
      // acme claims premium first; gold, whose ceiling is premium, asks for it after.
      calls.add(f.call("acme-claims-premium", "alice", "premium", bearer("sk-acme")));
      f.awaitQueued(1);
      calls.add(f.call("gold-premium", "bob", "premium", bearer("sk-gold")));
      f.awaitQueued(2);

      assertThat(queuedFlows(f))
          .containsExactlyInAnyOrder(FlowKey.of("acme/alice", 0), FlowKey.of("gold/bob", 10));
      List<String> order = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        f.finishRunning();
        order.add(f.nextDispatched());
      }
      f.finishRunning();

      assertThat(order).containsExactly("gold-premium", "acme-claims-premium");
      String metrics = f.adminGet("/metrics").contentUtf8();
      assertThat(metrics)
          .contains("sluice_gateway_tenant_objective_clamped_total{tenant=\"acme\"} 1.0");
      assertThat(metrics).doesNotContain("objective_clamped_total{tenant=\"gold\"}");
      calls.forEach(call -> assertThat(call.awaitEnd().cause()).isNull());
      f.awaitIdle();
    }
  }

  private static List<FlowKey> queuedFlows(GatewayFixture f) {
    return f.stats().bands().stream()
        .flatMap(
            band ->
                band.flows().entrySet().stream()
                    .filter(flow -> flow.getValue().queuedRequests() > 0)
                    .map(flow -> FlowKey.of(flow.getKey(), band.priority())))
        .toList();
  }

  @Test
  void aTenantAtItsConcurrencyLimitGets429WithRetryAfter() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, keyed(""))) {
      Call running = f.call("running", null, null, bearer("sk-acme"));
      f.nextDispatched();
      Call queued = f.call("queued", null, null, bearer("sk-acme"));
      f.awaitQueued(1);

      AggregatedHttpResponse over =
          f.post("/v1/chat/completions", GatewayFixture.chat(2), bearer("sk-acme"));

      assertThat(over.status().code()).isEqualTo(429);
      assertThat(over.headers().get("retry-after")).isEqualTo("1");
      assertThat(over.headers().get("x-sluice-outcome")).isEqualTo("rejected-tenant-limit");
      JsonNode error = JSON.readTree(over.contentUtf8()).path("error");
      assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(error.path("message").asText()).contains("acme", "maxConcurrentRequests");
      Call otherTenant = f.call("gold", null, null, bearer("sk-gold"));
      f.awaitQueued(2); // another tenant is not held to acme's limit

      for (int i = 0; i < 2; i++) {
        f.finishRunning();
        f.nextDispatched();
      }
      f.finishRunning();
      for (Call call : List.of(running, queued, otherTenant)) {
        assertThat(call.awaitEnd().cause()).isNull();
      }
      f.awaitIdle();
      Call again = f.call("again", null, null, bearer("sk-acme"));
      assertThat(status(again)).as("acme's requests were given back").isEqualTo(200);
      f.finishRunning();
      assertThat(again.awaitEnd().cause()).isNull();
    }
  }

  @Test
  void withAnAnonymousTenantAKeylessRequestIsServedAtItsCeiling() throws Exception {
    String yaml = keyed("  anonymous: {maxObjective: batch}\n");
    try (GatewayFixture f = new GatewayFixture(1, 1, yaml)) {
      Call running = f.call("running", null, null, bearer("sk-gold"));
      f.nextDispatched();
      Call keyless = f.call("keyless", "u1", "premium", Map.of());
      Call unknown = f.call("unknown", "u2", null, bearer("sk-nope"));
      f.awaitQueued(2);

      assertThat(queuedFlows(f))
          .containsExactlyInAnyOrder(
              FlowKey.of("anonymous/u1", -1), FlowKey.of("anonymous/u2", -1));
      for (int i = 0; i < 2; i++) {
        f.finishRunning();
        f.nextDispatched();
      }
      f.finishRunning();
      for (Call call : List.of(running, keyless, unknown)) {
        assertThat(call.awaitEnd().cause()).isNull();
        assertThat(call.events).last().isEqualTo("[DONE]");
      }
      f.awaitIdle();
    }
  }

  @Test
  void theKeysFileIsReloadedWhenItChangesAndABadFileKeepsTheOldKeys() throws Exception {
    Path keys = dir.resolve("keys.yaml");
    write(keys, "tenants:\n  - {id: filed, keySha256: " + KeysFile.sha256Hex("sk-one") + "}\n");
    String yaml = keyed("  keysFile: " + keys + "\n");
    try (GatewayFixture f = new GatewayFixture(1, 1, yaml)) {
      TenantRegistry tenants = Objects.requireNonNull(f.gateway.tenants());
      assertThat(served(f, "sk-one")).isEqualTo(200);
      assertThat(tenants.reloadIfChanged()).as("unchanged file").isFalse();

      write(keys, "tenants:\n  - {id: filed, keySha256: not-a-hash}\n");
      assertThat(tenants.reloadIfChanged()).as("invalid file").isFalse();
      assertThat(served(f, "sk-one")).as("the old keys stay").isEqualTo(200);
      assertThat(f.adminGet("/metrics").contentUtf8())
          .contains("sluice_gateway_tenant_key_reloads_total{result=\"failed\"} 1.0");

      write(keys, "tenants:\n  - {id: filed, keySha256: " + KeysFile.sha256Hex("sk-two") + "}\n");
      assertThat(tenants.reloadIfChanged()).as("new keys").isTrue();
      assertThat(served(f, "sk-one")).isEqualTo(401);
      assertThat(served(f, "sk-two")).isEqualTo(200);
      assertThat(served(f, "sk-acme")).as("sluice.yaml's tenants stay").isEqualTo(200);
      assertThat(f.adminGet("/metrics").contentUtf8())
          .contains("sluice_gateway_tenant_key_reloads_total{result=\"reloaded\"} 1.0");
    }
  }

  @Test
  void aTenantRotatingAHundredFairnessIdsGetsNoMoreThanOneUsingOne() throws Exception {
    String yaml =
        config(
            """
            tenants:
              list:
                - {id: rotating, keySha256: %s}
                - {id: single, keySha256: %s}
            """
                .formatted(KeysFile.sha256Hex("sk-rotating"), KeysFile.sha256Hex("sk-single")));
    try (GatewayFixture f = new GatewayFixture(1, 1, yaml)) {
      f.call("running", "x", null, bearer("sk-single"));
      f.nextDispatched();
      for (int i = 0; i < 100; i++) {
        f.call("rotating-" + i, "user-" + i, null, bearer("sk-rotating"));
        if (i % 2 == 0) {
          f.call("single-" + i, "user", null, bearer("sk-single"));
        }
      }
      f.awaitQueued(150);

      int rotating = 0;
      for (int i = 0; i < 40; i++) {
        f.finishRunning();
        if (f.nextDispatched().startsWith("rotating")) {
          rotating++;
        }
      }

      // Flat fairness would give the rotating tenant 100 of every 101 turns; by tenant it gets
      // half.
      assertThat(rotating).as("the rotating tenant's dispatches of 40").isBetween(19, 21);
    }
  }

  @Test
  void aTenantOverItsTokensPerMinuteGets429UntilItsBudgetRefills() throws Exception {
    // A budget of one token a minute: the first request (several tokens) empties it into debt.
    String yaml =
        config(
            """
            tenants:
              list:
                - {id: metered, keySha256: %s, tokensPerMinute: 1}
            """
                .formatted(KeysFile.sha256Hex("sk-metered")));
    try (GatewayFixture f = new GatewayFixture(1, 1, yaml)) {
      assertThat(served(f, "sk-metered")).isEqualTo(200);

      AggregatedHttpResponse over =
          f.post("/v1/chat/completions", GatewayFixture.chat(2), bearer("sk-metered"));

      assertThat(over.status().code()).isEqualTo(429);
      assertThat(over.headers().get("x-sluice-outcome")).isEqualTo("rejected-tenant-limit");
      long retryAfter = Long.parseLong(Objects.requireNonNull(over.headers().get("retry-after")));
      assertThat(retryAfter).as("seconds until a token is back").isGreaterThan(60);
      assertThat(JSON.readTree(over.contentUtf8()).path("error").path("message").asText())
          .contains("tokensPerMinute");
      f.clock.advanceNanos(java.util.concurrent.TimeUnit.SECONDS.toNanos(retryAfter));
      assertThat(served(f, "sk-metered")).as("after Retry-After").isEqualTo(200);
    }
  }

  /** The status of one call with {@code key}, run to its end. */
  private static int served(GatewayFixture f, String key) throws InterruptedException {
    Call call = f.call("with " + key, null, null, bearer(key));
    ResponseHeaders headers = call.awaitHeaders();
    if (headers.status().code() == 200) {
      f.nextDispatched();
      f.finishRunning();
    }
    call.awaitEnd();
    f.awaitIdle();
    return headers.status().code();
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
