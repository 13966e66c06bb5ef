package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  private final ManualClock clock = new ManualClock(0);
  private final List<String> ran = new ArrayList<>();

  @Test
  void runsTasksInTimeThenSubmissionOrderAndSkipsCancelled() {
    clock.schedule(() -> ran.add("b@20"), 20);
    clock.schedule(() -> ran.add("a@10"), 10);
    clock.schedule(() -> ran.add("c@20"), 20);
    clock.schedule(() -> ran.add("cancelled"), 15).cancel();
    assertThat(clock.pendingTasks()).isEqualTo(3);
    assertThat(clock.pendingDelays()).containsExactly(10L, 20L, 20L);
    clock.advanceTo(20);
    assertThat(ran).containsExactly("a@10", "b@20", "c@20");
    assertThat(clock.read()).isEqualTo(20);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aTaskScheduledByATaskRunsInTheSameAdvanceIfDue() {
    clock.schedule(
        () -> {
          ran.add("first@" + clock.read());
          clock.schedule(() -> ran.add("second@" + clock.read()), 5);
        },
        10);
    clock.advance(Duration.ofNanos(15));
    assertThat(ran).containsExactly("first@10", "second@15");
  }

  @Test
  void timeMovesOnlyForwardAndOnlyWhenAdvanced() {
    ManualClock fresh = new ManualClock();
    assertThat(fresh.read()).isEqualTo(ManualClock.DEFAULT_ORIGIN_NANOS);
    assertThat(fresh.currentTimeMillis()).isEqualTo(ManualClock.EPOCH_MILLIS_AT_ORIGIN);
    fresh.advance(Duration.ofMillis(1_500));
    assertThat(fresh.currentTimeMillis()).isEqualTo(ManualClock.EPOCH_MILLIS_AT_ORIGIN + 1_500);
    assertThatThrownBy(() -> fresh.advanceTo(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeNanos: 0 (expected: >= now, 2500000000)");
    assertThatThrownBy(() -> fresh.advanceNanos(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nanos: -1 (expected: >= 0)");
  }

  @Test
  void runWhileJumpsFromEventToEventUntilTheConditionFails() {
    for (int i = 1; i <= 5; i++) {
      int at = i * 100;
      clock.schedule(() -> ran.add("@" + at), at);
    }
    clock.runWhile(() -> ran.size() < 3);
    assertThat(ran).containsExactly("@100", "@200", "@300");
    assertThat(clock.read()).isEqualTo(300);
    clock.runWhile(() -> true);
    assertThat(ran).hasSize(5);
    assertThat(clock.read()).isEqualTo(500);
  }

  @Test
  void aNegativeDelayMeansNowAndRunDueRunsIt() {
    clock.schedule(() -> ran.add("now"), -5);
    clock.runDue();
    assertThat(ran).containsExactly("now");
    assertThat(clock.read()).isZero();
  }

  @Test
  void aClockNeverAdvancedIsInertAndHoldsOnlyLiveTimers() {
    Scheduler.Cancellable timer = clock.schedule(() -> ran.add("never"), 0);
    timer.cancel();
    timer.cancel();
    assertThat(clock.pendingTasks()).isZero();
    assertThat(ran).isEmpty();
  }
}
