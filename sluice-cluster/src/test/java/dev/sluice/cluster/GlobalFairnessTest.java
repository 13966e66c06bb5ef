package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.policy.FairnessPolicy;
import org.junit.jupiter.api.Test;

class GlobalFairnessTest {
  private final SharedService service = ClusterCoordinator.local().service("band");

  @Test
  void aFlowServedElsewhereYieldsHere() {
    try (DispatchOrder replica = new DispatchOrder(GlobalFairness.of(service, key -> 1.0))) {
      replica.queue("a", 3).queue("b", 3);
      service.charge("a", 10); // another replica served a while both were backlogged
      assertThat(replica.drain()).containsExactly("b", "b", "b", "a", "a", "a");
    }
    assertThat(service.total("b")).isEqualTo(3);
    assertThat(service.total("a")).isEqualTo(13);
  }

  @Test
  void withoutServiceElsewhereItIsWeightedFair() {
    try (DispatchOrder plain = new DispatchOrder(FairnessPolicy.weightedFair());
        DispatchOrder global = new DispatchOrder(GlobalFairness.of(service, key -> 1.0))) {
      plain.queue("a", 3).queue("b", 3);
      global.queue("a", 3).queue("b", 3);
      assertThat(global.drain())
          .isEqualTo(plain.drain())
          .containsExactly("a", "b", "a", "b", "a", "b");
    }
  }

  @Test
  void aFlowThatBecomesBackloggedIsLiftedAndBanksNoCredit() {
    service.charge("a", 10); // a was served while b was idle
    try (DispatchOrder replica = new DispatchOrder(GlobalFairness.of(service, key -> 1.0))) {
      replica.queue("a", 2).queue("b", 2);
      assertThat(replica.drain()).containsExactly("a", "b", "a", "b");
    }
  }

  @Test
  void weightsScaleTheService() {
    GlobalFairness fairness = GlobalFairness.of(service, key -> key.id().equals("a") ? 2.0 : 1.0);
    try (DispatchOrder replica = new DispatchOrder(fairness)) {
      replica.queue("a", 4).queue("b", 2);
      assertThat(replica.drain()).containsExactly("a", "b", "a", "a", "b", "a");
    }
    assertThat(fairness).hasToString("global-weighted-fair(band)");
    assertThat(fairness.name()).isEqualTo("global-weighted-fair");
  }
}
