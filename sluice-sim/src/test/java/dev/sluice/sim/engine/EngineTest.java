package dev.sluice.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.sim.metrics.MetricsSnapshot;
import dev.sluice.sim.time.SimClocks;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EngineTest {

  private static final TokenSink DISCARD =
      new TokenSink() {
        @Override
        public void onToken(String text) {}

        @Override
        public void onFinished(String finishReason, int promptTokens, int completionTokens) {}
      };

  private static EngineConfig config(double timeFactorUnderLoad) {
    return EngineConfig.builder()
        .maxNumSeqs(3)
        .prefillOverhead(Duration.ZERO)
        .prefillPerToken(Duration.ZERO)
        .interTokenLatency(Duration.ofMillis(10))
        .timeFactorUnderLoad(timeFactorUnderLoad)
        .build();
  }

  private static Generation twoTokens() {
    return new Generation(1, 2, true, new SplittableRandom(1));
  }

  @Test
  void decodeSlowsByTheConfiguredFactorWhenTheBatchIsFull() throws Exception {
    ManualClock clock = new ManualClock();
    Engine engine = new Engine(config(3.0), SimClocks.of(clock), EngineObserver.NONE);
    for (int i = 0; i < 3; i++) {
      engine.submit(twoTokens(), DISCARD);
    }
    clock.advance(Duration.ofSeconds(1));
    // Every second token was scheduled with three running: 1 + (3 − 1)·(3 − 1)/(3 − 1) = 3 × 10 ms.
    MetricsSnapshot full = engine.metrics();
    assertThat(full.interTokenLatency().count()).isEqualTo(3);
    assertThat(full.interTokenLatency().sum()).isCloseTo(0.090, within(1e-9));

    ManualClock alone = new ManualClock();
    Engine single = new Engine(config(3.0), SimClocks.of(alone), EngineObserver.NONE);
    single.submit(twoTokens(), DISCARD);
    alone.advance(Duration.ofSeconds(1));
    assertThat(single.metrics().interTokenLatency().sum()).isCloseTo(0.010, within(1e-9));
  }

  @Test
  void tokensArriveInOrderThenFinish() throws Exception {
    ManualClock clock = new ManualClock();
    Engine engine = new Engine(config(1.0), SimClocks.of(clock), EngineObserver.NONE);
    List<String> calls = new ArrayList<>();
    engine.submit(
        new Generation(4, 3, false, new SplittableRandom(3)),
        new TokenSink() {
          @Override
          public void onToken(String text) {
            calls.add("token");
          }

          @Override
          public void onFinished(String reason, int prompt, int completion) {
            calls.add(reason + ":" + prompt + ":" + completion);
          }
        });
    clock.advance(Duration.ofMillis(19));
    assertThat(calls).containsExactly("token", "token");
    clock.advance(Duration.ofMillis(1));
    assertThat(calls).containsExactly("token", "token", "token", "stop:4:3");
    assertThat(engine.metrics().running()).isZero();
    assertThat(engine.metrics().usedBlocks()).isZero();
  }

  /** A sink that records its tokens and finish under a label. */
  private static TokenSink recording(String label, List<String> events) {
    return new TokenSink() {
      @Override
      public void onToken(String text) {
        events.add(label + ":token");
      }

      @Override
      public void onFinished(String reason, int prompt, int completion) {
        events.add(label + ":done:" + completion);
      }
    };
  }

  private static EngineConfig oneSlot(EngineConfig.SchedulingPolicy policy) {
    return EngineConfig.builder()
        .maxNumSeqs(1)
        .prefillOverhead(Duration.ofMillis(5))
        .prefillPerToken(Duration.ZERO)
        .interTokenLatency(Duration.ofMillis(10))
        .schedulingPolicy(policy)
        .build();
  }

  @Test
  void priorityPolicyOrdersTheWaitingQueueByPriorityThenArrival() throws Exception {
    ManualClock clock = new ManualClock();
    Engine engine =
        new Engine(
            oneSlot(EngineConfig.SchedulingPolicy.FCFS).toBuilder()
                .schedulingPolicy(EngineConfig.SchedulingPolicy.PRIORITY)
                .build(),
            SimClocks.of(clock),
            EngineObserver.NONE);
    List<String> events = new ArrayList<>();
    // Equal priorities: nobody is preempted; the queue orders the rest.
    engine.submit(
        new Generation(1, 1, true, new SplittableRandom(1), 0), recording("first", events));
    engine.submit(
        new Generation(1, 1, true, new SplittableRandom(2), 0), recording("late", events));
    engine.submit(
        new Generation(1, 1, true, new SplittableRandom(3), -1), recording("urgent", events));
    assertThat(engine.metrics().preemptions())
        .as("the running one has priority 0 > -1")
        .isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(events)
        .containsExactly(
            "urgent:token",
            "urgent:done:1",
            "first:token",
            "first:done:1",
            "late:token",
            "late:done:1");
  }

  @Test
  void aHigherPriorityArrivalPreemptsTheLowestRunningWhichResumesWithoutLosingTokens()
      throws Exception {
    ManualClock clock = new ManualClock();
    List<Long> preempted = new ArrayList<>();
    Engine engine =
        new Engine(
            oneSlot(EngineConfig.SchedulingPolicy.PRIORITY),
            SimClocks.of(clock),
            new EngineObserver() {
              @Override
              public void onPreempted(long id) {
                preempted.add(id);
              }
            });
    List<String> events = new ArrayList<>();
    engine.submit(
        new Generation(1, 3, true, new SplittableRandom(1), 5), recording("batch", events));
    clock.advance(Duration.ofMillis(15)); // batch: prefill 5 ms, then a token at 5 and 15 ms
    assertThat(events).containsExactly("batch:token", "batch:token");

    engine.submit(
        new Generation(1, 1, true, new SplittableRandom(2), 0), recording("premium", events));
    assertThat(preempted).containsExactly(0L);
    assertThat(engine.metrics().waiting()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));

    assertThat(events)
        .containsExactly(
            "batch:token",
            "batch:token",
            "premium:token",
            "premium:done:1",
            "batch:token",
            "batch:done:3");
    assertThat(engine.metrics().preemptions()).isEqualTo(1);
    assertThat(engine.metrics().running()).isZero();
    assertThat(engine.metrics().usedBlocks()).isZero();
  }

  @Test
  void fcfsNeverPreempts() throws Exception {
    ManualClock clock = new ManualClock();
    Engine engine =
        new Engine(
            oneSlot(EngineConfig.SchedulingPolicy.FCFS), SimClocks.of(clock), EngineObserver.NONE);
    List<String> events = new ArrayList<>();
    engine.submit(
        new Generation(1, 2, true, new SplittableRandom(1), 5), recording("batch", events));
    engine.submit(
        new Generation(1, 1, true, new SplittableRandom(2), 0), recording("premium", events));
    clock.advance(Duration.ofSeconds(1));
    assertThat(events)
        .containsExactly(
            "batch:token", "batch:token", "batch:done:2", "premium:token", "premium:done:1");
    assertThat(engine.metrics().preemptions()).isZero();
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> EngineConfig.builder().kvBlocks(0).build())
        .hasMessage("kvBlocks: 0 (expected: >= 1)");
    assertThatThrownBy(() -> EngineConfig.builder().timeFactorUnderLoad(0.5).build())
        .hasMessage("timeFactorUnderLoad: 0.5 (expected: >= 1)");
    assertThatThrownBy(
            () -> EngineConfig.builder().interTokenLatency(Duration.ofMillis(-1)).build())
        .hasMessageContaining("interTokenLatency");
  }

  @Test
  void tokenEstimateCountsWordsAndPunctuation() {
    assertThat(TokenEstimator.count("Hello, world! 42 times")).isEqualTo(6);
    assertThat(TokenEstimator.count("   ")).isZero();
  }
}
