package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two flow controllers, as two gateway replicas would run them, each gated by a {@link
 * GlobalLimitDetector} over one Redis: the pool limit holds across both, and queued requests are
 * woken when capacity moves from one replica to the other.
 */
class ControllerReplicasTest {

  @Test
  void twoControllersShareOnePoolLimit() throws Exception {
    int limit = 4;
    int perReplica = 30;
    try (RedisServer redis = RedisServer.start();
        Replicas replicas = new Replicas(redis)) {
      List<FlowController> controllers = new ArrayList<>();
      List<ConcurrencyDetector> backends = new ArrayList<>();
      List<CompletableFuture<Admission>> pending = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        GlobalLimit share =
            replicas
                .start("controllers", "r" + r, false)
                .limit("pool", limit, FailurePolicy.FAIL_OPEN);
        ConcurrencyDetector backend = ConcurrencyDetector.ofRequests(100);
        backends.add(backend);
        FlowController controller =
            FlowController.create(
                FlowControllerConfig.builder()
                    .saturationDetector(GlobalLimitDetector.of(backend, share))
                    .build());
        controllers.add(controller);
        for (int i = 0; i < perReplica; i++) {
          pending.add(controller.submit(FlowRequest.of(FlowKey.of("tenant-" + i % 3))));
        }
      }

      // Admissions are held open and closed oldest first, one at a time, so that they overlap.
      ArrayDeque<Admission> open = new ArrayDeque<>();
      int total = pending.size();
      long maxInFlight = 0;
      for (int closed = 0; closed < total; closed++) {
        int wanted = Math.min(2, total - closed); // at least two overlap, while two remain
        Await.until(
            wanted + " admissions open",
            () ->
                open.size() + pending.stream().filter(CompletableFuture::isDone).count() >= wanted);
        for (Iterator<CompletableFuture<Admission>> it = pending.iterator(); it.hasNext(); ) {
          CompletableFuture<Admission> future = it.next();
          if (future.isDone()) {
            open.add(future.join());
            it.remove();
          }
        }
        maxInFlight =
            Math.max(
                maxInFlight,
                backends.get(0).inFlightRequests() + backends.get(1).inFlightRequests());
        open.remove().close();
      }

      assertThat(maxInFlight).isLessThanOrEqualTo(limit).isGreaterThan(1);
      for (FlowController controller : controllers) {
        assertThat(controller.stats().count(Outcome.DISPATCHED)).isEqualTo(perReplica);
        controller.close();
      }
    }
  }
}
