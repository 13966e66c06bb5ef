package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.GatewayFixture.Call;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin port: Prometheus metrics with a capped fairness label, flows as JSON, health. */
class AdminTest {

  @Test
  void metricsFlowsAndHealth() throws Exception {
    String yaml = concurrencyConfig(10, "  defaultTtl: 0s\n") + "metrics: {fairnessIdLabelLimit: 2}\n";
    try (GatewayFixture f = new GatewayFixture(1, 4, yaml)) {
      List<Call> calls = new ArrayList<>();
      for (String tenant : new String[] {"alice", "bob", "carol"}) {
        calls.add(f.call(tenant, tenant));
        f.nextDispatched();
      }
      String during = f.adminGet("/metrics").contentUtf8();
      assertThat(during).contains("sluice_flow_control_in_flight_requests{fairness_id=\"alice\",priority=\"0\"} 1.0");
      JsonNode flows = new ObjectMapper().readTree(f.adminGet("/admin/flows").contentUtf8());
      assertThat(flows.path("inFlightRequests").asLong()).isEqualTo(3);
      assertThat(flows.path("bands").get(0).path("flows")).hasSize(3);
      assertThat(flows.path("endpoints").get(0).path("fresh").asBoolean()).isTrue();

      f.finishRunning();
      calls.forEach(call -> assertThat(call.awaitEnd().cause()).isNull());
      f.awaitIdle();

      String metrics = f.adminGet("/metrics").contentUtf8();
      assertThat(metrics)
          .contains("sluice_flow_control_requests_total{fairness_id=\"alice\",outcome=\"dispatched\",priority=\"0\"} 1.0")
          .contains("sluice_flow_control_requests_total{fairness_id=\"other\",outcome=\"dispatched\",priority=\"0\"} 1.0")
          .doesNotContain("fairness_id=\"carol\"")
          .contains("sluice_flow_control_request_queue_duration_seconds_bucket{fairness_id=\"bob\"")
          .contains("sluice_flow_control_queue_size{fairness_id=\"alice\",priority=\"0\"} 0.0")
          .contains("sluice_flow_control_pool_saturation")
          .contains("sluice_endpoint_fresh{endpoint=\"" + f.endpoint(0).name() + "\"} 1.0");
      assertThat(f.adminGet("/health").status().code()).isEqualTo(200);
      assertThat(f.adminGet("/health/ready").status().code()).isEqualTo(200);
    }
  }
}
