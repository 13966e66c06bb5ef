package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.sluice.testing.conformance.TestBand;
import dev.sluice.testing.conformance.TestFlow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What {@code hierarchical-fair} promises beyond the contract {@link
 * dev.sluice.testing.conformance.FairnessPolicyConformance} holds it to: groups (tenants) share by
 * weight whatever number of flows (end users) they spread their work over, and a group's flows
 * share its portion equally. Flow ids are {@code group/user}.
 */
class HierarchicalFairTest {

  private static final FairnessPolicy TENANTS =
      FairnessPolicy.hierarchicalFair(
          key -> key.id().substring(0, key.id().indexOf('/')),
          tenant -> tenant.equals("heavy") ? 2.0 : 1.0);

  /** Runs {@code dispatches} dispatches, each flow re-enqueuing to stay backlogged. */
  private static Map<String, Long> costByGroup(TestBand band, int dispatches, Random random) {
    Map<String, Long> cost = new HashMap<>();
    for (int i = 0; i < dispatches; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      String id = dispatch.flow().key().id();
      cost.merge(id.substring(0, id.indexOf('/')), dispatch.item().request().cost(), Long::sum);
      band.enqueue(dispatch.flow(), 1 + random.nextInt(100));
    }
    return cost;
  }

  @Test
  void aTenantUnderAHundredIdsGetsTheShareOfOneUnderOneId() {
    Random random = new Random(17);
    TestBand band = new TestBand(TENANTS, "hierarchical-fair seed=17");
    for (int user = 0; user < 100; user++) {
      band.enqueue(band.flow("rotating/u" + user), 1 + random.nextInt(100));
    }
    band.enqueue(band.flow("single/u0"), 1 + random.nextInt(100));

    Map<String, Long> cost = costByGroup(band, 20_000, random);

    double share = cost.get("rotating") / (double) (cost.get("rotating") + cost.get("single"));
    assertThat(share)
        .as("the rotating tenant's share of cost; %s", cost)
        .isCloseTo(0.5, withPercentage(5));
  }

  @Test
  void tenantsShareByWeightAndTheirUsersEqually() {
    Random random = new Random(5);
    TestBand band = new TestBand(TENANTS, "hierarchical-fair seed=5");
    List<TestFlow> heavyUsers = new ArrayList<>();
    for (int user = 0; user < 3; user++) {
      TestFlow flow = band.flow("heavy/u" + user);
      heavyUsers.add(flow);
      band.enqueue(flow, 1 + random.nextInt(100));
    }
    for (int user = 0; user < 7; user++) {
      band.enqueue(band.flow("light/u" + user), 1 + random.nextInt(100));
    }

    Map<TestFlow, Long> byFlow = new HashMap<>();
    Map<String, Long> byGroup = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      long itemCost = dispatch.item().request().cost();
      String id = dispatch.flow().key().id();
      byFlow.merge(dispatch.flow(), itemCost, Long::sum);
      byGroup.merge(id.substring(0, id.indexOf('/')), itemCost, Long::sum);
      band.enqueue(dispatch.flow(), 1 + random.nextInt(100));
    }

    double heavy = byGroup.get("heavy") / (double) (byGroup.get("heavy") + byGroup.get("light"));
    assertThat(heavy).as("weight 2 against 1; %s", byGroup).isCloseTo(2.0 / 3, withPercentage(1));
    for (TestFlow user : heavyUsers) {
      assertThat(byFlow.get(user) / (double) byGroup.get("heavy"))
          .as("%s's part of its tenant's cost", user)
          .isCloseTo(1.0 / 3, withPercentage(2));
    }
  }

  @Test
  void aTenantWhoseUsersAllLeaveComesBackWithNoCredit() {
    TestBand band = new TestBand(TENANTS, "hierarchical-fair");
    TestFlow left = band.flow("a/u0");
    TestFlow stays = band.flow("b/u0");
    band.enqueue(left, 10);
    band.enqueue(stays, 10);
    band.dispatchAll();
    band.remove(left); // a's only flow leaves: the group is forgotten
    for (int i = 0; i < 100; i++) {
      band.enqueue(stays, 10);
      band.dispatch();
    }
    TestFlow back = band.flow("a/u1");
    for (int i = 0; i < 50; i++) {
      band.enqueue(back, 10);
      band.enqueue(stays, 10);
    }

    Map<String, Long> cost = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      cost.merge(dispatch.flow().key().id(), 1L, Long::sum);
    }

    assertThat(cost.get("a/u1")).as("dispatches of 40; %s", cost).isBetween(19L, 21L);
  }

  @Test
  void aBadGroupWeightCountsAsOne() {
    FairnessPolicy policy =
        FairnessPolicy.hierarchicalFair(
            key -> key.id(), group -> group.equals("good") ? 1.0 : Double.NaN);
    TestBand band = new TestBand(policy, "hierarchical-fair(bad weight)");
    TestFlow good = band.flow("good");
    TestFlow bad = band.flow("bad");
    band.enqueue(good, 1);
    band.enqueue(bad, 1);

    Map<TestFlow, Integer> counts = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      counts.merge(dispatch.flow(), 1, Integer::sum);
      band.enqueue(dispatch.flow(), 1);
    }

    assertThat(counts.get(good) - counts.get(bad)).as("counts %s", counts).isBetween(-1, 1);
    assertThat(policy.name()).isEqualTo("hierarchical-fair").isEqualTo(policy.toString());
  }
}
