package dev.sluice.flow.saturation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SaturationDetectorTest {

  private static final FlowRequest REQUEST = FlowRequest.builder(FlowKey.of("t")).cost(30).build();

  @Test
  void concurrencyCountsRequestsAndCost() {
    ConcurrencyDetector byRequests = ConcurrencyDetector.ofRequests(4);
    byRequests.onDispatched(REQUEST);
    byRequests.onDispatched(REQUEST);
    assertThat(byRequests.saturation()).isEqualTo(0.5);
    byRequests.onFinished(REQUEST);
    assertThat(byRequests.saturation()).isEqualTo(0.25);

    ConcurrencyDetector byCost = ConcurrencyDetector.ofCost(100);
    byCost.onDispatched(REQUEST);
    byCost.onDispatched(REQUEST);
    assertThat(byCost.saturation()).isEqualTo(0.6);

    ConcurrencyDetector both = ConcurrencyDetector.of(10, 50);
    both.onDispatched(REQUEST);
    assertThat(both.saturation()).as("the tighter limit wins").isEqualTo(0.6);
  }

  private static FlowRequest costing(long cost) {
    return FlowRequest.builder(FlowKey.of("t")).cost(cost).build();
  }

  @Test
  void aCostLimitAdmitsOnlyRequestsThatFit() {
    ConcurrencyDetector detector = ConcurrencyDetector.ofCost(10);

    assertThat(detector.tryDispatch(costing(9), 1.0)).isTrue();
    assertThat(detector.tryDispatch(costing(9), 1.0)).as("9 + 9 > 10").isFalse();
    assertThat(detector.tryDispatch(costing(2), 1.0)).as("9 + 2 > 10").isFalse();
    assertThat(detector.tryDispatch(costing(1), 1.0)).as("9 + 1 fits exactly").isTrue();
    assertThat(detector.inFlightCost()).isEqualTo(10);

    detector.onFinished(costing(9));
    detector.onFinished(costing(1));
    assertThat(detector.tryDispatch(costing(5), 0.5)).as("within a ceiling of 0.5").isTrue();
    assertThat(detector.tryDispatch(costing(1), 0.5)).as("beyond a ceiling of 0.5").isFalse();
    assertThat(detector.tryDispatch(costing(1), 1.0)).isTrue();
  }

  @Test
  void aRequestLargerThanTheCostLimitRunsOnlyAlone() {
    ConcurrencyDetector detector = ConcurrencyDetector.ofCost(10);
    assertThat(detector.tryDispatch(costing(1), 1.0)).isTrue();

    assertThat(detector.tryDispatch(costing(15), 1.0)).as("something else is in flight").isFalse();
    detector.onFinished(costing(1));
    assertThat(detector.tryDispatch(costing(15), 1.0)).as("nothing in flight").isTrue();
    assertThat(detector.tryDispatch(costing(1), 1.0)).as("it runs alone").isFalse();
    detector.onFinished(costing(15));
    assertThat(detector.inFlightCost()).isZero();
    assertThat(detector.tryDispatch(costing(Long.MAX_VALUE), 1.0)).as("no overflow").isTrue();
    assertThat(detector.tryDispatch(costing(Long.MAX_VALUE), 1.0)).isFalse();
  }

  @Test
  void concurrencySignalsWhenTheLimitChanges() {
    ConcurrencyDetector detector = ConcurrencyDetector.ofRequests(1);
    AtomicInteger signals = new AtomicInteger();
    detector.addListener(signals::incrementAndGet);
    detector.onDispatched(REQUEST);
    detector.onFinished(REQUEST);
    assertThat(signals).as("closes need no signal: the controller sees them").hasValue(0);
    detector.setMaxRequests(2);
    assertThat(signals).hasValue(1);
    assertThatThrownBy(() -> ConcurrencyDetector.ofRequests(0))
        .hasMessage("maxRequests: 0 (expected: > 0)");
  }

  @Test
  void utilizationAveragesRooflineScoresAndTreatsStaleOrEmptyAsSaturated() {
    ManualClock clock = new ManualClock();
    UtilizationDetector detector = UtilizationDetector.builder(clock).build();
    assertThat(detector.saturation()).as("empty pool").isEqualTo(1.0);

    AtomicInteger signals = new AtomicInteger();
    detector.addListener(signals::incrementAndGet);
    long now = clock.read();
    detector.update(new EndpointMetrics("a", 1, 0.4, now)); // max(1/5, 0.4/0.8) = 0.5
    detector.update(new EndpointMetrics("b", 10, 0.0, now)); // max(10/5, 0)     = 2.0
    assertThat(signals).hasValue(2);
    assertThat(detector.saturation()).isCloseTo(1.25, within(1e-9));
    assertThat(detector.score("a")).isCloseTo(0.5, within(1e-9));

    clock.advance(Duration.ofMillis(200));
    assertThat(detector.isFresh("a")).as("exactly at the threshold").isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(detector.isFresh("a")).isFalse();
    assertThat(detector.saturation()).as("stale endpoints score 1.0").isEqualTo(1.0);
    assertThat(detector.availableEndpoints()).as("stale endpoints are never available").isEmpty();
  }

  @Test
  void availableEndpointsFilterByThresholdsAndFailOpenAmongFreshOnes() {
    ManualClock clock = new ManualClock();
    UtilizationDetector detector = UtilizationDetector.builder(clock).headroom(0.2).build();
    long now = clock.read();
    detector.update(new EndpointMetrics("idle", 0, 0.1, now));
    detector.update(new EndpointMetrics("queued", 5, 0.1, now)); // 5 < 5 * 1.2
    detector.update(new EndpointMetrics("full", 0, 0.97, now)); // 0.97 >= 0.8 * 1.2
    assertThat(detector.availableEndpoints()).containsExactlyInAnyOrder("idle", "queued");

    detector.remove("idle");
    detector.remove("queued");
    assertThat(detector.availableEndpoints())
        .as("all fresh ones over: fail open")
        .containsExactly("full");
  }
}
