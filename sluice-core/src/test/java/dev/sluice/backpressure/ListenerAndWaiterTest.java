package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Transition listeners (state first, isolated, ordered, not re-entered) and the resume future. */
class ListenerAndWaiterTest {

  private final ManualClock clock = new ManualClock();
  private final List<String> events = new ArrayList<>();

  /**
   * Runs {@code call} on a new thread and waits for it, bounded, so a lock held here shows as a
   * failure.
   */
  private static <T> T onAnotherThread(Callable<T> call) {
    FutureTask<T> task = new FutureTask<>(call);
    new Thread(task, "other").start();
    try {
      return task.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the other thread could not use the controller", e);
    }
  }

  @Test
  void listenersSeeTheUpdatedStateAndAThrowingOneBreaksNothing() {
    AtomicReference<BackpressureController> holder = new AtomicReference<>();
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder()
                .ticker(clock)
                .watermark("bytes", 50, 100)
                .listener(
                    new BackpressureListener() {
                      @Override
                      public void onPaused(String signal, long level) {
                        throw new IllegalStateException("listener bug");
                      }

                      @Override
                      public void onResumed() {
                        throw new IllegalStateException("listener bug");
                      }
                    })
                .listener(
                    new BackpressureListener() {
                      // Read from another thread: had the controller kept its lock, this would time
                      // out.
                      @Override
                      public void onPaused(String signal, long level) {
                        events.add(
                            onAnotherThread(
                                () ->
                                    "paused="
                                        + holder.get().isPaused()
                                        + " pauses="
                                        + holder.get().stats().pauses()));
                      }

                      @Override
                      public void onResumed() {
                        events.add(
                            onAnotherThread(
                                () ->
                                    "paused="
                                        + holder.get().isPaused()
                                        + " resumes="
                                        + holder.get().stats().resumes()));
                      }
                    })
                .build());
    holder.set(bp);

    assertThat(bp.update("bytes", 100)).isTrue();
    assertThat(bp.grant("w", 1).paused()).isTrue();
    assertThat(bp.update("bytes", 0)).isFalse();
    assertThat(bp.update("bytes", 100)).isTrue();

    assertThat(events)
        .containsExactly("paused=true pauses=1", "paused=false resumes=1", "paused=true pauses=2");
    assertThat(bp.stats().pauses()).isEqualTo(2);
  }

  @Test
  void aListenerThatCausesATransitionIsNotReenteredAndSeesEventsInOrder() {
    AtomicReference<BackpressureController> holder = new AtomicReference<>();
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder()
                .ticker(clock)
                .watermark("bytes", 50, 100)
                .listener(
                    new BackpressureListener() {
                      int depth;

                      @Override
                      public void onPaused(String signal, long level) {
                        depth++;
                        events.add("pause depth " + depth);
                        holder.get().update("bytes", 0); // resumes from inside the callback
                        depth--;
                      }

                      @Override
                      public void onResumed() {
                        depth++;
                        events.add("resume depth " + depth);
                        depth--;
                      }
                    })
                .build());
    holder.set(bp);

    bp.update("bytes", 100);

    assertThat(events).containsExactly("pause depth 1", "resume depth 1");
    assertThat(bp.isPaused()).isFalse();
  }

  @Test
  void aPausedProducerIsWokenWhenTheLatchResumes() {
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder().ticker(clock).watermark("bytes", 50, 100).build());
    assertThat(bp.awaitResume()).isCompleted(); // not paused: nothing to wait for

    bp.update("bytes", 100);
    CompletableFuture<Void> first = bp.awaitResume();
    CompletableFuture<Void> second = bp.awaitResume();
    List<Boolean> stateSeenByWaiter = new ArrayList<>();
    CompletableFuture<Void> dependent =
        first.thenRun(
            () -> stateSeenByWaiter.add(onAnotherThread(() -> bp.grant("w", 1).paused())));

    bp.update("bytes", 70);
    assertThat(first).isNotDone(); // inside the band: still paused
    bp.update("bytes", 50);

    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
    assertThat(dependent).isCompleted();
    assertThat(stateSeenByWaiter)
        .containsExactly(false); // woken after the state changed, outside the lock
    assertThat(bp.waiterCount()).isZero();
  }

  @Test
  void aCancelledWaitIsWithdrawn() {
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder().ticker(clock).watermark("bytes", 50, 100).build());
    bp.update("bytes", 100);
    CompletableFuture<Void> cancelled = bp.awaitResume();
    CompletableFuture<Void> kept = bp.awaitResume();

    assertThat(cancelled.cancel(false)).isTrue();
    assertThat(bp.waiterCount()).isEqualTo(1);
    cancelled.cancel(false); // idempotent
    assertThat(bp.waiterCount()).isEqualTo(1);
    bp.update("bytes", 0);

    assertThat(cancelled).isCancelled();
    assertThat(kept).isCompleted();
  }

  @Test
  void aWaitThatTimesOutOrIsCompletedByItsOwnerIsWithdrawn() {
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder().ticker(clock).watermark("bytes", 50, 100).build());
    bp.update("bytes", 100);
    CompletableFuture<Void> timedOut = bp.awaitResume();
    CompletableFuture<Void> completed = bp.awaitResume();
    assertThat(bp.waiterCount()).isEqualTo(2);

    timedOut.completeExceptionally(new TimeoutException()); // what orTimeout does when it expires
    completed.complete(null);

    assertThat(bp.waiterCount()).isZero();
    assertThat(timedOut.completeExceptionally(new TimeoutException())).isFalse();
    bp.update("bytes", 0);
    assertThat(timedOut).isCompletedExceptionally();
  }

  @Test
  void closeFailsWaitersAndRefusesGrants() {
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder().ticker(clock).watermark("bytes", 50, 100).build());
    bp.grant("w", 2);
    bp.update("bytes", 100);
    CompletableFuture<Void> waiting = bp.awaitResume().orTimeout(1, TimeUnit.DAYS);

    bp.close();
    bp.close();

    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(waiting::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("backpressure controller closed");
    assertThat(bp.awaitResume()).isCompletedExceptionally();
    assertThatThrownBy(() -> bp.grant("w", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("backpressure controller closed");
    bp.release("w", 2); // releases still count after close
    assertThat(bp.stats().inFlight()).isZero();
    assertThat(bp.waiterCount()).isZero();
  }
}
