package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The producer grant under the per-producer cap, the consumer lease cap, and starvation on a fake
 * clock.
 */
class GrantAndLeaseTest {

  private final ManualClock clock = new ManualClock();

  private BackpressureController controller(BackpressureConfig.Builder builder) {
    return BackpressureController.create(builder.ticker(clock).build());
  }

  @Test
  void perProducerCapOfFourWithOneInFlightGrantsThreeThenNothing() {
    BackpressureController bp = controller(BackpressureConfig.builder().maxInFlightPerProducer(4));
    assertThat(bp.grant("w0", 1).granted()).isEqualTo(1);

    assertThat(bp.grant("w0", 3)).isEqualTo(new Grant(3, false));
    assertThat(bp.grant("w0", 3)).isEqualTo(new Grant(0, false));
    assertThat(bp.grant("w0", 3).isEmpty()).isTrue();
    assertThat(bp.inFlight("w0")).isEqualTo(4);
    // The cap is per producer: another one gets its own four.
    assertThat(bp.grant("w1", 10).granted()).isEqualTo(4);
    // Releasing makes room again, exactly as much as released.
    bp.release("w0", 2);
    assertThat(bp.grant("w0", 3).granted()).isEqualTo(2);
    assertThat(bp.stats().inFlight()).isEqualTo(8);
    assertThat(bp.stats().producerStarvations()).isZero(); // capped is not starved
  }

  @Test
  void specForgeCapValues() {
    BackpressureController bp = controller(BackpressureConfig.builder().maxInFlightPerProducer(4));
    bp.grant("w", 4);
    assertThat(bp.grant("w", 10).granted()).isZero(); // (4 in flight, 10) -> 0
    bp.release("w", 3);
    assertThat(bp.grant("w", 10).granted()).isEqualTo(3); // (1 in flight, 10) -> 3
  }

  @Test
  void leaseCapOfTwoTurnsTenIntoTwoAndLeavesSmallerRequests() {
    BackpressureController bp = controller(BackpressureConfig.builder().maxLeasePerCall(2));

    assertThat(bp.leaseLimit(10)).isEqualTo(2);
    assertThat(bp.leaseLimit(1)).isEqualTo(1);
    assertThat(bp.leaseLimit(0)).isZero();
    assertThatThrownBy(() -> bp.leaseLimit(-1)).hasMessage("requested: -1 (expected: >= 0)");
  }

  @Test
  void withNoPolicyConfiguredEverythingAskedIsGranted() {
    BackpressureController bp = controller(BackpressureConfig.builder());

    assertThat(bp.grant("w", 5)).isEqualTo(new Grant(5, false));
    assertThat(bp.grant("w", Integer.MAX_VALUE).granted()).isEqualTo(Integer.MAX_VALUE);
    assertThat(bp.leaseLimit(1_000)).isEqualTo(1_000);
    assertThat(bp.awaitResume()).isCompleted();
    assertThat(bp.stats().paused()).isFalse();
    assertThat(bp.stats().producerStarvations()).isZero();
  }

