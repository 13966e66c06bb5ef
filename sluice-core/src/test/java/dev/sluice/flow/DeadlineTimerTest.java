package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** One timer is current at a time, armed for the earliest deadline; stale ones only re-check. */
class DeadlineTimerTest {
  private final ManualClock clock = new ManualClock();
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Long> fired = new ArrayList<>();
  private boolean refusing;
  private final Scheduler scheduler =
      (task, delayNanos) -> {
        if (refusing) {
          throw new RejectedExecutionException("shut down");
        }
        return clock.schedule(task, delayNanos);
      };
  private final DeadlineTimer timer =
      new DeadlineTimer(lock, clock, new GuardedScheduler(scheduler), fired::add);

  private DeadlineTimer.Arming claim(long delayNanos) {
    lock.lock();
    try {
      return timer.claimLocked(clock.read() + delayNanos);
    } finally {
      lock.unlock();
    }
  }

  private void fire(long token) {
    lock.lock();
    try {
      timer.firedLocked(token);
    } finally {
      lock.unlock();
    }
  }

  @Test
  void aLaterDeadlineKeepsTheCurrentTimer() {
    DeadlineTimer.Arming first = claim(100);
    timer.arm(first);
    assertThat(claim(200)).as("a later deadline is served by the current timer").isNull();
    assertThat(claim(100)).as("so is the same one").isNull();
    assertThat(clock.pendingDelays()).containsExactly(100L);
  }

  @Test
  void anEarlierDeadlineReplacesTheTimerAndCancelsTheOldOne() {
    timer.arm(claim(100));
    DeadlineTimer.Arming earlier = claim(40);
    assertThat(earlier).isNotNull();
    timer.arm(earlier);
    assertThat(clock.pendingDelays()).as("exactly one timer scheduled").containsExactly(40L);
    clock.advanceNanos(1_000);
    assertThat(fired).containsExactly(earlier.token);
  }

  @Test
  void anOvertakenClaimIsCancelledWhicheverIsScheduledFirst() {
    DeadlineTimer.Arming slow = claim(100);
    DeadlineTimer.Arming fast = claim(40); // claimed before the first was scheduled
    timer.arm(fast);
    timer.arm(slow);
    assertThat(clock.pendingDelays()).as("the overtaken claim is cancelled").containsExactly(40L);

    DeadlineTimer.Arming slow2 = claim(30);
    DeadlineTimer.Arming fast2 = claim(20);
    timer.arm(slow2);
    timer.arm(fast2);
    assertThat(clock.pendingDelays()).as("the newest claim replaces the rest").containsExactly(20L);
  }

  @Test
  void onlyTheCurrentTimerFiringFreesTheTimer() {
    DeadlineTimer.Arming stale = claim(100);
    DeadlineTimer.Arming current = claim(50);
    timer.arm(current);
    fire(stale.token);
    assertThat(claim(70)).as("a stale timer firing leaves the current one armed").isNull();
    fire(current.token);
    assertThat(claim(70)).as("after the current one fired, none is armed").isNotNull();
  }

  @Test
  void aRefusedTimerIsReportedAndFreesTheTimer() {
    refusing = true;
    timer.arm(claim(100));
    assertThat(timer.failed()).isTrue();
    assertThat(clock.pendingTasks()).isZero();
    refusing = false;
    timer.clearFailed();
    DeadlineTimer.Arming again = claim(200);
    assertThat(again).as("a later deadline claims again: nothing is armed").isNotNull();
    timer.arm(again);
    assertThat(timer.failed()).isFalse();
    assertThat(clock.pendingDelays()).containsExactly(200L);
  }

  @Test
  void aRefusalOfAnOvertakenClaimDoesNotDisarmTheCurrentTimer() {
    DeadlineTimer.Arming overtaken = claim(100);
    timer.arm(claim(50));
    refusing = true;
    timer.arm(overtaken);
    assertThat(timer.failed()).isFalse();
    assertThat(claim(70)).as("the current timer still serves").isNull();
  }

  @Test
  void afterCloseNoTimerIsInstalled() {
    DeadlineTimer.Arming late = claim(100);
    timer.arm(claim(50));
    Scheduler.Cancellable current;
    lock.lock();
    try {
      current = timer.closeLocked();
    } finally {
      lock.unlock();
    }
    assertThat(current).isNotNull();
    GuardedScheduler.cancel(current);
    timer.arm(late);
    assertThat(clock.pendingTasks()).as("an arming after close cancels itself").isZero();
  }
}
