package dev.sluice.cluster;

import dev.sluice.flow.Admission;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A controller with one slot, held by a blocker while flows queue; then the order in which the
 * queued requests dispatch, one at a time.
 */
final class DispatchOrder implements AutoCloseable {
  private final FlowController controller;
  private final Admission blocker;
  private final Map<CompletableFuture<Admission>, String> queued = new LinkedHashMap<>();

  DispatchOrder(FairnessPolicy fairness) {
    controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .saturationDetector(ConcurrencyDetector.ofRequests(1))
                .bands(BandConfig.builder(0).fairness(fairness).build())
                .build());
    blocker = controller.submit(FlowRequest.of(FlowKey.of("blocker"))).join();
  }

  /** Queues {@code count} requests of cost 1 for {@code flow}. */
  DispatchOrder queue(String flow, int count) {
    for (int i = 0; i < count; i++) {
      queued.put(controller.submit(FlowRequest.builder(FlowKey.of(flow)).cost(1).build()), flow);
    }
    return this;
  }

  /** Releases the blocker and returns the flows in dispatch order. */
  List<String> drain() {
    blocker.close();
    List<String> order = new ArrayList<>();
    while (!queued.isEmpty()) {
      Await.until("the next dispatch", () -> queued.keySet().stream().anyMatch(f -> f.isDone()));
      CompletableFuture<Admission> done =
          queued.keySet().stream().filter(CompletableFuture::isDone).findFirst().orElseThrow();
      order.add(queued.remove(done));
      done.join().close();
    }
    return order;
  }

  @Override
  public void close() {
    controller.close();
  }
}
