package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UsageLimitPolicyTest {

  private static final double[] SATURATIONS = {0.0, 0.3, 0.999, 1.0, 7.5};

  @Test
  void staticCeilingIsTheSameForEveryBandAndSaturation() {
    UsageLimitPolicy atOne = UsageLimitPolicy.staticCeiling();
    UsageLimitPolicy atFourFifths = UsageLimitPolicy.staticCeiling(0.8);

    assertThat(atOne.name()).isEqualTo("static");
    assertThat(atFourFifths.name()).isEqualTo("static");
    for (double saturation : SATURATIONS) {
      for (int bandCount = 1; bandCount <= 6; bandCount++) {
        for (int rank = 0; rank < bandCount; rank++) {
          assertThat(atOne.ceiling(saturation, rank, bandCount)).isEqualTo(1.0);
          assertThat(atFourFifths.ceiling(saturation, rank, bandCount)).isEqualTo(0.8);
        }
      }
    }
    assertThat(UsageLimitPolicy.staticCeiling(1.0).ceiling(0.5, 0, 1))
        .as("1 is allowed")
        .isEqualTo(1.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.1, 1.0000001, Double.NaN, Double.POSITIVE_INFINITY})
  void staticCeilingRejectsThresholdsOutsideZeroToOne(double threshold) {
    assertThatThrownBy(() -> UsageLimitPolicy.staticCeiling(threshold))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold: " + threshold + " (expected: in (0, 1])");
  }

  @Test
  void priorityHoldbackFallsLinearlyByRankFromOneToTheDefaultMinimum() {
    UsageLimitPolicy holdback = UsageLimitPolicy.priorityHoldback();

    assertThat(holdback.name()).isEqualTo("priority-holdback");
    for (double saturation : SATURATIONS) {
      assertThat(holdback.ceiling(saturation, 0, 5)).isEqualTo(1.0);
      assertThat(holdback.ceiling(saturation, 1, 5)).isCloseTo(0.875, within(1e-12));
      assertThat(holdback.ceiling(saturation, 2, 5)).isCloseTo(0.75, within(1e-12));
      assertThat(holdback.ceiling(saturation, 3, 5)).isCloseTo(0.625, within(1e-12));
      assertThat(holdback.ceiling(saturation, 4, 5))
          .isCloseTo(UsageLimitPolicy.DEFAULT_HOLDBACK_MIN_CEILING, within(1e-12));
      assertThat(holdback.ceiling(saturation, 0, 1)).as("a single band").isEqualTo(1.0);
    }
  }

  @Test
  void priorityHoldbackSpansItsRangeInEqualSteps() {
    UsageLimitPolicy holdback = UsageLimitPolicy.priorityHoldback(0.2, 0.9);

    for (int bandCount = 2; bandCount <= 9; bandCount++) {
      double step = (0.9 - 0.2) / (bandCount - 1);
      for (int rank = 0; rank < bandCount; rank++) {
        assertThat(holdback.ceiling(0.5, rank, bandCount))
            .as("rank %d of %d bands", rank, bandCount)
            .isCloseTo(0.9 - step * rank, within(1e-12));
      }
      assertThat(holdback.ceiling(0.5, bandCount - 1, bandCount)).isCloseTo(0.2, within(1e-12));
    }
    assertThat(holdback.ceiling(0.5, 0, 1)).as("a single band").isEqualTo(0.9);
    assertThat(UsageLimitPolicy.priorityHoldback(1.0, 1.0).ceiling(0.5, 3, 4))
        .as("a flat range")
        .isEqualTo(1.0);
  }

  @ParameterizedTest
  @CsvSource({"0.0, 1.0", "-0.5, 1.0", "0.6, 0.5", "0.5, 1.1", "NaN, 1.0", "0.5, NaN"})
  void priorityHoldbackRejectsAnInvertedOrOutOfRangeSpan(double minCeiling, double maxCeiling) {
    assertThatThrownBy(() -> UsageLimitPolicy.priorityHoldback(minCeiling, maxCeiling))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "minCeiling: "
                + minCeiling
                + ", maxCeiling: "
                + maxCeiling
                + " (expected: 0 < minCeiling <= maxCeiling <= 1)");
  }

  @Test
  void findsEachBuiltInByName() {
    assertThat(UsageLimitPolicy.named("static").ceiling(0.5, 2, 3)).isEqualTo(1.0);
    UsageLimitPolicy holdback = UsageLimitPolicy.named("priority-holdback");
    assertThat(holdback.name()).isEqualTo("priority-holdback");
    assertThat(holdback.ceiling(0.5, 2, 3))
        .isCloseTo(UsageLimitPolicy.DEFAULT_HOLDBACK_MIN_CEILING, within(1e-12));
    assertThatThrownBy(() -> UsageLimitPolicy.named("adaptive"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'adaptive'", "static", "priority-holdback");
  }
}
