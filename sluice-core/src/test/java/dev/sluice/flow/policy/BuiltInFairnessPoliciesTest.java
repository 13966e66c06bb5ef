package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import dev.sluice.testing.conformance.TestBand;
import dev.sluice.testing.conformance.TestFlow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each built-in {@link FairnessPolicy} promises beyond the contract every policy keeps (that
 * contract is sluice-testing's {@code FairnessPolicyConformance}, run for each built-in by the
 * {@code *FairnessConformanceTest} classes here).
 */
class BuiltInFairnessPoliciesTest {

  /** Unequal weights for flows f0, f1, f2; any other flow weighs {@link #DEFAULT_WEIGHT}. */
  private static final Map<String, Double> WEIGHTS = Map.of("f0", 1.0, "f1", 2.5, "f2", 4.0);

  private static final double DEFAULT_WEIGHT = 1.5;

  /** The built-in policies. */
  static Stream<Named<FairnessPolicy>> policies() {
    return Stream.of(
        Named.of("round-robin", FairnessPolicy.roundRobin()),
        Named.of("global-strict", FairnessPolicy.globalStrict()),
        Named.of("weighted-fair", FairnessPolicy.weightedFair()),
        Named.of(
            "weighted-fair" + WEIGHTS + " default " + DEFAULT_WEIGHT,
            FairnessPolicy.weightedFair(WEIGHTS, DEFAULT_WEIGHT)),
        Named.of("hierarchical-fair, three groups", THREE_GROUPS),
        Named.of("hierarchical-fair, a group per flow", GROUP_PER_FLOW));
  }

  /** Flows in three groups of weights 1, 2 and 3, chosen by the flow id's hash. */
  private static final FairnessPolicy THREE_GROUPS =
      FairnessPolicy.hierarchicalFair(
          key -> "g" + Math.floorMod(key.id().hashCode(), 3),
          group -> 1 + Double.parseDouble(group.substring(1)));

  /** Every flow its own group, weighted as {@link #WEIGHTS}: weighted-fair by another road. */
  private static final FairnessPolicy GROUP_PER_FLOW =
      FairnessPolicy.hierarchicalFair(
          FlowKey::id, group -> WEIGHTS.getOrDefault(group, DEFAULT_WEIGHT));

  /** The weighted-fair variants, each with the weights it should apply. */
  static Stream<Arguments> weightedPolicies() {
    ToDoubleFunction<FlowKey> equal = key -> 1.0;
    ToDoubleFunction<FlowKey> configured = key -> WEIGHTS.getOrDefault(key.id(), DEFAULT_WEIGHT);
    return Stream.of(
        Arguments.of(Named.of("weighted-fair", FairnessPolicy.weightedFair()), equal),
        Arguments.of(
            Named.of(
                "weighted-fair" + WEIGHTS + " default " + DEFAULT_WEIGHT,
                FairnessPolicy.weightedFair(WEIGHTS, DEFAULT_WEIGHT)),
            configured),
        Arguments.of(Named.of("hierarchical-fair, a group per flow", GROUP_PER_FLOW), configured));
  }

  // ---------------------------------------------------------------------------------------------
  // round-robin

  @Test
  void roundRobinGivesEquallyBackloggedFlowsEqualTurns() {
    TestBand band = new TestBand(FairnessPolicy.roundRobin(), "round-robin");
    Map<TestFlow, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < 7; i++) {
      TestFlow flow = band.flow("f" + i);
      counts.put(flow, 0);
      for (int j = 0; j < 50; j++) {
        band.enqueue(flow, 1 + (i * 31 + j * 17) % 40); // costs must not matter
      }
    }

