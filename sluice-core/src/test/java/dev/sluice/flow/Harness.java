package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A controller on a fake clock with a concurrency detector, recording every outcome, for
 * deterministic scenarios. Drives dispatch by closing admissions: with a limit of one, each close
 * dispatches exactly the next request the policies choose.
 */
final class Harness implements AutoCloseable {
  final ManualClock clock = new ManualClock();
  final ConcurrencyDetector detector;
  final Recorder recorder = new Recorder();
  final FlowController controller;
  private final Map<FlowRequest, CompletableFuture<Admission>> futures = new IdentityHashMap<>();
  private final List<Admission> open = new ArrayList<>();
  private int seen;

  Harness(long concurrency, UnaryOperator<FlowControllerConfig.Builder> configure) {
    detector = ConcurrencyDetector.ofRequests(concurrency);
    FlowControllerConfig.Builder builder =
        FlowControllerConfig.builder()
            .ticker(clock)
            .scheduler(clock)
            .listener(recorder)
            .saturationDetector(detector);
    controller = TrackedControllers.create(configure.apply(builder).build());
  }

  static Harness withLimit(long concurrency) {
    return new Harness(concurrency, b -> b);
  }

  static FlowRequest request(String flow, int priority) {
    return FlowRequest.of(FlowKey.of(flow, priority));
  }

  static FlowRequest named(String id, String flow, int priority) {
    return FlowRequest.builder(FlowKey.of(flow, priority)).id(id).build();
  }

  CompletableFuture<Admission> submit(FlowRequest request) {
    CompletableFuture<Admission> future = controller.submit(request);
    futures.put(request, future);
    collectAdmissions();
    return future;
  }

  CompletableFuture<Admission> future(FlowRequest request) {
    return futures.get(request);
  }

  /** Admissions granted and not yet closed, oldest first. */
  List<Admission> open() {
    collectAdmissions();
    return open;
  }

  /** Closes the oldest open admission; returns the requests dispatched as a result. */
  List<FlowRequest> closeOldest() {
    collectAdmissions();
    assertThat(open).as("an open admission to close").isNotEmpty();
    int before = recorder.dispatchedCount();
    open.remove(0).close();
    collectAdmissions();
    return recorder.dispatchedSince(before);
  }

  /**
   * Closes admissions one by one until {@code count} more requests were dispatched; returns them.
   */
  List<FlowRequest> dispatchNext(int count) {
    List<FlowRequest> order = new ArrayList<>();
    while (order.size() < count) {
      List<FlowRequest> next = closeOldest();
      assertThat(next).as("dispatch after close #%d", order.size()).isNotEmpty();
      order.addAll(next);
    }
    return order;
  }

  /** Closes every open admission, letting all queued work through. */
  void drainAll() {
    while (!open().isEmpty()) {
      closeOldest();
    }
  }

  private void collectAdmissions() {
    for (FlowRequest request : recorder.dispatchedSince(seen)) {
      seen++;
      CompletableFuture<Admission> future = futures.get(request);
      if (future != null) {
        open.add(future.join());
      }
    }
  }

  /** Every submitted future is done with one outcome, and all counters are back to zero. */
  void assertQuiet() {
    drainAll();
    FlowStats stats = controller.stats();
    assertThat(stats.queuedRequests()).as("queued").isZero();
    assertThat(stats.queuedBytes()).as("queued bytes").isZero();
    assertThat(stats.inFlightRequests()).as("in flight").isZero();
    assertThat(detector.inFlightRequests()).as("detector in flight").isZero();
    long ended = stats.outcomes().values().stream().mapToLong(Long::longValue).sum();
    assertThat(ended).as("outcomes counted").isEqualTo(recorder.events().size());
    assertThat(futures.values()).allMatch(CompletableFuture::isDone);
  }

  @Override
  public void close() {
    controller.close();
  }
}
