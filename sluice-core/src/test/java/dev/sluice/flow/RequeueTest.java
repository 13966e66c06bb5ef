package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Admission#requeue()}: a dispatched request goes back to the head of its flow's queue, its
 * capacity goes to whoever dispatch picks, and the re-entry ends with exactly one outcome of its
 * own.
 */
class RequeueTest {

  private final ManualClock clock = new ManualClock();
  private final ConcurrencyDetector detector = ConcurrencyDetector.ofRequests(1);
  private final List<String> outcomes = new ArrayList<>();

  private FlowController controller(@Nullable QueueFactory queue) {
    FlowControllerConfig.Builder builder =
        FlowControllerConfig.builder()
            .ticker(clock)
            .scheduler(clock)
            .saturationDetector(detector)
            .listener(
                new FlowControlListener() {
                  @Override
                  public synchronized void onOutcome(
                      FlowRequest request, Outcome outcome, long queueNanos) {
                    outcomes.add(request.id() + ":" + outcome);
                  }
                });
    if (queue != null) {
      builder.bands(BandConfig.builder(0).queue(queue).build());
    }
    return FlowController.create(builder.build());
  }

  private FlowRequest request(String id, String flow, int priority) {
    return FlowRequest.builder(FlowKey.of(flow, priority))
        .id(id)
        .receivedNanos(clock.read())
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "max-min-heap"})
  void aRequeuedRequestGivesItsSlotToHigherPriorityAndThenGoesAheadOfItsFlow(String queue) {
    try (FlowController controller = controller(QueueFactory.named(queue))) {
      Admission victim = controller.submit(request("a1", "a", 0)).join();
      CompletableFuture<Admission> a2 = controller.submit(request("a2", "a", 0));
      CompletableFuture<Admission> high = controller.submit(request("h", "h", 10));
      clock.advance(Duration.ofMillis(5));

      CompletableFuture<Admission> again = victim.requeue();

      assertThat(victim.isClosed()).isTrue();
      assertThat(high).isCompleted();
      assertThat(again).isNotDone();
      high.join().close();
      assertThat(again).isCompleted();
      assertThat(a2).isNotDone();
      Admission second = again.join();
      assertThat(second.request().id()).isEqualTo("a1");
      assertThat(second.queueWaitNanos())
          .as("measured from the request's received time")
          .isEqualTo(Duration.ofMillis(5).toNanos());
      second.close();
      a2.join().close();

      assertThat(outcomes)
          .containsExactly("a1:DISPATCHED", "h:DISPATCHED", "a1:DISPATCHED", "a2:DISPATCHED");
      assertThat(controller.stats().count(Outcome.DISPATCHED)).isEqualTo(4);
      assertThat(controller.stats().inFlightRequests()).isZero();
      assertThat(detector.inFlightRequests()).isZero();
    }
  }

  @Test
  void theCapacityGoesBackFirstThenTheRequestWaitsAtTheHeadOfItsFlow() {
    try (FlowController controller = controller(null)) {
      Admission first = controller.submit(request("a1", "a", 0)).join();
      CompletableFuture<Admission> b1 = controller.submit(request("b1", "b", 0));
      CompletableFuture<Admission> b2 = controller.submit(request("b2", "b", 0));
      first.close();

      CompletableFuture<Admission> again = b1.join().requeue();

      assertThat(b2).as("queued when the capacity came back").isCompleted();
      assertThat(again).isNotDone();
      CompletableFuture<Admission> b3 = controller.submit(request("b3", "b", 0));
      b2.join().close();
      assertThat(again).as("ahead of b3").isCompleted();
      assertThat(b3).isNotDone();
      again.join().close();
      b3.join().close();
      assertThat(outcomes)
          .containsExactly(
              "a1:DISPATCHED", "b1:DISPATCHED", "b2:DISPATCHED", "b1:DISPATCHED", "b3:DISPATCHED");
    }
  }

  @Test
  void aRequeueAfterCloseOrASecondRequeueFailsAndChangesNothing() {
    try (FlowController controller = controller(null)) {
      Admission arrival = controller.submit(request("a1", "a", 0)).join();
      arrival.close();
      assertThatThrownBy(() -> arrival.requeue().join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already closed");

      Admission held = controller.submit(request("a2", "a", 0)).join();
      CompletableFuture<Admission> b = controller.submit(request("b", "b", 0));
      held.close();
      Admission queued = b.join();
      queued.close();
      assertThatThrownBy(() -> queued.requeue().join())
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThat(outcomes).containsExactly("a1:DISPATCHED", "a2:DISPATCHED", "b:DISPATCHED");
      assertThat(detector.inFlightRequests()).isZero();
    }
  }

  @Test
  void aRequeuedRequestKeepsItsDeadlineFromWhenItWasReceived() {
    try (FlowController controller = controller(null)) {
      FlowRequest victimRequest =
          FlowRequest.builder(FlowKey.of("a", 0))
              .id("a1")
              .ttl(Duration.ofSeconds(1))
              .receivedNanos(clock.read())
              .build();
      Admission victim = controller.submit(victimRequest).join();
      CompletableFuture<Admission> high = controller.submit(request("h", "h", 10));
      clock.advance(Duration.ofMillis(900));
      CompletableFuture<Admission> again = victim.requeue();
      assertThat(high).isCompleted();
      clock.advance(Duration.ofMillis(100));

      assertThat(again).isCompletedExceptionally();
      assertThatThrownBy(again::join)
          .hasCauseInstanceOf(FlowControlException.class)
          .cause()
          .satisfies(
              e -> assertThat(((FlowControlException) e).outcome()).isEqualTo(Outcome.EVICTED_TTL));
      assertThat(outcomes).containsExactly("a1:DISPATCHED", "h:DISPATCHED", "a1:EVICTED_TTL");
      high.join().close();
      assertThat(controller.stats().queuedRequests()).isZero();
    }
  }

  @Test
  void aRequestWithoutAReceivedTimeCountsItsDeadlineFromTheRequeue() {
    try (FlowController controller = controller(null)) {
      FlowRequest victimRequest =
          FlowRequest.builder(FlowKey.of("a", 0)).id("a1").ttl(Duration.ofSeconds(1)).build();
      Admission victim = controller.submit(victimRequest).join();
      CompletableFuture<Admission> high = controller.submit(request("h", "h", 10));
      clock.advance(Duration.ofSeconds(5));
      CompletableFuture<Admission> again = victim.requeue();
      clock.advance(Duration.ofMillis(500));
      assertThat(again).isNotDone();
      high.join().close();
      assertThat(again.join().request().id()).isEqualTo("a1");
    }
  }

  @Test
  void aRequeueAfterShutdownIsRejected() {
    FlowController controller = controller(null);
    Admission victim = controller.submit(request("a1", "a", 0)).join();
    controller.close();
    assertThatThrownBy(() -> victim.requeue().join())
        .hasCauseInstanceOf(FlowControlException.class)
        .hasMessageContaining("closed");
    assertThat(victim.isClosed()).isTrue();
    assertThat(detector.inFlightRequests()).isZero();
  }

  @Test
  void closeAndRequeueRacingOnOneAdmissionHaveExactlyOneWinner() throws Exception {
    try (FlowController controller = controller(null)) {
      for (int round = 0; round < 200; round++) {
        outcomes.clear();
        Admission admission = controller.submit(request("r" + round, "a", 0)).join();
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger requeued = new AtomicInteger();
        Thread closer =
            new Thread(
                () -> {
                  awaitQuietly(start);
                  admission.close();
                });
        closer.start();
        start.countDown();
        CompletableFuture<Admission> again = admission.requeue();
        closer.join();
        if (!again.isCompletedExceptionally()) {
          requeued.incrementAndGet();
          again.join().close();
        }
        long dispatches = outcomes.stream().filter(o -> o.endsWith("DISPATCHED")).count();
        assertThat(dispatches).as("round %d", round).isEqualTo(1 + requeued.get());
        assertThat(detector.inFlightRequests()).as("round %d", round).isZero();
        assertThat(controller.stats().inFlightRequests()).as("round %d", round).isZero();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
