package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link StarvationClock}: one open interval per party, closed and open time both counted. */
class StarvationClockTest {

  private final ManualClock clock = new ManualClock();
  private final StarvationClock starvation = new StarvationClock(clock);

  @Test
  void aSecondStartWhileOpenNeitherCountsNorRestartsTheInterval() {
    starvation.start("a");
    clock.advance(Duration.ofSeconds(1));
    starvation.start("a");
    clock.advance(Duration.ofSeconds(1));
    starvation.end("a");

    assertThat(starvation.intervals()).isEqualTo(1);
    assertThat(starvation.starvedNanos(clock.read())).isEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void openIntervalsCountUpToNowAndClosedOnesStayCounted() {
    starvation.start("a");
    starvation.start("b");
    clock.advance(Duration.ofSeconds(3));
    starvation.end("a");
    clock.advance(Duration.ofSeconds(2));

    // a: 3 s closed; b: 5 s and still open.
    assertThat(starvation.intervals()).isEqualTo(2);
    assertThat(starvation.starvedNanos(clock.read())).isEqualTo(Duration.ofSeconds(8).toNanos());
    clock.advance(Duration.ofSeconds(1));
    assertThat(starvation.starvedNanos(clock.read())).isEqualTo(Duration.ofSeconds(9).toNanos());
  }

  @Test
  void endingWithoutAnOpenIntervalChangesNothing() {
    starvation.end("a");
    starvation.start("a");
    starvation.end("a");
    clock.advance(Duration.ofSeconds(1));
    starvation.end("a");

    assertThat(starvation.intervals()).isEqualTo(1);
    assertThat(starvation.starvedNanos(clock.read())).isZero();
    starvation.start("a"); // a new interval once the last one closed
    assertThat(starvation.intervals()).isEqualTo(2);
  }
}
