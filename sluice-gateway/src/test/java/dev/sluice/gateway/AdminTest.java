package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.GatewayFixture.Call;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The admin port: Prometheus metrics with a capped fairness label, flows as JSON, health. */
class AdminTest {

  @Test
  void metricsFlowsAndHealth() throws Exception {
    String yaml =
        concurrencyConfig(10, "  defaultTtl: 0s\n") + "metrics: {fairnessIdLabelLimit: 2}\n";
    try (GatewayFixture f = new GatewayFixture(1, 4, yaml)) {
      List<Call> calls = new ArrayList<>();
      for (String tenant : new String[] {"alice", "bob", "carol"}) {
        calls.add(f.call(tenant, tenant));
        f.nextDispatched();
      }
      String during = f.adminGet("/metrics").contentUtf8();
      assertThat(during)
          .contains(
              "sluice_flow_control_in_flight_requests{fairness_id=\"alice\",priority=\"0\"} 1.0");
      JsonNode flows = new ObjectMapper().readTree(f.adminGet("/admin/flows").contentUtf8());
      assertThat(flows.path("inFlightRequests").asLong()).isEqualTo(3);
      assertThat(flows.path("bands").get(0).path("flows")).hasSize(3);
      assertThat(flows.path("endpoints").get(0).path("fresh").asBoolean()).isTrue();

      f.finishRunning();
      calls.forEach(call -> assertThat(call.awaitEnd().cause()).isNull());
      f.awaitIdle();

      String metrics = f.adminGet("/metrics").contentUtf8();
      assertThat(metrics)
          .contains(
              "sluice_flow_control_requests_total{fairness_id=\"alice\",outcome=\"dispatched\",priority=\"0\"} 1.0")
          .contains(
              "sluice_flow_control_requests_total{fairness_id=\"other\",outcome=\"dispatched\",priority=\"0\"} 1.0")
          .doesNotContain("fairness_id=\"carol\"")
          .contains("sluice_flow_control_request_queue_duration_seconds_bucket{fairness_id=\"bob\"")
          .contains("sluice_flow_control_queue_size{fairness_id=\"alice\",priority=\"0\"} 0.0")
          .contains("sluice_flow_control_pool_saturation")
          .contains("sluice_endpoint_fresh{endpoint=\"" + f.endpoint(0).name() + "\"} 1.0");
      assertThat(f.adminGet("/health").status().code()).isEqualTo(200);
      assertThat(f.adminGet("/health/ready").status().code()).isEqualTo(200);
    }
  }

  /**
   * Two tenants whose 7,000-character ids differ only at the end get two labels of exactly the
   * configured 32 characters: a prefix, {@code ~} and the first 12 hex digits of the id's SHA-256;
   * no {@code fairness_id} value in {@code /metrics} is longer.
   */
  @Test
  void longFairnessIdsAreCutToAPrefixAndTheirHash() throws Exception {
    String yaml =
        concurrencyConfig(10, "  defaultTtl: 0s\n") + "metrics: {fairnessIdLabelMaxLength: 32}\n";
    try (GatewayFixture f = new GatewayFixture(1, 4, yaml)) {
      String a = "t".repeat(7_000) + "a";
      String b = "t".repeat(7_000) + "b";
      List<Call> calls = List.of(f.call("a", a), f.call("b", b));
      f.nextDispatched();
      f.nextDispatched();
      f.finishRunning();
      calls.forEach(call -> assertThat(call.awaitEnd().cause()).isNull());
      f.awaitIdle();
      String metrics = f.adminGet("/metrics").contentUtf8();
      String labelA = "t".repeat(19) + "~" + sha256Prefix(a);
      String labelB = "t".repeat(19) + "~" + sha256Prefix(b);
      assertThat(labelA).hasSize(32).isNotEqualTo(labelB);
      assertThat(metrics)
          .contains(
              "sluice_flow_control_requests_total{fairness_id=\""
                  + labelA
                  + "\",outcome=\"dispatched\"")
          .contains(
              "sluice_flow_control_requests_total{fairness_id=\""
                  + labelB
                  + "\",outcome=\"dispatched\"");
      Matcher values = Pattern.compile("fairness_id=\"([^\"]*)\"").matcher(metrics);
      int seen = 0;
      while (values.find()) {
        assertThat(values.group(1)).hasSizeLessThanOrEqualTo(32);
        seen++;
      }
      assertThat(seen).isPositive();
      assertThat(metrics.length()).isLessThan(100_000);
    }
  }

  private static String sha256Prefix(String id) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest).substring(0, 12);
  }

  /**
   * With 122 flows, {@code /admin/flows} lists the 100 busiest by default (most queued, then most
   * in flight), {@code ?limit=} of them on request, and always the full totals and how many flows
   * it left out; a bad limit is a 400.
   */
  @Test
  void flowsListsOnlyTheBusiestFlowsWithTheTotals() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (GatewayFixture f = new GatewayFixture(1, 4, concurrencyConfig(1, "  defaultTtl: 0s\n"))) {
      List<Call> calls = new ArrayList<>();
      calls.add(f.call("first", "first"));
      f.nextDispatched();
      for (int i = 0; i < 3; i++) {
        calls.add(f.call("heavy", "heavy"));
      }
      for (int i = 0; i < 120; i++) {
        String tenant = String.format("tenant-%03d", i);
        calls.add(f.call(tenant, tenant));
      }
      f.awaitQueued(123);

      JsonNode all = json.readTree(f.adminGet("/admin/flows").contentUtf8());
      assertThat(all.path("queuedRequests").asLong()).isEqualTo(123);
      assertThat(all.path("inFlightRequests").asLong()).isEqualTo(1);
      assertThat(all.path("flowCount").asLong()).isEqualTo(122);
      assertThat(all.path("flowsShown").asLong()).isEqualTo(100);
      assertThat(all.path("flowsOmitted").asLong()).isEqualTo(22);
      JsonNode band = all.path("bands").get(0);
      assertThat(band.path("flowCount").asLong()).isEqualTo(122);
      assertThat(band.path("queuedRequests").asLong()).isEqualTo(123);
      assertThat(band.path("flows")).hasSize(100);
      assertThat(band.path("flows").get(0).path("id").asText()).isEqualTo("heavy");
      assertThat(band.path("flows").get(0).path("queuedRequests").asLong()).isEqualTo(3);

      JsonNode two = json.readTree(f.adminGet("/admin/flows?limit=2").contentUtf8());
      assertThat(two.path("bands").get(0).path("flows").findValuesAsText("id"))
          .containsExactly("heavy", "tenant-000");
      assertThat(two.path("flowsOmitted").asLong()).isEqualTo(120);
      JsonNode none = json.readTree(f.adminGet("/admin/flows?limit=0").contentUtf8());
      assertThat(none.path("bands").get(0).path("flows")).isEmpty();
      assertThat(none.path("queuedRequests").asLong()).isEqualTo(123);
      JsonNode wide = json.readTree(f.adminGet("/admin/flows?limit=1000").contentUtf8());
      assertThat(wide.path("bands").get(0).path("flows").get(121).path("id").asText())
          .as("in flight, nothing queued: last")
          .isEqualTo("first");
      assertThat(f.adminGet("/admin/flows?limit=-1").status().code()).isEqualTo(400);
      assertThat(f.adminGet("/admin/flows?limit=lots").status().code()).isEqualTo(400);

      calls.forEach(Call::cancel);
      f.awaitIdle();
    }
  }
}
