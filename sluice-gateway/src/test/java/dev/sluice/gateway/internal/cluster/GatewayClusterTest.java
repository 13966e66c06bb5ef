package dev.sluice.gateway.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cluster.GlobalLimitDetector;
import dev.sluice.cluster.Mode;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** What the {@code cluster} section builds, in mode {@code local} (no Redis needed). */
class GatewayClusterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private GatewayCluster cluster(String yaml) {
    return GatewayCluster.create(
        GatewayConfig.parse(yaml).cluster(), Ticker.system(), Scheduler.system(), registry);
  }

  @Test
  void withoutASectionTheDetectorIsTheGatewaysOwn() {
    SaturationDetector local = SaturationDetector.alwaysOpen();
    try (GatewayCluster cluster = cluster("")) {
      assertThat(cluster.gate(local)).isSameAs(local);
      assertThat(cluster.poolLimit()).isNull();
      assertThat(cluster.mode()).isEqualTo(Mode.LOCAL);
      assertThat(registry.get("sluice.cluster.mode").tag("mode", "local").gauge().value())
          .isEqualTo(1.0);
    }
  }

  @Test
  void aPoolLimitGatesTheGatewaysDetector() {
    try (GatewayCluster cluster = cluster("cluster: {limits: {pool: {limit: 2}}}")) {
      SaturationDetector gate = cluster.gate(SaturationDetector.alwaysOpen());

      assertThat(gate).isInstanceOf(GlobalLimitDetector.class);
      assertThat(((GlobalLimitDetector) gate).limit().limit()).isEqualTo(2);
      assertThat(registry.get("sluice.cluster.limit.allowed").tag("limit", "pool").gauge().value())
          .isEqualTo(2.0);
    }
  }

  @Test
  void globalFairnessReplacesOnlyWeightedFairBands() {
    FlowControllerConfig flowControl =
        FlowControllerConfig.builder()
            .bands(
                java.util.List.of(
                    BandConfig.of(10),
                    BandConfig.builder(0)
                        .fairness(dev.sluice.flow.policy.FairnessPolicy.named("round-robin"))
                        .build()))
            .build();
    try (GatewayCluster global = cluster("cluster: {fairness: global}");
        GatewayCluster local = cluster("cluster: {fairness: local}")) {
      FlowControllerConfig shared = global.shareFairness(flowControl);

      assertThat(shared.bands())
          .extracting(band -> band.fairness().name())
          .containsExactly("global-weighted-fair", "round-robin");
      assertThat(shared.defaultBand().fairness().name()).isEqualTo("global-weighted-fair");
      assertThat(local.shareFairness(flowControl)).isSameAs(flowControl);
    }
  }
}
