package dev.sluice.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.policy.UsageLimitPolicy;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link UsageLimitPolicy}, as an abstract JUnit 5 suite: extend it and supply
 * the {@link #policy()} under test. Checked over band counts 1 to 8 and saturations from idle to
 * deep overload:
 *
 * <ul>
 *   <li>it has a name;
 *   <li>every ceiling is a positive number (a band whose ceiling is not above 0 could never
 *       dispatch, even on an idle backend);
 *   <li>a higher band's ceiling is never below a lower band's: holding back headroom never inverts
 *       priority;
 *   <li>the ceiling is a function of its arguments: asked again, it answers the same (it is called
 *       on every dispatch decision, from any thread).
 * </ul>
 */
public abstract class UsageLimitPolicyConformance {
  private static final double[] SATURATIONS = {0.0, 0.25, 0.5, 0.75, 0.99, 1.0, 1.5, 10.0};

  /** The policy under test; called once per test. */
  protected abstract UsageLimitPolicy policy();

  @Test
  void hasAName() {
    assertThat(policy().name()).isNotBlank();
  }

  @Test
  void everyCeilingIsPositive() {
    UsageLimitPolicy policy = policy();
    for (int bands = 1; bands <= 8; bands++) {
      for (int rank = 0; rank < bands; rank++) {
        for (double saturation : SATURATIONS) {
          assertThat(policy.ceiling(saturation, rank, bands))
              .as("%s: rank %d of %d at saturation %s", policy, rank, bands, saturation)
              .isPositive()
              .isNotNaN();
        }
      }
    }
  }

  @Test
  void aHigherBandIsNeverHeldBelowALowerOne() {
    UsageLimitPolicy policy = policy();
    for (int bands = 2; bands <= 8; bands++) {
      for (double saturation : SATURATIONS) {
        for (int rank = 1; rank < bands; rank++) {
          assertThat(policy.ceiling(saturation, rank - 1, bands))
              .as(
                  "%s: rank %d vs %d of %d at saturation %s",
                  policy, rank - 1, rank, bands, saturation)
              .isGreaterThanOrEqualTo(policy.ceiling(saturation, rank, bands));
        }
      }
    }
  }

  @Test
  void answersTheSameWhenAskedAgain() {
    UsageLimitPolicy policy = policy();
    for (int bands = 1; bands <= 8; bands++) {
      for (int rank = 0; rank < bands; rank++) {
        for (double saturation : SATURATIONS) {
          double first = policy.ceiling(saturation, rank, bands);
          assertThat(policy.ceiling(saturation, rank, bands))
              .as(
                  "%s: rank %d of %d at saturation %s, asked again",
                  policy, rank, bands, saturation)
              .isEqualTo(first);
        }
      }
    }
  }
}