    for (int round = 0; round < 50; round++) {
      Set<TestFlow> inRound = new HashSet<>();
      for (int turn = 0; turn < 7; turn++) {
        TestFlow flow = band.dispatch().flow();
        assertThat(inRound.add(flow)).as("round %d visits %s twice", round, flow).isTrue();
        counts.merge(flow, 1, Integer::sum);
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertThat(max - min)
            .as("round %d turn %d counts %s", round, turn, counts)
            .isLessThanOrEqualTo(1);
      }
    }
    assertThat(band.pick()).isNull();
  }

  @Test
  void roundRobinLetsALateFlowInWithinOneRound() {
    TestBand band = new TestBand(FairnessPolicy.roundRobin(), "round-robin");
    List<TestFlow> flows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      TestFlow flow = band.flow("f" + i);
      flows.add(flow);
      for (int j = 0; j < 10; j++) {
        band.enqueue(flow, 1);
      }
    }
    band.dispatch();
    band.dispatch();
    TestFlow late = band.flow("late");
    band.enqueue(late, 1);

    List<TestFlow> next = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      next.add(band.dispatch().flow());
    }

    assertThat(next)
        .as("the next round of 6 backlogged flows")
        .contains(late)
        .doesNotHaveDuplicates();
  }

  @Test
  void roundRobinPickIsConstantAmortizedHoweverManyFlowsEmptyAndLeave() {
    TestBand band = new TestBand(FairnessPolicy.roundRobin(), "round-robin");
    List<TestFlow> flows = new ArrayList<>();
    List<QueueItem> items = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      TestFlow flow = band.flow("f" + i);
      flows.add(flow);
      items.add(band.enqueue(flow, 1));
    }
    // All but the last flow empty by withdrawal; a naive scan would skip them on every pick.
    for (int i = 0; i < 1999; i++) {
      band.withdraw(flows.get(i), items.get(i));
    }
    TestFlow busy = flows.get(1999);
    for (int i = 0; i < 3000; i++) {
      band.enqueue(busy, 1);
    }
    for (int i = 0; i < 1000; i += 2) { // some come back, some leave
      band.enqueue(flows.get(i), 1);
      band.remove(flows.get(i + 1));
    }

    band.dispatchAll();

    long operations = band.enqueued() + band.withdrawn() + band.dispatched() + band.picks();
    long reads = flows.stream().mapToLong(flow -> flow.reads()).sum();
    assertThat(reads)
        .as(
            "view reads for %d enqueues, withdrawals, dispatches and picks over 2000 flows",
            operations)
        .isLessThanOrEqualTo(3 * operations);
  }

  // ---------------------------------------------------------------------------------------------
  // global-strict

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {3L, 99L, 0xBEEFL})
  void globalStrictPicksTheFlowWithTheLeastHead(long seed) {
    Random random = new Random(seed);
    // Heaps order each flow by deadline, so a new arrival can become its flow's head. At most 10
    // items per flow: this suite checks fairness; the queues are held to their contract elsewhere.
    TestBand band =
        new TestBand(
            FairnessPolicy.globalStrict(), QueueFactory.maxMinHeap(), "global-strict seed=" + seed);
    List<TestFlow> flows = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      flows.add(band.flow("f" + i));
    }

    for (int step = 0; step < 5000; step++) {
      TestFlow flow = flows.get(random.nextInt(flows.size()));
      int roll = random.nextInt(100);
      if (roll < 45 && flow.queue().size() < 10) {
        band.enqueue(flow, 1, random.nextInt(10_000));
      } else if (roll < 60 && !flow.queue().isEmpty()) {
        band.withdraw(
            flow, random.nextBoolean() ? flow.queue().peekHead() : flow.queue().peekTail());
      } else if (roll >= 60) {
        QueueItem least =
            flows.stream()
                .map(candidate -> candidate.queue().peekHead())
                .filter(head -> head != null)
                .min(TestBand.BY_DEADLINE)
                .orElse(null);
        String heads =
            flows.stream()
                .map(candidate -> candidate + "=" + candidate.queue().peekHead())
                .toList()
                .toString();
        TestBand.Dispatch dispatch = band.dispatch();
        assertThat(dispatch == null ? null : dispatch.item())
            .as("global-strict seed=%d step=%d: the least of the heads %s", seed, step, heads)
            .isSameAs(least);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // weighted-fair

  @ParameterizedTest
  @MethodSource("weightedPolicies")
  void weightedFairSharesCostInProportionToWeight(
      FairnessPolicy policy, ToDoubleFunction<FlowKey> weights) {
    long seed = 2024;
    Random random = new Random(seed);
    TestBand band = new TestBand(policy, policy.name() + " seed=" + seed);
    List<TestFlow> flows = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // f3 takes the default weight
      TestFlow flow = band.flow("f" + i);
      flows.add(flow);
      for (int j = 0; j < 3; j++) {
        band.enqueue(flow, 1 + random.nextInt(100));
      }
    }

    Map<TestFlow, Long> cost = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      cost.merge(dispatch.flow(), dispatch.item().request().cost(), Long::sum);
      band.enqueue(dispatch.flow(), 1 + random.nextInt(100)); // every flow stays backlogged
    }

    double totalCost = cost.values().stream().mapToLong(Long::longValue).sum();
    double totalWeight =
        flows.stream().mapToDouble(flow -> weights.applyAsDouble(flow.key())).sum();
    for (TestFlow flow : flows) {
      double expected = weights.applyAsDouble(flow.key()) / totalWeight;
      double actual = cost.getOrDefault(flow, 0L) / totalCost;
      assertThat(actual)
          .as(
              "%s seed=%d: cost share of %s (weight %s); costs %s",
              policy.name(), seed, flow.key().id(), weights.applyAsDouble(flow.key()), cost)
          .isCloseTo(expected, withPercentage(1));
    }
  }

  @ParameterizedTest(name = "{0}, idle after {2}")
  @MethodSource("weightedPoliciesAndIdling")
  void weightedFairBanksNoCreditForIdleTime(
      FairnessPolicy policy, ToDoubleFunction<FlowKey> weights, String howIdle) {
    long seed = 77;
    int maxCost = 10;
    Random random = new Random(seed);
    TestBand band = new TestBand(policy, policy.name() + " seed=" + seed);
    TestFlow a = band.flow("f0");
    TestFlow b = band.flow("f1");
    double weightA = weights.applyAsDouble(a.key());
    double weightB = weights.applyAsDouble(b.key());
    for (int j = 0; j < 5; j++) {
      band.enqueue(a, 1 + random.nextInt(maxCost));
      band.enqueue(b, 1 + random.nextInt(maxCost));
    }

    // Both busy; then b goes idle while a dispatches on its own for a long time.
    for (int i = 0; i < 200; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      band.enqueue(dispatch.flow(), 1 + random.nextInt(maxCost));
    }
    if (howIdle.equals("withdrawal")) {
      while (!b.queue().isEmpty()) {
        band.withdraw(b, b.queue().peekHead());
      }
    }
    for (int i = 0; i < 3000; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      if (dispatch.flow() == a) {
        band.enqueue(a, 1 + random.nextInt(maxCost));
      }
    }
    assertThat(b.queue().isEmpty()).as("b idles").isTrue();

    // b returns with plenty of work: from here on both are backlogged, so start-time fair queuing
    // bounds the gap in weight-normalized service by one maximum request of each.
    for (int j = 0; j < 2000; j++) {
      band.enqueue(b, 1 + random.nextInt(maxCost));
    }
    double bound = maxCost / weightA + maxCost / weightB;
    double serviceA = 0;
    double serviceB = 0;
    for (int i = 0; i < 1000; i++) {
      TestBand.Dispatch dispatch = band.dispatch();
      long itemCost = dispatch.item().request().cost();
      if (dispatch.flow() == a) {
        serviceA += itemCost / weightA;
        band.enqueue(a, 1 + random.nextInt(maxCost));
      } else {
        serviceB += itemCost / weightB;
      }
      assertThat(Math.abs(serviceB - serviceA))
          .as(
              "%s seed=%d: %d dispatches after b returned, normalized service a=%.1f b=%.1f",
              policy.name(), seed, i + 1, serviceA, serviceB)
          .isLessThanOrEqualTo(bound + 1e-9);
    }
  }

  static Stream<Arguments> weightedPoliciesAndIdling() {
    return weightedPolicies()
        .flatMap(
            arguments ->
                Stream.of("dispatch", "withdrawal")
                    .map(howIdle -> Arguments.of(arguments.get()[0], arguments.get()[1], howIdle)));
  }

  @Test
  void weightedFairRejectsWeightsThatAreNotPositiveAndFinite() {
    assertThatThrownBy(() -> FairnessPolicy.weightedFair(Map.of("a", 0.0), 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights[a]: 0.0 (expected: a positive finite number)");
    assertThatThrownBy(() -> FairnessPolicy.weightedFair(Map.of("b", -2.0), 1.0))
        .hasMessage("weights[b]: -2.0 (expected: a positive finite number)");
    assertThatThrownBy(
            () -> FairnessPolicy.weightedFair(Map.of("c", Double.POSITIVE_INFINITY), 1.0))
        .hasMessage("weights[c]: Infinity (expected: a positive finite number)");
    assertThatThrownBy(() -> FairnessPolicy.weightedFair(Map.of(), Double.NaN))
        .hasMessage("defaultWeight: NaN (expected: a positive finite number)");
  }

  @Test
  void weightedFairCountsABadWeightFromAFunctionAsOne() {
    FairnessPolicy policy =
        FairnessPolicy.weightedFair(key -> key.id().equals("good") ? 1.0 : Double.NaN);
    TestBand band = new TestBand(policy, "weighted-fair(function)");
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
  }

  // ---------------------------------------------------------------------------------------------
  // names

  @Test
  void findsEachBuiltInByName() {
    assertThat(FairnessPolicy.named("round-robin")).isSameAs(FairnessPolicy.roundRobin());
    assertThat(FairnessPolicy.named("global-strict")).isSameAs(FairnessPolicy.globalStrict());
    assertThat(FairnessPolicy.named("weighted-fair").name()).isEqualTo("weighted-fair");
    policies()
        .map(Named::getPayload)
        .filter(policy -> !(policy instanceof HierarchicalFair)) // needs its groups: no plain name
        .forEach(
            policy ->
                assertThat(FairnessPolicy.named(policy.name()).name()).isEqualTo(policy.name()));
    assertThatThrownBy(() -> FairnessPolicy.named("lottery"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'lottery'", "round-robin", "global-strict", "weighted-fair");
  }
}
