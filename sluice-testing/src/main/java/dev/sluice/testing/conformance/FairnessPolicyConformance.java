package dev.sluice.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.queue.QueueItem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link FairnessPolicy} must keep, as an abstract JUnit 5 suite: extend it and
 * supply the {@link #policy()} under test. Every pick is checked by {@link TestBand}: null exactly
 * when nothing is backlogged, otherwise a backlogged flow the state knows; every item is dispatched
 * or withdrawn exactly once, in its flow's order.
 */
public abstract class FairnessPolicyConformance {

  /** The policy under test; called once per test. */
  protected abstract FairnessPolicy policy();

  // ---------------------------------------------------------------------------------------------
  // The contract

  @Test
  void picksNothingWhileNoFlowIsBacklogged() {
    FairnessPolicy policy = policy();
    TestBand band = new TestBand(policy, policy.name());
    assertThat(band.pick()).as("a new band").isNull();

    TestFlow a = band.flow("a");
    TestFlow b = band.flow("b");
    QueueItem withdrawn = band.enqueue(a, 1);
    band.withdraw(a, withdrawn);
    assertThat(band.pick()).as("after the only item was withdrawn").isNull();

    band.enqueue(a, 1);
    band.enqueue(b, 1);
    assertThat(band.dispatchAll()).hasSize(2);
    assertThat(band.pick()).as("after everything was dispatched").isNull();

    band.remove(a);
    band.remove(b);
    assertThat(band.pick()).as("after every flow left").isNull();
  }

  @Test
  void picksOnlyBackloggedFlowsAndNeverIdlesWhileOneIs() {
    FairnessPolicy policy = policy();
    TestBand band = new TestBand(policy, policy.name());
    TestFlow a = band.flow("a");
    TestFlow b = band.flow("b");
    TestFlow c = band.flow("c");
    band.enqueue(a, 1);
    QueueItem onlyOfB = band.enqueue(b, 1);
    band.enqueue(c, 1);
    band.enqueue(a, 1);
    band.enqueue(c, 1);
    band.withdraw(b, onlyOfB);

    List<TestBand.Dispatch> dispatches = band.dispatchAll();

    assertThat(dispatches).extracting(TestBand.Dispatch::flow).containsOnly(a, c).hasSize(4);
  }

  @Test
  void neverPicksAFlowAfterItLeaves() {
    FairnessPolicy policy = policy();
    TestBand band = new TestBand(policy, policy.name());
    TestFlow a = band.flow("a");
    TestFlow b = band.flow("b");
    TestFlow c = band.flow("c");
    for (int i = 0; i < 3; i++) {
      band.enqueue(a, 1);
      band.enqueue(b, 1);
      band.enqueue(c, 1);
    }
    band.dispatch();
    // b empties by withdrawal, wherever it stands in the policy's order, and leaves.
    while (!b.queue().isEmpty()) {
      band.withdraw(b, Objects.requireNonNull(b.queue().peekTail(), "a non-empty queue's tail"));
    }
    band.remove(b);
    band.enqueue(a, 1);
    band.enqueue(c, 1);

    List<TestBand.Dispatch> dispatches = band.dispatchAll();

    assertThat(dispatches).extracting(TestBand.Dispatch::flow).doesNotContain(b).isNotEmpty();
    assertThat(band.pick()).isNull();
  }

  @Test
  void dispatchesEveryEnqueuedItemExactlyOnceInItsFlowsOrder() {
    FairnessPolicy policy = policy();
    Random random = new Random(11);
    TestBand band = new TestBand(policy, policy.name() + " seed=11");
    List<TestFlow> flows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      flows.add(band.flow("f" + i));
    }
    Set<QueueItem> enqueued = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      enqueued.add(band.enqueue(flows.get(random.nextInt(flows.size())), 1 + random.nextInt(50)));
    }

    List<TestBand.Dispatch> dispatches = new ArrayList<>();
    for (TestBand.Dispatch dispatch = band.dispatch();
        dispatch != null;
        dispatch = band.dispatch()) {
      dispatches.add(dispatch);
      if (dispatches.size() % 3 == 0 && enqueued.size() < 900) { // more work arrives meanwhile
        enqueued.add(band.enqueue(flows.get(random.nextInt(flows.size())), 1 + random.nextInt(50)));
      }
    }

    List<QueueItem> items = dispatches.stream().map(TestBand.Dispatch::item).toList();
    assertThat(items).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(enqueued);
    for (TestFlow flow : flows) {
      List<QueueItem> ofFlow =
          dispatches.stream()
              .filter(dispatch -> dispatch.flow() == flow)
              .map(TestBand.Dispatch::item)
              .toList();
      assertThat(ofFlow)
          .as("dispatches of %s", flow)
          .isSortedAccordingTo(TestBand.BY_DEADLINE)
          .allSatisfy(item -> assertThat(item.request().flowKey()).isEqualTo(flow.key()));
    }
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {7L, 1_234_567L, 0xFA1EL, -3_141_592_653L})
  void staysCorrectUnderChurn(long seed) {
    FairnessPolicy policy = policy();
    Random random = new Random(seed);
    TestBand band = new TestBand(policy, policy.name() + " seed=" + seed);
    List<TestFlow> live = new ArrayList<>();
    List<TestFlow> gone = new ArrayList<>();
    Set<QueueItem> enqueued = new HashSet<>();
    Set<QueueItem> finished = new HashSet<>();
    int nextFlow = 0;

    for (int step = 0; step < 5000; step++) {
      String at = policy.name() + " seed=" + seed + " step=" + step;
      int roll = random.nextInt(100);
      if (live.isEmpty() || roll < 5) {
        if (live.size() < 12) {
          live.add(band.flow("f" + nextFlow++));
        }
      } else if (roll < 45) {
        TestFlow flow = live.get(random.nextInt(live.size()));
        enqueued.add(band.enqueue(flow, 1 + random.nextInt(20)));
      } else if (roll < 60) {
        TestFlow flow = live.get(random.nextInt(live.size()));
        if (!flow.queue().isEmpty()) {
          // The head (what the flow would dispatch next) or the tail (what arrived last).
          QueueItem item =
              Objects.requireNonNull(
                  random.nextBoolean() ? flow.queue().peekHead() : flow.queue().peekTail(),
                  "a non-empty queue's head and tail");
          band.withdraw(flow, item);
          assertThat(finished.add(item)).as("%s: %s finished twice", at, item).isTrue();
        }
      } else if (roll < 90) {
        TestBand.Dispatch dispatch = band.dispatch();
        if (dispatch != null) {
          assertThat(finished.add(dispatch.item()))
              .as("%s: %s finished twice", at, dispatch.item())
              .isTrue();
        }
      } else if (roll < 96) {
        TestFlow flow = live.get(random.nextInt(live.size()));
        if (flow.queue().isEmpty()) {
          band.remove(flow);
          live.remove(flow);
          gone.add(flow);
        }
      } else if (!gone.isEmpty() && live.size() < 12) {
        // A flow comes back: sometimes as the same view, sometimes as a new one with the same key.
        TestFlow old = gone.remove(random.nextInt(gone.size()));
        TestFlow back = random.nextBoolean() ? old : band.flow(old.key().id());
        live.add(back);
        enqueued.add(band.enqueue(back, 1 + random.nextInt(20)));
      }
      band.pick(); // checks work conservation and that only known, backlogged flows come back
    }

    for (TestBand.Dispatch dispatch : band.dispatchAll()) {
      assertThat(finished.add(dispatch.item()))
          .as("%s: %s finished twice", band.context(), dispatch.item())
          .isTrue();
    }
    assertThat(finished)
        .as("%s: every item finished exactly once", band.context())
        .containsExactlyInAnyOrderElementsOf(enqueued);
    assertThat(band.enqueued()).isEqualTo(band.withdrawn() + band.dispatched());
  }
}
