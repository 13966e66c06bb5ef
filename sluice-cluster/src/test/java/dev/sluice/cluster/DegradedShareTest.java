package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DegradedShareTest {

  @Test
  void movesLinearlyFromTheLastShareToTheFairShare() {
    assertThat(DegradedShare.of(12, 3, 8, 0, 100)).isEqualTo(8);
    assertThat(DegradedShare.of(12, 3, 8, 50, 100)).isEqualTo(6);
    assertThat(DegradedShare.of(12, 3, 8, 100, 100)).isEqualTo(4);
    assertThat(DegradedShare.of(12, 3, 8, 1_000, 100)).isEqualTo(4);
    assertThat(DegradedShare.of(12, 3, 0, 50, 100)).isEqualTo(2);
  }

  @Test
  void roundsDownSoThatSharesNeverSumAboveTheLimit() {
    // Three replicas held 5 + 5 + 0 of 10; fair share 3 each. Every step sums to at most 10.
    for (long elapsed = 0; elapsed <= 100; elapsed += 7) {
      long sum =
          2 * DegradedShare.of(10, 3, 5, elapsed, 100) + DegradedShare.of(10, 3, 0, elapsed, 100);
      assertThat(sum).as("at %s", elapsed).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void neverBelowOneSoThatFailOpenNeverStalls() {
    assertThat(DegradedShare.of(2, 5, 0, 100, 100)).isEqualTo(1);
    assertThat(DegradedShare.of(2, 0, 0, 100, 100)).isEqualTo(2);
  }
}
