package dev.sluice.flow;

import static dev.sluice.flow.Harness.named;
import static dev.sluice.flow.Harness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Deterministic fake-clock scenarios of the controller's policy behaviour. */
class FlowControllerScenarioTest {

  private static List<String> ids(List<FlowRequest> requests) {
    return requests.stream().map(FlowRequest::id).collect(Collectors.toList());
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

  private static String message(CompletableFuture<Admission> future) {
    try {
      future.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause().getMessage();
    }
  }

  @Test
  void dispatchesOnArrivalWithoutQueueingWhenUnsaturated() {
    try (Harness h = Harness.withLimit(2)) {
      CompletableFuture<Admission> first = h.submit(request("a", 0));
      CompletableFuture<Admission> second = h.submit(request("a", 0));
      CompletableFuture<Admission> third = h.submit(request("a", 0));

      assertThat(first).isCompleted();
      assertThat(second).isCompleted();
      assertThat(first.join().queueWaitNanos()).isZero();
      assertThat(third).isNotDone();
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(1);
      assertThat(h.controller.stats().inFlightRequests()).isEqualTo(2);

      h.clock.advance(Duration.ofMillis(7));
      h.closeOldest();
      assertThat(third).isCompleted();
      assertThat(third.join().queueWaitNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
      h.assertQuiet();
    }
  }

  @Test
  void aRequestDispatchedOnArrivalIsCountedBeforeItsCallerSeesIt() throws InterruptedException {
    try (Harness h = Harness.withLimit(1)) {
      FlowRequest first = named("first", "t", 0);
      CompletableFuture<Admission> future = h.submit(first);
      assertThat(future).isCompleted();
      assertThat(h.recorder.outcomeOf(first)).isEqualTo(Outcome.DISPATCHED);
      assertThat(h.controller.stats().flow(FlowKey.of("t", 0)).inFlightRequests()).isEqualTo(1);

      assertThat(future.cancel(true)).as("too late to withdraw").isFalse();
      assertThat(future.completeExceptionally(new IllegalStateException())).isFalse();
      assertThat(future.complete(null)).isFalse();
      assertThat(h.controller.stats().count(Outcome.EVICTED_CANCELLED)).isZero();
      assertThat(h.controller.stats().inFlightRequests()).as("still holds its slot").isEqualTo(1);

      Admission admission = future.join();
      admission.close();
      admission.close();
      assertThat(h.controller.stats().inFlightRequests()).isZero();
      try (Admission acquired = h.controller.acquire(named("second", "t", 0))) {
        assertThat(acquired.queueWaitNanos()).isZero();
        assertThat(h.controller.stats().inFlightRequests())
            .as("the slot came back once")
            .isEqualTo(1);
      }
      assertThat(h.controller.stats().count(Outcome.DISPATCHED)).isEqualTo(2);
      h.assertQuiet();
    }
  }

  @Test
  void aListenerToldOfACloseSeesTheRequestOutOfFlight() {
    AtomicReference<FlowController> controller = new AtomicReference<>();
    List<String> seen = new ArrayList<>();
    FlowControlListener listener =
        new FlowControlListener() {
          @Override
          public void onAdmissionClosed(FlowRequest request) {
            FlowStats stats = controller.get().stats();
            seen.add(
                request.flowKey().id()
                    + " in flight: "
                    + stats.flow(request.flowKey()).inFlightRequests()
                    + ", all: "
                    + stats.inFlightRequests());
          }
        };
    try (Harness h = new Harness(1, b -> b.listener(listener))) {
      controller.set(h.controller);
      Admission onArrival = h.controller.submit(request("a", 0)).join();
      CompletableFuture<Admission> queued = h.controller.submit(request("b", 0));
      onArrival.close(); // dispatches the queued one first, then reports the close
      queued.join().close();
      assertThat(seen).containsExactly("a in flight: 0, all: 1", "b in flight: 0, all: 0");
    }
  }

  @Test
  void aFreedSlotReachesWorkQueuedOnEveryShard() {
    try (Harness h = new Harness(1, b -> b.shards(2))) {
      h.submit(named("blocker", "x", 0));
      List<FlowRequest> waiting = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        // One flow with bytes: JSQ by the flow's queued bytes spreads it over both shards.
        waiting.add(FlowRequest.builder(FlowKey.of("t", 0)).id("r" + i).byteSize(100).build());
        h.submit(waiting.get(i));
      }
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(6);

      // JSQ put r0, r2, r4 on one shard and r1, r3, r5 on the other: closers take turns.
      List<FlowRequest> dispatched = h.dispatchNext(6);
      assertThat(dispatched.subList(0, 2))
          .as("neither shard waits for the other to empty")
          .containsExactlyInAnyOrder(waiting.get(0), waiting.get(1));
      assertThat(dispatched).containsExactlyInAnyOrderElementsOf(waiting);
      assertThat(h.detector.inFlightRequests()).as("one slot: one dispatch per close").isEqualTo(1);
      h.assertQuiet();
    }
  }

  @Test
  void strictPriorityServesHigherBandsFirst() {
    try (Harness h = new Harness(1, b -> b.bands(BandConfig.of(10), BandConfig.of(0)))) {
      h.submit(named("blocker", "t", 0));
      for (int i = 0; i < 3; i++) {
        h.submit(named("low" + i, "t", 0));
        h.submit(named("high" + i, "t", 10));
      }

      assertThat(ids(h.dispatchNext(6)))
          .containsExactly("high0", "high1", "high2", "low0", "low1", "low2");
      h.assertQuiet();
    }
  }

  @Test
  void gatedLowerBandDoesNotBlockHigherBand() {
    UsageLimitPolicy holdback = UsageLimitPolicy.priorityHoldback(0.5, 1.0);
    try (Harness h =
        new Harness(
            2, b -> b.usageLimitPolicy(holdback).bands(BandConfig.of(10), BandConfig.of(0)))) {
      CompletableFuture<Admission> low1 = h.submit(named("low1", "batch", 0));
      CompletableFuture<Admission> low2 = h.submit(named("low2", "batch", 0));
      assertThat(low1).as("saturation 0 < low ceiling 0.5").isCompleted();
      assertThat(low2).as("saturation 0.5 reaches the low band's ceiling").isNotDone();

      CompletableFuture<Admission> high = h.submit(named("high", "premium", 10));
      assertThat(high).as("the high band's ceiling is 1.0").isCompleted();
      assertThat(low2).isNotDone();

      high.join().close();
      assertThat(low2).as("back to 0.5: still held back").isNotDone();
      low1.join().close();
      assertThat(low2).isCompleted();
      low2.join().close();
      assertThat(h.controller.stats().inFlightRequests()).isZero();
    }
  }

  @Test
  void emptyHighBandDoesNotBlockLowerBands() {
    try (Harness h = new Harness(1, b -> b.bands(BandConfig.of(10), BandConfig.of(0)))) {
      h.submit(named("blocker", "t", 0));
      h.submit(named("low", "t", 0));
      assertThat(ids(h.dispatchNext(1))).containsExactly("low");
      h.assertQuiet();
    }
  }

  @Test
  void roundRobinGivesBackloggedFlowsEqualTurns() {
    BandConfig band = BandConfig.builder(0).fairness(FairnessPolicy.roundRobin()).build();
    try (Harness h = new Harness(1, b -> b.bands(band))) {
      h.submit(named("blocker", "x", 0));
      String[] flows = {"a", "b", "c", "d"};
      for (int i = 0; i < 50; i++) {
        // a sends 10 times as much as the others
        for (String flow : flows) {
          int copies = flow.equals("a") ? 10 : 1;
          for (int c = 0; c < copies; c++) {
            h.submit(named(flow, flow, 0));
          }
        }
      }
      List<FlowRequest> order = h.dispatchNext(200);
      Map<String, Long> counts =
          order.stream().collect(Collectors.groupingBy(FlowRequest::id, Collectors.counting()));
      assertThat(counts)
          .containsEntry("a", 50L)
          .containsEntry("b", 50L)
          .containsEntry("c", 50L)
          .containsEntry("d", 50L);
      h.assertQuiet();
    }
  }

  @Test
  void weightedFairSharesCostWithinOnePercentOfWeights() {
    Map<String, Double> weights = Map.of("w1", 1.0, "w2", 2.0, "w4", 4.0);
    BandConfig band =
        BandConfig.builder(0)
            .fairness(FairnessPolicy.weightedFair(weights, 1.0))
            .maxRequests(0)
            .build();
    long seed = 20261123L;
    Random random = new Random(seed);
    try (Harness h = new Harness(1, b -> b.bands(band))) {
      h.submit(named("blocker", "x", 0));
      for (int i = 0; i < 10_000; i++) {
        for (String flow : weights.keySet()) {
          long cost = 1 + random.nextInt(100); // unequal costs, 1..100 units
          h.submit(FlowRequest.builder(FlowKey.of(flow, 0)).id(flow).cost(cost).build());
        }
      }
      List<FlowRequest> order = h.dispatchNext(10_000);
      Map<String, Long> cost = new HashMap<>();
      for (FlowRequest request : order) {
        cost.merge(request.id(), request.cost(), Long::sum);
      }
      double total = cost.values().stream().mapToLong(Long::longValue).sum();
      for (Map.Entry<String, Double> weight : weights.entrySet()) {
        double share = cost.get(weight.getKey()) / total;
        double target = weight.getValue() / 7.0;
        assertThat(Math.abs(share - target) / target)
            .as("seed %d: flow %s share %.4f vs target %.4f", seed, weight.getKey(), share, target)
            .isLessThanOrEqualTo(0.01);
      }
      h.controller.close();
    }
  }

  @Test
  void globalStrictServesTheBandAsOneQueue() {
    BandConfig band = BandConfig.builder(0).fairness(FairnessPolicy.globalStrict()).build();
    try (Harness h = new Harness(1, b -> b.bands(band))) {
      h.submit(named("blocker", "x", 0));
      String[] arrivals = {"a1", "a2", "a3", "b1", "a4", "c1", "b2"};
      for (String id : arrivals) {
        h.submit(named(id, id.substring(0, 1), 0));
      }
      assertThat(ids(h.dispatchNext(arrivals.length))).containsExactly(arrivals);
      h.assertQuiet();
    }
  }

  @Test
  void edfOrdersByDeadlineAndPutsNoDeadlineLast() {
    BandConfig band = BandConfig.builder(0).ordering(OrderingPolicy.edf()).build();
    try (Harness h = new Harness(1, b -> b.bands(band))) {
      h.submit(named("blocker", "x", 0));
      h.submit(
          FlowRequest.builder(FlowKey.of("t", 0)).id("50s").ttl(Duration.ofSeconds(50)).build());
      h.submit(FlowRequest.builder(FlowKey.of("t", 0)).id("none").build());
      h.submit(
          FlowRequest.builder(FlowKey.of("t", 0)).id("10s").ttl(Duration.ofSeconds(10)).build());
      h.submit(
          FlowRequest.builder(FlowKey.of("t", 0)).id("30s").ttl(Duration.ofSeconds(30)).build());
      assertThat(ids(h.dispatchNext(4))).containsExactly("10s", "30s", "50s", "none");
      h.assertQuiet();
    }
  }

  @Test
  void sloDeadlineOrdersByReceivedTimePlusSlo() {
    BandConfig band = BandConfig.builder(0).ordering(OrderingPolicy.sloDeadline()).build();
    try (Harness h = new Harness(1, b -> b.bands(band))) {
      h.submit(named("blocker", "x", 0));
      long now = h.clock.read();
      // received 900 ms ago with a 1 s SLO: due in 100 ms, before the fresh 500 ms one
      h.submit(
          FlowRequest.builder(FlowKey.of("t", 0))
              .id("fresh-500ms")
              .slo(Duration.ofMillis(500))
              .build());
      h.submit(
          FlowRequest.builder(FlowKey.of("t", 0))
              .id("old-1s")
              .slo(Duration.ofSeconds(1))
              .receivedNanos(now - TimeUnit.MILLISECONDS.toNanos(900))
              .build());
      h.submit(FlowRequest.builder(FlowKey.of("t", 0)).id("no-slo").build());
      h.submit(
          FlowRequest.builder(FlowKey.of("t", 0))
              .id("fresh-200ms")
              .slo(Duration.ofMillis(200))
              .build());
      assertThat(ids(h.dispatchNext(4)))
          .containsExactly("old-1s", "fresh-200ms", "fresh-500ms", "no-slo");
      h.assertQuiet();
    }
  }

  @Test
  void ttlEvictsExactlyAtTheDeadlineAndFreesCapacityAtOnce() {
    try (Harness h = Harness.withLimit(1)) {
      h.submit(named("blocker", "x", 0));
      FlowRequest expiring =
          FlowRequest.builder(FlowKey.of("t", 0)).ttl(Duration.ofSeconds(5)).byteSize(100).build();
      CompletableFuture<Admission> future = h.submit(expiring);

      h.clock.advanceNanos(TimeUnit.SECONDS.toNanos(5) - 1);
      assertThat(future).isNotDone();
      assertThat(h.controller.stats().queuedBytes()).isEqualTo(100);

      h.clock.advanceNanos(1);
      assertThat(failure(future)).isEqualTo(Outcome.EVICTED_TTL);
      assertThat(h.controller.stats().queuedRequests()).isZero();
      assertThat(h.controller.stats().queuedBytes()).isZero();
      assertThat(h.recorder.events())
          .filteredOn(e -> e.request() == expiring)
          .singleElement()
          .extracting(Recorder.Event::queueNanos)
          .isEqualTo(TimeUnit.SECONDS.toNanos(5));
      h.assertQuiet();
    }
  }

  @Test
  void deadlineIsTheEarliestOfRequestTtlDefaultTtlAndCallerDeadline() {
    try (Harness h = new Harness(1, b -> b.defaultTtl(Duration.ofSeconds(20)))) {
      h.submit(named("blocker", "x", 0));
      CompletableFuture<Admission> byDefault =
          h.submit(FlowRequest.builder(FlowKey.of("t", 0)).ttl(Duration.ofSeconds(60)).build());
      CompletableFuture<Admission> byRequest =
          h.submit(FlowRequest.builder(FlowKey.of("t", 0)).ttl(Duration.ofSeconds(10)).build());
      CompletableFuture<Admission> byCaller =
          h.controller.submit(request("t", 0), Duration.ofSeconds(3));

      h.clock.advance(Duration.ofSeconds(3));
      assertThat(failure(byCaller)).isEqualTo(Outcome.EVICTED_TTL);
      assertThat(byRequest).isNotDone();
      h.clock.advance(Duration.ofSeconds(7));
      assertThat(failure(byRequest)).isEqualTo(Outcome.EVICTED_TTL);
      assertThat(byDefault).isNotDone();
      h.clock.advance(Duration.ofSeconds(10));
      assertThat(failure(byDefault)).isEqualTo(Outcome.EVICTED_TTL);
      h.assertQuiet();
    }
  }

  @Test
  void zeroMaxWaitIsATryAcquire() {
    try (Harness h = Harness.withLimit(1)) {
      CompletableFuture<Admission> first = h.controller.submit(request("t", 0), Duration.ZERO);
      assertThat(first).as("room now: dispatched at once").isCompleted();
      CompletableFuture<Admission> second = h.controller.submit(request("t", 0), Duration.ZERO);
      h.clock.runDue();
      assertThat(failure(second))
          .as("no room now: evicted, not left waiting")
          .isEqualTo(Outcome.EVICTED_TTL);
      first.join().close();
      assertThat(h.controller.stats().queuedRequests()).isZero();
      assertThat(h.controller.stats().inFlightRequests()).isZero();
    }
  }

  @Test
  void cancellingTheFutureWithdrawsTheRequestAtOnce() {
    try (Harness h = Harness.withLimit(1)) {
      h.submit(named("blocker", "x", 0));
      FlowRequest withdrawn = named("withdrawn", "t", 0);
      CompletableFuture<Admission> future = h.submit(withdrawn);
      CompletableFuture<Admission> timedOut = h.submit(named("timed-out", "t", 0));
      h.submit(named("next", "t", 0));
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(3);

      assertThat(future.cancel(true)).isTrue();
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(2);
      assertThat(h.recorder.outcomeOf(withdrawn)).isEqualTo(Outcome.EVICTED_CANCELLED);

      // What orTimeout does when it fires (on its own thread): completing exceptionally withdraws
      // too.
      assertThat(timedOut.completeExceptionally(new java.util.concurrent.TimeoutException()))
          .isTrue();
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(1);

      assertThatThrownBy(() -> h.future(withdrawn).complete(null))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(ids(h.dispatchNext(1))).containsExactly("next");
      assertThat(h.controller.stats().count(Outcome.EVICTED_CANCELLED)).isEqualTo(2);
      h.assertQuiet();
    }
  }

  @Test
  void interruptedAcquireWithdrawsTheRequest() {
    try (Harness h = Harness.withLimit(1)) {
      h.submit(named("blocker", "x", 0));
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> h.controller.acquire(request("t", 0)))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).isFalse(); // get() consumed the interrupt
      FlowStats stats = h.controller.stats();
      assertThat(stats.queuedRequests()).isZero();
      assertThat(stats.count(Outcome.EVICTED_CANCELLED)).isEqualTo(1);
      h.assertQuiet();
    }
  }

  @Test
  void acquireReturnsAnAdmissionOrThrowsTheOutcome() throws InterruptedException {
    try (Harness h = new Harness(1, b -> b.maxRequests(1).displacement(false))) {
      try (Admission admission = h.controller.acquire(request("t", 0))) {
        assertThat(admission.request().flowKey()).isEqualTo(FlowKey.of("t", 0));
        h.submit(request("t", 0)); // queued: fills the global limit of 1
        assertThatThrownBy(() -> h.controller.acquire(request("t", 0)))
            .isInstanceOfSatisfying(
                FlowControlException.class,
                e -> assertThat(e.outcome()).isEqualTo(Outcome.REJECTED_CAPACITY));
      }
      h.assertQuiet();
    }
  }

  @Test
  void everyCapacityLimitRejectsAndNamesItself() {
    record Case(
        String limit,
        java.util.function.UnaryOperator<FlowControllerConfig.Builder> config,
        long bytes) {}
    List<Case> cases =
        List.of(
            new Case("global request limit", b -> b.maxRequests(2), 1),
            new Case("global byte limit", b -> b.maxBytes(25), 10),
            new Case(
                "band 0 request limit",
                b -> b.bands(BandConfig.builder(0).maxRequests(2).build()),
                1),
            new Case(
                "band 0 byte limit", b -> b.bands(BandConfig.builder(0).maxBytes(25).build()), 10),
            new Case(
                "flow t:0 request limit",
                b -> b.bands(BandConfig.builder(0).maxFlowRequests(2).build()),
                1),
            new Case(
                "flow t:0 byte limit",
                b -> b.bands(BandConfig.builder(0).maxFlowBytes(25).build()),
                10));
    for (Case c : cases) {
      try (Harness h = new Harness(1, b -> c.config().apply(b.displacement(false)))) {
        h.submit(named("blocker", "x", 0));
        FlowRequest sized = FlowRequest.builder(FlowKey.of("t", 0)).byteSize(c.bytes()).build();
        CompletableFuture<Admission> first = h.submit(sized);
        CompletableFuture<Admission> second =
            h.submit(FlowRequest.builder(FlowKey.of("t", 0)).byteSize(c.bytes()).build());
        CompletableFuture<Admission> third =
            h.submit(FlowRequest.builder(FlowKey.of("t", 0)).byteSize(c.bytes()).build());
        assertThat(first).as(c.limit()).isNotDone();
        assertThat(second).as(c.limit()).isNotDone();
        assertThat(failure(third)).as(c.limit()).isEqualTo(Outcome.REJECTED_CAPACITY);
        assertThat(message(third)).as(c.limit()).contains(c.limit());
        // another flow is not limited by a per-flow limit
        if (c.limit().startsWith("flow")) {
          assertThat(h.submit(FlowRequest.builder(FlowKey.of("u", 0)).byteSize(c.bytes()).build()))
              .isNotCompletedExceptionally();
        }
        h.assertQuiet();
      }
    }
  }

  @Test
  void displacementEvictsLowestBandNewestFirst() {
    try (Harness h =
        new Harness(
            1,
            b -> b.maxRequests(3).bands(BandConfig.of(10), BandConfig.of(5), BandConfig.of(0)))) {
      h.submit(named("blocker", "x", 10));
      CompletableFuture<Admission> a1 = h.submit(named("a1", "batch", 0));
      CompletableFuture<Admission> a2 = h.submit(named("a2", "batch", 0));
      CompletableFuture<Admission> b1 = h.submit(named("b1", "std", 5));

      CompletableFuture<Admission> h1 = h.submit(named("h1", "premium", 10));
      assertThat(failure(a2)).as("lowest band, newest").isEqualTo(Outcome.EVICTED_DISPLACED);
      assertThat(a1).isNotDone();
      h.submit(named("h2", "premium", 10));
      assertThat(failure(a1)).isEqualTo(Outcome.EVICTED_DISPLACED);
      h.submit(named("h3", "premium", 10));
      assertThat(failure(b1)).isEqualTo(Outcome.EVICTED_DISPLACED);

      CompletableFuture<Admission> h4 = h.submit(named("h4", "premium", 10));
      assertThat(failure(h4))
          .as("equal priority is never displaced")
          .isEqualTo(Outcome.REJECTED_CAPACITY);
      assertThat(h1).isNotDone();
      assertThat(ids(h.dispatchNext(3))).containsExactly("h1", "h2", "h3");
      assertThat(h.controller.stats().count(Outcome.EVICTED_DISPLACED)).isEqualTo(3);
      h.assertQuiet();
    }
  }

  @Test
  void displacementFreesBytesAndEvictsNothingWhenItCannotMakeRoom() {
    try (Harness h =
        new Harness(1, b -> b.maxBytes(100).bands(BandConfig.of(10), BandConfig.of(0)))) {
      h.submit(named("blocker", "x", 10));
      CompletableFuture<Admission> small =
          h.submit(FlowRequest.builder(FlowKey.of("batch", 0)).byteSize(30).build());
      CompletableFuture<Admission> mid =
          h.submit(FlowRequest.builder(FlowKey.of("std", 10)).byteSize(60).build());
      // needs 150 - 100 = 50 bytes, only 30 lower-priority bytes exist: nothing is evicted
      CompletableFuture<Admission> big =
          h.submit(FlowRequest.builder(FlowKey.of("premium", 10)).byteSize(60).build());
      assertThat(failure(big)).isEqualTo(Outcome.REJECTED_CAPACITY);
      assertThat(small).isNotDone();
      assertThat(mid).isNotDone();
      // needs 30 bytes: the 30-byte batch request makes room
      CompletableFuture<Admission> fits =
          h.submit(FlowRequest.builder(FlowKey.of("premium", 10)).byteSize(40).build());
      assertThat(fits).isNotDone();
      assertThat(failure(small)).isEqualTo(Outcome.EVICTED_DISPLACED);
      h.assertQuiet();
    }
  }

  @Test
  void displacementCanBeTurnedOff() {
    try (Harness h =
        new Harness(
            1,
            b -> b.maxRequests(1).displacement(false).bands(BandConfig.of(10), BandConfig.of(0)))) {
      h.submit(named("blocker", "x", 10));
      CompletableFuture<Admission> low = h.submit(named("low", "batch", 0));
      assertThat(failure(h.submit(named("high", "premium", 10))))
          .isEqualTo(Outcome.REJECTED_CAPACITY);
      assertThat(low).isNotDone();
      h.assertQuiet();
    }
  }

  @Test
  void sheddableRequestsAreRejectedWhileSaturatedWhenConfigured() {
    try (Harness h = new Harness(1, b -> b.rejectSheddableWhenSaturated(true))) {
      CompletableFuture<Admission> first = h.submit(request("batch", -1));
      assertThat(first).as("not saturated: sheddable work proceeds").isCompleted();
      CompletableFuture<Admission> shed = h.submit(request("batch", -1));
      assertThat(failure(shed)).isEqualTo(Outcome.REJECTED_SHED);
      assertThat(message(shed)).contains("saturated");
      assertThat(h.submit(request("std", 0))).as("non-sheddable work queues").isNotDone();
      h.assertQuiet();
    }
    try (Harness h = Harness.withLimit(1)) {
      h.submit(request("batch", -1));
      assertThat(h.submit(request("batch", -1))).as("default: sheddable work queues").isNotDone();
      h.assertQuiet();
    }
  }

  @Test
  void unconfiguredPrioritiesGetDynamicBandsFromTheirTemplates() {
    BandConfig sheddableTemplate = BandConfig.template().maxRequests(1).build();
    try (Harness h = new Harness(1, b -> b.defaultSheddableBand(sheddableTemplate))) {
      h.submit(named("blocker", "x", 0));
      h.submit(named("seven", "t", 7));
      h.submit(named("neg1", "t", -3));
      CompletableFuture<Admission> overflow = h.submit(named("neg2", "t", -3));
      assertThat(failure(overflow)).isEqualTo(Outcome.REJECTED_CAPACITY);
      assertThat(message(overflow)).contains("band -3 request limit");

      FlowStats stats = h.controller.stats();
      assertThat(stats.bands()).extracting(FlowStats.BandStats::priority).containsExactly(7, 0, -3);
      assertThat(stats.band(7).dynamic()).isTrue();
      assertThat(stats.band(0).dynamic()).isFalse();
      assertThat(h.recorder.lifecycle("bandCreated")).isEqualTo(2);
      assertThat(ids(h.dispatchNext(2))).containsExactly("seven", "neg1");
      h.assertQuiet();
    }
  }

  @Test
  void idleFlowsAndDynamicBandsAreCollectedWhileConfiguredBandsStay() {
    try (Harness h =
        new Harness(
            10,
            b -> b.flowIdleTimeout(Duration.ofMinutes(1)).bandIdleTimeout(Duration.ofMinutes(2)))) {
      h.submit(request("configured", 0)).join().close();
      h.submit(request("dynamic", 3)).join().close();
      assertThat(h.controller.stats().flow(FlowKey.of("configured", 0))).isNotNull();

      h.clock.advance(Duration.ofSeconds(59));
      assertThat(h.controller.stats().flow(FlowKey.of("configured", 0)))
          .as("idle < timeout")
          .isNotNull();
      h.clock.advance(Duration.ofSeconds(46)); // collected within 1.25 x the timeout
      FlowStats stats = h.controller.stats();
      assertThat(stats.flow(FlowKey.of("configured", 0))).isNull();
      assertThat(stats.flow(FlowKey.of("dynamic", 3))).isNull();
      assertThat(stats.band(3)).as("band not idle long enough yet").isNotNull();
      assertThat(h.recorder.lifecycle("flowCollected")).isEqualTo(2);

      h.clock.advance(Duration.ofMinutes(3));
      stats = h.controller.stats();
      assertThat(stats.band(3)).isNull();
      assertThat(stats.band(0)).as("configured bands are permanent").isNotNull();
      assertThat(stats.count(Outcome.DISPATCHED)).as("totals survive collection").isEqualTo(2);
      assertThat(stats.band(0).outcomes()).containsEntry(Outcome.DISPATCHED, 1L);

      // a collected flow is re-created on next use
      assertThat(h.submit(request("configured", 0))).isCompleted();
      assertThat(h.recorder.lifecycle("flowCreated")).isEqualTo(3);
      h.assertQuiet();
    }
  }

  @Test
  void aFlowUsedBetweenSweepsIsNotIdle() {
    // Each request dispatches on arrival and closes between two sweeps (every 15 s): no sweep ever
    // sees it held, only that another request of the flow has ended since the last sweep.
    try (Harness h = new Harness(10, b -> b.flowIdleTimeout(Duration.ofMinutes(1)))) {
      for (int i = 0; i < 20; i++) {
        h.submit(request("steady", 0)).join().close();
        h.clock.advance(Duration.ofSeconds(10));
      }
      assertThat(h.recorder.lifecycle("flowCollected")).as("used every 10 s for 200 s").isZero();
      assertThat(h.controller.stats().flow(FlowKey.of("steady", 0)).count(Outcome.DISPATCHED))
          .isEqualTo(20);

      h.clock.advance(Duration.ofSeconds(80)); // then idle for 1-1.25 min
      assertThat(h.recorder.lifecycle("flowCollected")).isEqualTo(1);
      h.assertQuiet();
    }
  }

  @Test
  void aFlowCollectedJustAsItsRequestIsGrantedIsReplacedAndTheRequestCountedOnce() {
    // The fast path leases the flow in the step that counts the dispatch, just after the detector's
    // grant. Here the collector runs in that instant (the detector lets time pass), so the lease
    // is refused and the request must be counted on the flow that replaces the collected one.
    ManualClock clock = new ManualClock();
    Recorder recorder = new Recorder();
    ConcurrencyDetector limit = ConcurrencyDetector.ofRequests(10);
    AtomicReference<Runnable> onGrant = new AtomicReference<>();
    SaturationDetector detector =
        new SaturationDetector() {
          @Override
          public double saturation() {
            return limit.saturation();
          }

          @Override
          public boolean tryDispatch(FlowRequest request, double ceiling) {
            boolean granted = limit.tryDispatch(request, ceiling);
            Runnable hook = onGrant.getAndSet(null);
            if (granted && hook != null) {
              hook.run();
            }
            return granted;
          }

          @Override
          public void onFinished(FlowRequest request) {
            limit.onFinished(request);
          }
        };
    try (FlowController controller =
        TrackedControllers.create(
            FlowControllerConfig.builder()
                .ticker(clock)
                .scheduler(clock)
                .listener(recorder)
                .saturationDetector(detector)
                .flowIdleTimeout(Duration.ofMinutes(1))
                .build())) {
      controller.submit(request("a", 0)).join().close();
      clock.advance(
          Duration.ofSeconds(74)); // idle since the first sweep (15 s): due at the 75 s one

      onGrant.set(() -> clock.advance(Duration.ofSeconds(1)));
      CompletableFuture<Admission> admitted = controller.submit(request("a", 0));

      assertThat(admitted).isCompleted();
      assertThat(recorder.lifecycle("flowCollected"))
          .as("collected between grant and lease")
          .isEqualTo(1);
      assertThat(recorder.lifecycle("flowCreated")).as("and replaced").isEqualTo(2);
      FlowStats stats = controller.stats();
      assertThat(stats.flow(FlowKey.of("a", 0)).count(Outcome.DISPATCHED)).isEqualTo(1);
      assertThat(stats.flow(FlowKey.of("a", 0)).inFlightRequests()).isEqualTo(1);
      assertThat(stats.count(Outcome.DISPATCHED)).isEqualTo(2);

      admitted.join().close();
      stats = controller.stats();
      assertThat(stats.inFlightRequests()).isZero();
      assertThat(limit.inFlightRequests()).isZero();
      assertThat(stats.count(Outcome.DISPATCHED)).isEqualTo(2);
    }
  }

  @Test
  void flowsHoldingQueuedOrInFlightWorkAreNeverCollected() {
    // Regression test for GIE #1982: a flow was collected while it still held work.
    try (Harness h =
        new Harness(
            1,
            b -> b.flowIdleTimeout(Duration.ofMinutes(1)).bandIdleTimeout(Duration.ofMinutes(1)))) {
      CompletableFuture<Admission> inFlight = h.submit(named("in-flight", "busy", 5));
      CompletableFuture<Admission> queued = h.submit(named("queued", "waiting", 5));
      assertThat(queued).isNotDone();

      h.clock.advance(Duration.ofHours(1));
      FlowStats stats = h.controller.stats();
      assertThat(stats.flow(FlowKey.of("busy", 5)).inFlightRequests()).isEqualTo(1);
      assertThat(stats.flow(FlowKey.of("waiting", 5)).queuedRequests()).isEqualTo(1);
      assertThat(stats.band(5)).isNotNull();
      assertThat(h.recorder.lifecycle("flowCollected")).isZero();

      inFlight.join().close();
      assertThat(queued).isCompleted();
      queued.join().close();
      h.clock.advance(Duration.ofMinutes(3)); // flows after 1-1.25 min idle, the band 1 min later
      assertThat(h.controller.stats().band(5)).isNull();
      assertThat(h.recorder.lifecycle("flowCollected")).isEqualTo(2);
      h.assertQuiet();
    }
  }

  @Test
  void reshardingUpAndDownLosesNothing() {
    try (Harness h = new Harness(1, b -> b.maxRequests(1000))) {
      h.submit(named("blocker", "x", 0));
      List<CompletableFuture<Admission>> all = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        all.add(h.submit(named("r" + i, "f" + (i % 6), i % 3)));
      }
      h.controller.setShardCount(4);
      assertThat(h.controller.shardCount()).isEqualTo(4);
      for (int i = 60; i < 120; i++) {
        all.add(h.submit(named("r" + i, "f" + (i % 6), i % 3)));
      }
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(120);

      h.controller.setShardCount(1);
      assertThat(h.controller.shardCount()).isEqualTo(1);
      assertThat(h.controller.stats().queuedRequests())
          .as("removed shards keep their work")
          .isEqualTo(120);
      for (int i = 120; i < 150; i++) {
        all.add(h.submit(named("r" + i, "f" + (i % 6), i % 3)));
      }
      h.drainAll();
      assertThat(all).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
      assertThat(h.controller.stats().count(Outcome.DISPATCHED)).isEqualTo(151);
      assertThat(h.controller.stats().shards()).isEqualTo(1);
      h.assertQuiet();
    }
  }

  @Test
  void limitsAreSplitAcrossShardsAndTheWholeLimitStaysUsable() {
    try (Harness h = new Harness(1, b -> b.maxRequests(3).displacement(false).shards(2))) {
      h.submit(named("blocker", "x", 0));
      List<CompletableFuture<Admission>> queued = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        queued.add(h.submit(request("t", 0)));
      }
      assertThat(queued).allMatch(f -> !f.isDone());
      assertThat(failure(h.submit(request("t", 0)))).isEqualTo(Outcome.REJECTED_CAPACITY);
      assertThat(h.controller.stats().queuedRequests()).isEqualTo(3);
      h.assertQuiet();
    }
  }

  @Test
  void shutdownEvictsQueuedWorkRejectsNewWorkAndKeepsAdmissionsValid() {
    Harness h = Harness.withLimit(1);
    CompletableFuture<Admission> running = h.submit(named("running", "t", 0));
    CompletableFuture<Admission> queued = h.submit(named("queued", "t", 0));
    h.controller.close();
    h.controller.close(); // idempotent

    assertThat(h.controller.isClosed()).isTrue();
    assertThat(failure(queued)).isEqualTo(Outcome.EVICTED_SHUTDOWN);
    assertThat(failure(h.submit(named("late", "t", 0)))).isEqualTo(Outcome.REJECTED_SHUTDOWN);
    running.join().close();
    FlowStats stats = h.controller.stats();
    assertThat(stats.inFlightRequests()).isZero();
    assertThat(stats.queuedRequests()).isZero();
    assertThat(stats.count(Outcome.DISPATCHED)).isEqualTo(1);
    assertThat(stats.count(Outcome.EVICTED_SHUTDOWN)).isEqualTo(1);
    assertThat(stats.count(Outcome.REJECTED_SHUTDOWN)).isEqualTo(1);
    assertThat(h.clock.pendingTasks()).as("no timer left behind").isZero();
  }

  @Test
  void invalidRequestsAreRejectedNamingEveryBadField() {
    try (Harness h = Harness.withLimit(1)) {
      CompletableFuture<Admission> future =
          h.submit(
              FlowRequest.builder(FlowKey.of(" ", 0))
                  .byteSize(-3)
                  .cost(0)
                  .ttl(Duration.ofSeconds(-1))
                  .build());
      assertThat(failure(future)).isEqualTo(Outcome.REJECTED_INVALID);
      assertThat(message(future))
          .contains(
              "flowKey.id: ' '",
              "byteSize: -3 (expected: >= 0)",
              "cost: 0 (expected: >= 1)",
              "ttl: PT-1S");
      assertThat(h.controller.stats().count(Outcome.REJECTED_INVALID)).isEqualTo(1);
      assertThat(h.controller.stats().bands())
          .extracting(FlowStats.BandStats::flows)
          .allMatch(Map::isEmpty);
      h.assertQuiet();
    }
  }

  @Test
  void saturationSignalWakesDispatch() {
    try (Harness h = Harness.withLimit(1)) {
      h.submit(named("blocker", "x", 0));
      CompletableFuture<Admission> waiting = h.submit(named("waiting", "t", 0));
      assertThat(waiting).isNotDone();
      h.detector.setMaxRequests(2); // raising the limit signals the controller
      assertThat(waiting).isCompleted();
      h.assertQuiet();
    }
  }

  @Test
  void listenerFailuresDoNotBreakAccounting() {
    FlowControlListener throwing =
        new FlowControlListener() {
          @Override
          public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
            throw new IllegalStateException("listener bug");
          }
        };
    try (Harness h = new Harness(1, b -> b.listener(throwing))) {
      CompletableFuture<Admission> first = h.controller.submit(request("t", 0));
      CompletableFuture<Admission> second = h.controller.submit(request("t", 0));
      first.join().close();
      assertThat(second).isCompleted();
      second.join().close();
      assertThat(h.controller.stats().count(Outcome.DISPATCHED)).isEqualTo(2);
      assertThat(h.controller.stats().inFlightRequests()).isZero();
    }
  }
}
