package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GlobalLimitDetectorTest {
  private final FlowRequest request = FlowRequest.of(FlowKey.of("tenant"));

  @Test
  void dispatchesOnlyWithinBothTheShareAndTheLocalDetector() {
    ConcurrencyDetector local = ConcurrencyDetector.ofRequests(3);
    GlobalLimit limit = ClusterCoordinator.local().limit("pool", 2, FailurePolicy.FAIL_OPEN);
    GlobalLimitDetector detector = GlobalLimitDetector.of(local, limit);
    assertThat(detector.limit()).isSameAs(limit);

    assertThat(detector.tryDispatch(request, 1.0)).isTrue();
    assertThat(detector.saturation()).isEqualTo(0.5); // the global view, above the local 1/3
    assertThat(detector.tryDispatch(request, 1.0)).isTrue();
    assertThat(detector.tryDispatch(request, 1.0)).isFalse();
    assertThat(local.inFlightRequests()).isEqualTo(2);

    detector.onFinished(request);
    assertThat(limit.inUse()).isEqualTo(1);
    assertThat(local.inFlightRequests()).isEqualTo(1);
    assertThat(detector.holdsFor(request)).isFalse();
  }

  @Test
  void aLocalRefusalGivesTheUnitBack() {
    ConcurrencyDetector local = ConcurrencyDetector.ofRequests(1);
    GlobalLimit limit = ClusterCoordinator.local().limit("pool", 5, FailurePolicy.FAIL_OPEN);
    GlobalLimitDetector detector = GlobalLimitDetector.of(local, limit);
    assertThat(detector.tryDispatch(request, 1.0)).isTrue();
    assertThat(detector.tryDispatch(request, 1.0)).isFalse();
    assertThat(limit.inUse()).isEqualTo(1);
    assertThat(detector.saturation()).isEqualTo(1.0);
    assertThat(detector).hasToString("global(pool of 5, concurrency(maxRequests=1, maxCost=0))");
  }

  @Test
  void listenersHearBothTheLocalDetectorAndTheShare() {
    ConcurrencyDetector local = ConcurrencyDetector.ofRequests(1);
    CreditLimit limit = new CreditLimit("pool", 5, FailurePolicy.FAIL_OPEN, 1, () -> {}, () -> {});
    AtomicInteger woken = new AtomicInteger();
    GlobalLimitDetector.of(local, limit).addListener(woken::incrementAndGet);
    local.setMaxRequests(2);
    limit.update(2, 0);
    assertThat(woken).hasValue(2);
  }
}
