package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which request is taken back, and the race between its first byte and its preemption. */
class PreemptionsTest {

  private final List<String> preempted = new ArrayList<>();

  private Preemptible track(Preemptions preemptions, int priority, String name) {
    Preemptible candidate = preemptions.track(priority, () -> preempted.add(name));
    assertThat(candidate).as("%s is tracked", name).isNotNull();
    return candidate;
  }

  @Test
  void theLowestPriorityThenTheNewestIsTakenBackOnePerCall() {
    Preemptions preemptions = new Preemptions(Set.of(10));
    track(preemptions, 0, "standard");
    track(preemptions, -1, "batch-old");
    track(preemptions, -1, "batch-new");

    assertThat(preemptions.preemptFor(10)).isTrue();
    assertThat(preempted).containsExactly("batch-new");
    assertThat(preemptions.preemptFor(10)).isTrue();
    assertThat(preempted).containsExactly("batch-new", "batch-old");
    assertThat(preemptions.preemptFor(10)).isTrue();
    assertThat(preemptions.preemptFor(10)).as("nothing left").isFalse();
    assertThat(preempted).containsExactly("batch-new", "batch-old", "standard");
    assertThat(preemptions.count(10)).isEqualTo(3);
    assertThat(preemptions.counts()).containsEntry(10, 3L);
  }

  @Test
  void aStartedRequestIsNeverTakenBack() {
    Preemptions preemptions = new Preemptions(Set.of(10));
    Preemptible batch = track(preemptions, -1, "batch");
    assertThat(preemptions.started(batch)).isTrue();
    assertThat(preemptions.preemptFor(10)).isFalse();
    assertThat(batch.isPreempted()).isFalse();
    assertThat(preempted).isEmpty();
  }

  @Test
  void onlyAPreemptingBandPreemptsAndOnlyStrictlyLowerPriorities() {
    Preemptions preemptions = new Preemptions(Set.of(10));
    assertThat(preemptions.track(10, () -> {})).as("nothing above it may preempt").isNull();
    track(preemptions, 0, "standard");
    assertThat(preemptions.preemptFor(0)).as("band 0 may not preempt").isFalse();
    assertThat(preemptions.preemptFor(5)).as("band 5 may not preempt").isFalse();
    assertThat(preempted).isEmpty();
    assertThat(preemptions.count(0)).isZero();
  }

  @Test
  void offByDefaultNothingIsTracked() {
    Preemptions off = new Preemptions(Set.of());
    assertThat(off.preemptingPriorities()).isEmpty();
    assertThat(off.track(Integer.MIN_VALUE, () -> {})).isNull();
    assertThat(off.preemptFor(Integer.MAX_VALUE)).isFalse();
  }

  @Test
  void firstByteAndPreemptionRacingHaveExactlyOneWinner() throws Exception {
    int rounds = 2000;
    AtomicInteger actions = new AtomicInteger();
    int preemptedCount = 0;
    int startedCount = 0;
    for (int round = 0; round < rounds; round++) {
      Preemptions preemptions = new Preemptions(Set.of(10));
      Preemptible candidate = preemptions.track(0, actions::incrementAndGet);
      CyclicBarrier barrier = new CyclicBarrier(2);
      boolean[] firstByte = new boolean[1];
      CountDownLatch done = new CountDownLatch(1);
      Thread relay =
          new Thread(
              () -> {
                await(barrier);
                firstByte[0] = preemptions.started(candidate);
                done.countDown();
              });
      relay.start();
      await(barrier);
      boolean won = preemptions.preemptFor(10);
      done.await();
      relay.join();
      assertThat(won ^ firstByte[0]).as("round %d: exactly one wins", round).isTrue();
      assertThat(candidate.isPreempted()).isEqualTo(won);
      preemptedCount += won ? 1 : 0;
      startedCount += firstByte[0] ? 1 : 0;
    }
    assertThat(actions.get()).as("one preemption action per win").isEqualTo(preemptedCount);
    assertThat(preemptedCount + startedCount).isEqualTo(rounds);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
