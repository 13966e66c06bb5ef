package dev.sluice.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.SaturationDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link SaturationDetector} that counts its own in-flight work, as an abstract
 * JUnit 5 suite: extend it and supply a fresh, idle {@link #detector()} that admits exactly {@link
 * #capacity()} requests of {@link #request()} at once.
 *
 * <ul>
 *   <li>{@link SaturationDetector#tryDispatch} is one atomic step: threads racing on it never hold
 *       more than the capacity at once, and it admits nothing at or above the ceiling;
 *   <li>finishing is symmetric: each {@link SaturationDetector#onFinished} gives back what its
 *       dispatch took, so the detector returns to idle and admits the full capacity again.
 * </ul>
 *
 * <p>A detector fed from outside (metrics) counts nothing itself; this suite is not for it.
 */
public abstract class SaturationDetectorConformance {
  private static final int THREADS = 4;
  private static final int ATTEMPTS_PER_THREAD = 5_000;

  /** A new detector, idle. */
  protected abstract SaturationDetector detector();

  /** How many {@link #request()}s the detector admits at once from idle; at least 1. */
  protected abstract int capacity();

  /** The request every test dispatches; a cost-1, 1-byte request by default. */
  protected FlowRequest request() {
    return FlowRequest.builder(FlowKey.of("conformance")).cost(1).byteSize(1).build();
  }

  @Test
  void admitsExactlyTheCapacityFromIdleThenNothing() {
    SaturationDetector detector = detector();
    FlowRequest request = request();
    double idle = detector.saturation();
    assertThat(idle).as("an idle detector's saturation").isLessThan(1.0);
    for (int i = 0; i < capacity(); i++) {
      assertThat(detector.tryDispatch(request, 1.0))
          .as("dispatch %d of %d", i + 1, capacity())
          .isTrue();
    }
    assertThat(detector.tryDispatch(request, 1.0)).as("one past the capacity").isFalse();
    assertThat(detector.saturation()).as("saturation at capacity").isGreaterThan(idle);
  }

  @Test
  void finishingGivesBackWhatDispatchingTook() {
    SaturationDetector detector = detector();
    FlowRequest request = request();
    double idle = detector.saturation();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < capacity(); i++) {
        assertThat(detector.tryDispatch(request, 1.0))
            .as("round %d dispatch %d", round, i)
            .isTrue();
      }
      for (int i = 0; i < capacity(); i++) {
        detector.onFinished(request);
      }
      assertThat(detector.saturation()).as("back to idle after round %d", round).isEqualTo(idle);
    }
  }

  @Test
  void admitsNothingAtOrAboveTheCeiling() {
    SaturationDetector detector = detector();
    FlowRequest request = request();
    assertThat(detector.tryDispatch(request, detector.saturation()))
        .as("a ceiling equal to the current saturation")
        .isFalse();
    assertThat(detector.tryDispatch(request, 0.0)).as("a ceiling of zero").isFalse();
    assertThat(detector.tryDispatch(request, 1.0)).as("the detector still admits").isTrue();
  }

  @Test
  void racingDispatchersNeverHoldMoreThanTheCapacity() throws Exception {
    SaturationDetector detector = detector();
    FlowRequest request = request();
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHeld = new AtomicInteger();
    AtomicLong admitted = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            threads.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < ATTEMPTS_PER_THREAD; i++) {
                    if (detector.tryDispatch(request, 1.0)) {
                      mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
                      admitted.incrementAndGet();
                      holding.decrementAndGet();
                      detector.onFinished(request);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(mostHeld.get()).as("most held at once").isBetween(1, capacity());
    assertThat(admitted.get()).as("admitted").isPositive();
    for (int i = 0; i < capacity(); i++) {
      assertThat(detector.tryDispatch(request, 1.0)).as("full capacity after the race").isTrue();
    }
    assertThat(detector.tryDispatch(request, 1.0)).as("one past it").isFalse();
  }
}
