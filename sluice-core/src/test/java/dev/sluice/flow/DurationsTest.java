package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Conversions saturate instead of overflowing, so a huge wait or TTL means "no deadline". */
class DurationsTest {

  @Test
  void nanosSaturateAtBothEnds() {
    assertThat(Durations.saturatedNanos(Duration.ofMillis(3))).isEqualTo(3_000_000L);
    assertThat(Durations.saturatedNanos(Duration.ofDays(365L * 1000))).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.saturatedNanos(Duration.ofDays(-365L * 1000))).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void additionSaturatesOnOverflowOnly() {
    assertThat(Durations.saturatedAdd(5, 7)).isEqualTo(12);
    assertThat(Durations.saturatedAdd(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.saturatedAdd(Long.MAX_VALUE - 1, 2)).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.saturatedAdd(1_000, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.saturatedAdd(-5, 3)).isEqualTo(-2);
  }

  @Test
  void callerDeadlineIsNeverWithoutAWait() {
    assertThat(Durations.callerDeadline(100, -1)).isEqualTo(Durations.NEVER);
    assertThat(Durations.callerDeadline(100, 0)).isEqualTo(100);
    assertThat(Durations.callerDeadline(100, 50)).isEqualTo(150);
    assertThat(Durations.callerDeadline(100, Long.MAX_VALUE)).isEqualTo(Durations.NEVER);
  }

  @Test
  void callerDeadlineReadsTheClockOnlyForAWait() {
    AtomicInteger reads = new AtomicInteger();
    Ticker ticker =
        () -> {
          reads.incrementAndGet();
          return 100;
        };
    assertThat(Durations.callerDeadline(ticker, -1)).isEqualTo(Durations.NEVER);
    assertThat(reads).as("no wait: no clock read on the submit path").hasValue(0);
    assertThat(Durations.callerDeadline(ticker, 50)).isEqualTo(150);
    assertThat(reads).hasValue(1);
  }

  @Test
  void effectiveDeadlineIsTheEarliestBound() {
    long now = 1_000;
    assertThat(Durations.effectiveDeadline(Durations.NEVER, now, null, 0))
        .as("no bound at all")
        .isEqualTo(Durations.NEVER);
    assertThat(Durations.effectiveDeadline(5_000, now, Duration.ofNanos(100), 0))
        .as("the request's TTL")
        .isEqualTo(1_100);
    assertThat(Durations.effectiveDeadline(5_000, now, Duration.ofNanos(100), 50))
        .as("the default TTL")
        .isEqualTo(1_050);
    assertThat(Durations.effectiveDeadline(1_010, now, Duration.ofNanos(100), 50))
        .as("the caller's wait")
        .isEqualTo(1_010);
    assertThat(Durations.effectiveDeadline(Durations.NEVER, now, Duration.ofDays(365L * 1000), 0))
        .as("a TTL too long for nanos")
        .isEqualTo(Durations.NEVER);
  }
}