  @Test
  void aPausedProducerGetsNothingAndIsCountedAsStarvedOncePerInterval() {
    BackpressureController bp =
        controller(BackpressureConfig.builder().watermark("bytes", 50, 100));
    bp.update("bytes", 100);

    assertThat(bp.grant("w", 5)).isEqualTo(new Grant(0, true));
    assertThat(bp.stats().producerStarvations()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(bp.grant("w", 5).paused())
        .isTrue(); // polling again does not start a second interval
    assertThat(bp.grant("w", 0).paused()).isTrue();
    assertThat(bp.stats().producerStarvations()).isEqualTo(1);
    assertThat(bp.stats().producerStarvedTime())
        .isEqualTo(Duration.ofSeconds(1)); // open interval counted

    bp.update("bytes", 10);
    clock.advance(Duration.ofSeconds(2));
    // The interval ends at the next grant, not at the resume.
    assertThat(bp.stats().producerStarvedTime()).isEqualTo(Duration.ofSeconds(3));
    assertThat(bp.grant("w", 5).granted()).isEqualTo(5);
    clock.advance(Duration.ofSeconds(10));
    assertThat(bp.stats().producerStarvedTime()).isEqualTo(Duration.ofSeconds(3));
    assertThat(bp.stats().inFlight()).isEqualTo(5);
  }

  @Test
  void askingForNothingWhilePausedIsNotStarvation() {
    BackpressureController bp =
        controller(BackpressureConfig.builder().watermark("bytes", 50, 100));
    bp.update("bytes", 100);

    assertThat(bp.grant("w", 0)).isEqualTo(new Grant(0, true));
    clock.advance(Duration.ofSeconds(1));
    assertThat(bp.stats().producerStarvations()).isZero();
    assertThat(bp.stats().producerStarvedTime()).isZero();
  }

  @Test
  void starvationTimeIsSummedOverProducers() {
    BackpressureController bp =
        controller(BackpressureConfig.builder().watermark("bytes", 50, 100));
    bp.update("bytes", 100);
    bp.grant("a", 1);
    clock.advance(Duration.ofSeconds(1));
    bp.grant("b", 1);
    clock.advance(Duration.ofSeconds(1));
    bp.update("bytes", 0);
    bp.grant("a", 1);
    bp.grant("b", 1);

    assertThat(bp.stats().producerStarvations()).isEqualTo(2);
    assertThat(bp.stats().producerStarvedTime()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void consumerStarvationRunsFromAnEmptyLeaseToTheNextNonEmptyOne() {
    BackpressureController bp = controller(BackpressureConfig.builder());

    bp.recordLease("trainer", 2);
    assertThat(bp.stats().consumerStarvations()).isZero();
    bp.recordLease("trainer", 0);
    clock.advance(Duration.ofMillis(300));
    bp.recordLease("trainer", 0); // five empty polls are one interval, not five
    bp.recordLease("trainer", 0);
    clock.advance(Duration.ofMillis(200));
    assertThat(bp.stats().consumerStarvedTime()).isEqualTo(Duration.ofMillis(500));
    bp.recordLease("trainer", 1);
    clock.advance(Duration.ofSeconds(5));
    bp.recordLease("trainer", 0);
    clock.advance(Duration.ofMillis(100));

    BackpressureStats stats = bp.stats();
    assertThat(stats.consumerStarvations()).isEqualTo(2);
    assertThat(stats.consumerStarvedTime()).isEqualTo(Duration.ofMillis(600));
    assertThat(stats.producerStarvations()).isZero(); // counted separately
    assertThatThrownBy(() -> bp.recordLease("trainer", -1))
        .hasMessage("received: -1 (expected: >= 0)");
  }

  @Test
  void releaseChecksItsCount() {
    BackpressureController bp = controller(BackpressureConfig.builder());
    bp.grant("w", 2);

    assertThatThrownBy(() -> bp.release("w", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count: 3 (expected: 0 to 2, the items in flight for producer w)");
    assertThatThrownBy(() -> bp.release("w", -1))
        .hasMessageStartingWith("count: -1 (expected: 0 to 2");
    assertThatThrownBy(() -> bp.release("other", 1))
        .hasMessageStartingWith("count: 1 (expected: 0 to 0");
    bp.release("other", 0);
    bp.release("w", 2);
    assertThat(bp.inFlight("w")).isZero();
    assertThat(bp.stats().inFlight()).isZero();
    assertThatThrownBy(() -> bp.grant("w", -1)).hasMessage("requested: -1 (expected: >= 0)");
  }

  @Test
  void aForgottenProducerReturnsItsItemsAndStopsStarving() {
    BackpressureController bp =
        controller(
            BackpressureConfig.builder().watermark("bytes", 50, 100).maxInFlightPerProducer(4));
    bp.grant("crashed", 3);
    bp.update("bytes", 100);
    bp.grant("crashed", 1); // starts starving, then dies
    clock.advance(Duration.ofSeconds(2));

    assertThat(bp.forgetProducer("crashed")).isEqualTo(3);
    clock.advance(Duration.ofSeconds(5));

    BackpressureStats stats = bp.stats();
    assertThat(stats.inFlight()).isZero();
    assertThat(stats.producerStarvedTime()).isEqualTo(Duration.ofSeconds(2));
    assertThat(bp.forgetProducer("crashed")).isZero();
    bp.update("bytes", 0);
    assertThat(bp.grant("crashed", 10).granted())
        .isEqualTo(4); // a new producer by that name starts afresh
  }

  @Test
  void aForgottenConsumerStopsStarving() {
    BackpressureController bp = controller(BackpressureConfig.builder());
    bp.recordLease("trainer", 0);
    clock.advance(Duration.ofSeconds(1));

    bp.forgetConsumer("trainer");
    bp.forgetConsumer("never-seen");
    clock.advance(Duration.ofSeconds(9));

    assertThat(bp.stats().consumerStarvations()).isEqualTo(1);
    assertThat(bp.stats().consumerStarvedTime()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void timePausedIncludesTheCurrentPause() {
    BackpressureController bp =
        controller(BackpressureConfig.builder().watermark("bytes", 50, 100));
    clock.advance(Duration.ofSeconds(1));
    bp.update("bytes", 100);
    clock.advance(Duration.ofSeconds(2));
    assertThat(bp.stats().timePaused()).isEqualTo(Duration.ofSeconds(2));
    bp.update("bytes", 50);
    clock.advance(Duration.ofSeconds(4));
    bp.update("bytes", 200);
    clock.advance(Duration.ofSeconds(3));

    BackpressureStats stats = bp.stats();
    assertThat(stats.timePaused()).isEqualTo(Duration.ofSeconds(5));
    assertThat(stats.paused()).isTrue();
    assertThat(stats.pauses()).isEqualTo(2);
    assertThat(stats.resumes()).isEqualTo(1);
  }
}
