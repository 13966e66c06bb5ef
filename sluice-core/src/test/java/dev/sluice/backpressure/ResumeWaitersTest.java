package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link ResumeWaiters}: a waiter stays in the set only while incomplete. */
class ResumeWaitersTest {

  private final Object lock = new Object();
  private final ResumeWaiters waiters = new ResumeWaiters(lock);

  @Test
  void takenWaitersCompleteOnlyWhenWokenOrFailed() {
    CompletableFuture<Void> first = waiters.add();
    CompletableFuture<Void> second = waiters.add();

    List<ResumeWaiters.Waiter> taken = waiters.takeAll();
    assertThat(List.<CompletableFuture<Void>>copyOf(taken)).containsExactly(first, second);
    assertThat(waiters.size()).isZero();
    assertThat(first).isNotDone();
    taken.get(0).wake();
    taken.get(1).fail(new IllegalStateException("closed"));
    assertThat(first).isCompleted();
    assertThat(second).isCompletedExceptionally();
    assertThat(waiters.takeAll()).isEmpty();
  }

  @Test
  void aWaiterCompletedByAnyoneElseWithdrawsItself() {
    CompletableFuture<Void> cancelled = waiters.add();
    CompletableFuture<Void> completed = waiters.add();
    CompletableFuture<Void> failed = waiters.add();
    CompletableFuture<Void> kept = waiters.add();
    assertThat(waiters.size()).isEqualTo(4);

    assertThat(cancelled.cancel(false)).isTrue();
    assertThat(completed.complete(null)).isTrue();
    assertThat(failed.completeExceptionally(new TimeoutException())).isTrue();

    assertThat(waiters.size()).isEqualTo(1);
    assertThat(List.<CompletableFuture<Void>>copyOf(waiters.takeAll())).containsExactly(kept);
  }

  @Test
  void anExpiredTimeoutWithdrawsTheWaiter() {
    CompletableFuture<Void> waiter = waiters.add();
    CompletableFuture<Void> bounded = waiter.orTimeout(1, TimeUnit.NANOSECONDS);

    assertThat(bounded).failsWithin(Duration.ofSeconds(10));
    synchronized (lock) {
      assertThat(waiters.size()).isZero();
    }
  }

  @Test
  void completingATakenWaiterAgainIsANoOp() {
    CompletableFuture<Void> waiter = waiters.add();
    ResumeWaiters.Waiter taken = waiters.takeAll().get(0);
    taken.wake();

    assertThat(waiter.cancel(false)).isFalse();
    assertThat(waiter.complete(null)).isFalse();
    assertThat(waiters.size()).isZero();
  }
}
