package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller and its {@link Scheduler}: a scheduler that throws (an executor after shutdown)
 * never breaks exactly-once, and the controller never holds a lock while it schedules.
 */
class SchedulerFailureTest {

  /** The fake clock's scheduler, throwing while {@link #failing} is set. */
  private static final class FlakyScheduler implements Scheduler {
    final ManualClock clock;
    final AtomicInteger refusals = new AtomicInteger();
    volatile boolean failing;

    FlakyScheduler(ManualClock clock, boolean failing) {
      this.clock = clock;
      this.failing = failing;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      if (failing) {
        refusals.incrementAndGet();
        throw new RejectedExecutionException("the executor was shut down");
      }
      return clock.schedule(task, delayNanos);
    }
  }

  private static FlowController controller(
      ManualClock clock, Scheduler scheduler, Recorder recorder, SaturationDetector detector) {
    return TrackedControllers.create(
        FlowControllerConfig.builder()
            .ticker(clock)
            .scheduler(scheduler)
            .listener(recorder)
            .saturationDetector(detector)
            .flowIdleTimeout(Duration.ofMinutes(1))
            .build());
  }

  private static Outcome failure(CompletableFuture<Admission> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return ((FlowControlException) e.getCause()).outcome();
    }
  }

  /** Exactly one outcome per submitted request, and every counter back to zero. */
  private static void assertQuiet(FlowController controller, Recorder recorder, int submitted) {
    FlowStats stats = controller.stats();
    assertThat(stats.queuedRequests()).isZero();
    assertThat(stats.inFlightRequests()).isZero();
    assertThat(recorder.events()).hasSize(submitted);
    long counted = stats.outcomes().values().stream().mapToLong(Long::longValue).sum();
    assertThat(counted).isEqualTo(submitted);
  }

  @Test
  void aControllerStartsAndDispatchesWithASchedulerThatThrows() {
    ManualClock clock = new ManualClock();
    FlakyScheduler scheduler = new FlakyScheduler(clock, true);
    Recorder recorder = new Recorder();
    try (FlowController controller =
        controller(clock, scheduler, recorder, ConcurrencyDetector.ofRequests(1))) {
      controller.submit(Harness.request("a", 0)).join().close();

      assertThat(scheduler.refusals)
          .as("it was asked to schedule the collector")
          .hasPositiveValue();
      assertQuiet(controller, recorder, 1);
    }
  }

  @Test
  void aRequestWhoseTimerIsRefusedIsStillEvictedOnceAtTheNextEventAfterItsDeadline() {
    ManualClock clock = new ManualClock();
    FlakyScheduler scheduler = new FlakyScheduler(clock, false);
    Recorder recorder = new Recorder();
    try (FlowController controller =
        controller(clock, scheduler, recorder, ConcurrencyDetector.ofRequests(1))) {
      Admission held = controller.submit(Harness.request("a", 0)).join();
      scheduler.failing = true; // shut down while the controller runs

      CompletableFuture<Admission> waiting =
          controller.submit(Harness.request("b", 0), Duration.ofMillis(5));
      assertThat(waiting).as("queued: the future is returned").isNotDone();
      assertThat(scheduler.refusals).as("its timer was refused").hasPositiveValue();

      clock.advance(Duration.ofMillis(10));
      held.close(); // the next event on the shard: expired before anything is dispatched

      assertThat(failure(waiting)).isEqualTo(Outcome.EVICTED_TTL);
      assertQuiet(controller, recorder, 2);
    }
  }

  @Test
  void requestsQueuedWithoutATimerEndOnceWhenTheControllerCloses() {
    ManualClock clock = new ManualClock();
    FlakyScheduler scheduler = new FlakyScheduler(clock, false);
    Recorder recorder = new Recorder();
    FlowController controller =
        controller(clock, scheduler, recorder, ConcurrencyDetector.ofRequests(1));
    Admission held = controller.submit(Harness.request("a", 0)).join();
    scheduler.failing = true;
    List<CompletableFuture<Admission>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(controller.submit(Harness.request("b" + i, 0), Duration.ofSeconds(1 + i)));
    }

    controller.close();
    held.close();

    assertThat(waiting)
        .allSatisfy(future -> assertThat(failure(future)).isEqualTo(Outcome.EVICTED_SHUTDOWN));
    assertQuiet(controller, recorder, 6);
  }

  @Test
  void aSchedulerThatRecoversGetsTheEarliestDeadlineAndTheCollectorAgain() {
    ManualClock clock = new ManualClock();
    FlakyScheduler scheduler = new FlakyScheduler(clock, true);
    Recorder recorder = new Recorder();
    try (FlowController controller =
        controller(clock, scheduler, recorder, ConcurrencyDetector.ofRequests(1))) {
      Admission held = controller.submit(Harness.request("a", 0)).join();
      CompletableFuture<Admission> early =
          controller.submit(Harness.request("b", 0), Duration.ofMillis(5));

      scheduler.failing = false;
      CompletableFuture<Admission> late =
          controller.submit(Harness.request("c", 0), Duration.ofMillis(20));
      clock.advance(Duration.ofMillis(5));
      assertThat(failure(early)).as("evicted on time").isEqualTo(Outcome.EVICTED_TTL);
      assertThat(late).isNotDone();
      clock.advance(Duration.ofMillis(15));
      assertThat(failure(late)).isEqualTo(Outcome.EVICTED_TTL);

      held.close();
      clock.advance(Duration.ofMinutes(3));
      assertThat(recorder.lifecycle("flowCollected")).as("idle flows collected again").isEqualTo(3);
      assertQuiet(controller, recorder, 3);
    }
  }

  /**
   * A detector that signals from inside {@link #saturation()} once armed: the controller reads
   * saturation under a shard lock, so the signal arrives on a thread holding it.
   */
  private static final class SignallingDetector implements SaturationDetector {
    final ConcurrencyDetector delegate;
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    final AtomicBoolean signalOnRead = new AtomicBoolean();

    SignallingDetector(long limit) {
      delegate = ConcurrencyDetector.ofRequests(limit);
    }

    @Override
    public double saturation() {
      if (signalOnRead.getAndSet(false)) {
        listeners.forEach(Runnable::run);
      }
      return delegate.saturation();
    }

    @Override
    public boolean tryDispatch(FlowRequest request, double ceiling) {
      return delegate.tryDispatch(request, ceiling);
    }

    @Override
    public void onFinished(FlowRequest request) {
      delegate.onFinished(request);
    }

    @Override
    public void addListener(Runnable listener) {
      listeners.add(listener);
    }
  }

  /**
   * While the controller schedules, another thread takes every lock it has (a reshard to the same
   * count takes the registry lock and each shard lock): it must get through at once.
   */
  @Test
  @Timeout(60)
  void theControllerHoldsNoLockWhileItSchedules() throws Exception {
    ManualClock clock = new ManualClock();
    AtomicReference<FlowController> controller = new AtomicReference<>();
    List<String> violations = new CopyOnWriteArrayList<>();
    ExecutorService prober =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "lock-prober");
              thread.setDaemon(true);
              return thread;
            });
    Scheduler probing =
        (task, delayNanos) -> {
          FlowController probed = controller.get();
          if (probed != null && violations.isEmpty()) {
            Future<?> reshard = prober.submit(() -> probed.setShardCount(probed.shardCount()));
            try {
              reshard.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
              violations.add("scheduled (delay " + delayNanos + " ns) while holding a lock");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return clock.schedule(task, delayNanos);
        };
    SignallingDetector detector = new SignallingDetector(1);
    Recorder recorder = new Recorder();
    try {
      FlowController created =
          TrackedControllers.create(
              FlowControllerConfig.builder()
                  .ticker(clock)
                  .scheduler(probing)
                  .listener(recorder)
                  .saturationDetector(detector)
                  .flowIdleTimeout(Duration.ofMillis(4))
                  .build());
      controller.set(created);
      Admission held = created.submit(Harness.request("a", 0)).join();
      CompletableFuture<Admission> queued = created.submit(Harness.request("b", 0));
      // With b queued, c skips the unlocked dispatch on arrival and reads saturation under the
      // shard lock: the signal comes on a thread holding it.
      detector.signalOnRead.set(true);
      CompletableFuture<Admission> signalled = created.submit(Harness.request("c", 0));
      assertThat(detector.signalOnRead).as("the signal fired").isFalse();
      CompletableFuture<Admission> timed =
          created.submit(Harness.request("d", 0), Duration.ofMillis(2));
      clock.advance(Duration.ofMillis(2)); // the deadline timer
      assertThat(failure(timed)).isEqualTo(Outcome.EVICTED_TTL);
      held.close();
      queued.join().close();
      signalled.join().close();
      clock.advance(Duration.ofMillis(20)); // collection sweeps, each scheduling the next
      assertThat(recorder.lifecycle("flowCollected")).isEqualTo(4);

      assertThat(violations).isEmpty();
      created.close();
      assertQuiet(created, recorder, 4);
    } finally {
      prober.shutdownNow();
    }
  }
}
