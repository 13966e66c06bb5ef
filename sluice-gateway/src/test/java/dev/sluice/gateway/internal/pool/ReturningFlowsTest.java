package dev.sluice.gateway.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowKey;
import org.junit.jupiter.api.Test;

class ReturningFlowsTest {

  private static final long MS = 1_000_000;
  private static final long NONE = Long.MIN_VALUE;
  private static final FlowKey LIGHT = FlowKey.of("light", 0);
  private static final FlowKey HEAVY = FlowKey.of("heavy", 0);
  private static final FlowKey PREMIUM = FlowKey.of("premium", 10);

  private final ReturningFlows flows = new ReturningFlows(20 * MS);

  /** One request of {@code key} arrives at {@code now} and is dispatched at once. */
  private void run(FlowKey key, long now) {
    flows.arrived(key, now);
    flows.dispatched(key);
    flows.left(key);
  }

  @Test
  void holdsTheSlotOfAFlowBelowItsShareWithNothingQueued() {
    run(LIGHT, 0);
    flows.arrived(HEAVY, 0); // backlogged: stays queued
    assertThat(flows.finished(LIGHT, 8, 10 * MS, null)).isEqualTo(30 * MS);
    assertThat(flows.isHeld(LIGHT)).isTrue();
    assertThat(flows.held()).isEqualTo(1);
    // The flow comes back: its request takes the held slot.
    flows.arrived(LIGHT, 11 * MS);
    flows.dispatched(LIGHT);
    assertThat(flows.held()).isZero();
  }

  @Test
  void holdsASlotForEachStreamOfAFlowThatEndsBeforeTheOtherReturns() {
    run(PREMIUM, 0);
    run(PREMIUM, 0);
    assertThat(flows.finished(PREMIUM, 8, 10 * MS, null)).isNotEqualTo(NONE);
    assertThat(flows.finished(PREMIUM, 8, 11 * MS, null)).isNotEqualTo(NONE);
    assertThat(flows.held()).isEqualTo(2);
    flows.arrived(PREMIUM, 12 * MS);
    flows.dispatched(PREMIUM);
    assertThat(flows.held()).isEqualTo(1);
    flows.expire(30 * MS); // the first hold (the one used) was due at 30 ms: nothing expires
    assertThat(flows.held()).isEqualTo(1);
    flows.expire(31 * MS);
    assertThat(flows.held()).isZero();
  }

  @Test
  void aHigherPriorityTakesTheNewestHoldOfALowerOneAndNoOther() {
    Endpoint first = new Endpoint("127.0.0.1:1", null, "/metrics", false);
    Endpoint second = new Endpoint("127.0.0.1:2", null, "/metrics", false);
    run(LIGHT, 0);
    run(HEAVY, 0);
    run(PREMIUM, 0);
    flows.finished(PREMIUM, 8, 9 * MS, null);
    flows.finished(LIGHT, 8, 10 * MS, first);
    flows.finished(HEAVY, 8, 11 * MS, second);
    assertThat(flows.held()).isEqualTo(3);
    assertThat(flows.heldAtOrAbove(10)).isEqualTo(1);
    assertThat(flows.heldAtOrAbove(0)).isEqualTo(3);

    assertThat(flows.yieldTo(10)).isEqualTo(new ReturningFlows.Yield(true, second));
    assertThat(flows.isHeld(HEAVY)).isFalse();
    assertThat(flows.isHeld(LIGHT)).isTrue();
    assertThat(flows.yieldTo(0))
        .as("none below priority 0")
        .isEqualTo(new ReturningFlows.Yield(false, null));
    assertThat(flows.yieldTo(10).where()).isSameAs(first);
    assertThat(flows.yieldTo(10).yielded())
        .as("premium's own hold is not yielded to premium")
        .isFalse();
    assertThat(flows.isHeld(PREMIUM)).isTrue();
  }

  @Test
  void theDispatchThatTakesAHeldSlotLearnsItsEndpoint() {
    Endpoint where = new Endpoint("127.0.0.1:1", null, "/metrics", false);
    run(LIGHT, 0);
    flows.finished(LIGHT, 8, 10 * MS, where);
    flows.arrived(LIGHT, 11 * MS);
    assertThat(flows.dispatched(LIGHT)).isSameAs(where);
    flows.left(LIGHT);
    assertThat(flows.dispatched(HEAVY)).as("no hold, no endpoint").isNull();
  }

  @Test
  void holdsNothingForAFlowWithWorkQueuedOrAtItsShare() {
    run(HEAVY, 0);
    flows.arrived(HEAVY, 0);
    assertThat(flows.finished(HEAVY, 8, 10 * MS, null)).isEqualTo(NONE); // its queue takes the slot
    flows.dispatched(HEAVY);
    flows.left(HEAVY);
    run(LIGHT, 0);
    run(LIGHT, 0);
    // Two flows share 2 slots: each has a share of 1; light has 1 left in flight after this end.
    assertThat(flows.finished(LIGHT, 2, 10 * MS, null)).isEqualTo(NONE);
  }

  @Test
  void aHoldThatIsNotUsedExpiresAndTheFlowStopsGettingHolds() {
    run(LIGHT, 0);
    flows.finished(LIGHT, 8, 0, null);
    flows.expire(19 * MS);
    assertThat(flows.held()).isEqualTo(1);
    flows.expire(20 * MS);
    assertThat(flows.held()).isZero();
    // Its return time now counts as 40 ms, beyond the 20 ms hold: no hold next time.
    run(LIGHT, 100 * MS);
    assertThat(flows.finished(LIGHT, 8, 200 * MS, null)).isEqualTo(NONE);
  }

  @Test
  void aFlowThatComesBackSlowlyGetsNoHold() {
    run(LIGHT, 0);
    flows.finished(LIGHT, 8, 0, null);
    flows.arrived(LIGHT, 500 * MS); // 500 ms later: the hold expired unused long ago
    flows.expire(500 * MS);
    flows.dispatched(LIGHT);
    flows.left(LIGHT);
    assertThat(flows.finished(LIGHT, 8, 600 * MS, null)).isEqualTo(NONE);
  }

  @Test
  void theShareCountsFlowsAtTheSamePriorityOrAboveOnly() {
    for (int i = 0; i < 20; i++) {
      flows.arrived(FlowKey.of("batch", -1), 0); // a flood below
    }
    run(PREMIUM, 0);
    assertThat(flows.finished(PREMIUM, 1, 10 * MS, null)).isNotEqualTo(NONE);
  }

  @Test
  void manyFlowsSharingFewSlotsGetNoHolds() {
    for (int i = 0; i < 10; i++) {
      run(FlowKey.of("t" + i, 0), 0);
    }
    assertThat(flows.finished(FlowKey.of("t0", 0), 8, 10 * MS, null)).isEqualTo(NONE);
  }
}
