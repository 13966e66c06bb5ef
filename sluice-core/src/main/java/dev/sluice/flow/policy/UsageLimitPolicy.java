package dev.sluice.flow.policy;

import static dev.sluice.internal.Preconditions.checkArgument;

/**
 * How far each band may push the backend: a ceiling per band as a function of saturation. A band
 * dispatches only while {@code saturation < ceiling}. Lower ceilings for lower bands hold back
 * headroom for higher ones (priority holdback).
 *
 * <p>Implementations are stateless and thread-safe; {@link #ceiling} is called on every dispatch
 * decision and must be cheap.
 */
public interface UsageLimitPolicy {

  /** The registered name, for example {@code static}. */
  String name();

  /**
   * The ceiling of one band.
   *
   * @param saturation the detector's current gradient ({@code >= 1.0} is saturated)
   * @param rank the band's rank, 0 for the highest priority
   * @param bandCount how many bands exist
   */
  double ceiling(double saturation, int rank, int bandCount);

  /** {@code static}: every band's ceiling is 1.0, so all dispatch stops at saturation. */
  static UsageLimitPolicy staticCeiling() {
    return staticCeiling(1.0);
  }

  /**
   * {@code static} with every band's ceiling at {@code threshold}.
   *
   * @throws IllegalArgumentException if {@code threshold} is not in (0, 1]
   */
  static UsageLimitPolicy staticCeiling(double threshold) {
    checkArgument(
        threshold > 0 && threshold <= 1.0, "threshold: %s (expected: in (0, 1])", threshold);
    return new UsageLimitPolicy() {
      @Override
      public String name() {
        return "static";
      }

      @Override
      public double ceiling(double saturation, int rank, int bandCount) {
        return threshold;
      }

      @Override
      public String toString() {
        return "static(" + threshold + ")";
      }
    };
  }

  /**
   * {@code priority-holdback} with ceilings from 1.0 for the highest band down to {@value
   * #DEFAULT_HOLDBACK_MIN_CEILING} for the lowest.
   */
  static UsageLimitPolicy priorityHoldback() {
    return priorityHoldback(DEFAULT_HOLDBACK_MIN_CEILING, 1.0);
  }

  /** The lowest band's ceiling in {@link #priorityHoldback()}: {@value}. */
  double DEFAULT_HOLDBACK_MIN_CEILING = 0.5;

  /**
   * {@code priority-holdback}: ceilings fall linearly by rank from {@code maxCeiling} (highest
   * band) to {@code minCeiling} (lowest band), so lower bands stop dispatching earlier and leave
   * headroom to higher ones. With one band its ceiling is {@code maxCeiling}.
   *
   * @throws IllegalArgumentException unless {@code 0 < minCeiling <= maxCeiling <= 1}
   */
  static UsageLimitPolicy priorityHoldback(double minCeiling, double maxCeiling) {
    checkArgument(
        minCeiling > 0 && minCeiling <= maxCeiling && maxCeiling <= 1.0,
        "minCeiling: %s, maxCeiling: %s (expected: 0 < minCeiling <= maxCeiling <= 1)",
        minCeiling,
        maxCeiling);
    return new UsageLimitPolicy() {
      @Override
      public String name() {
        return "priority-holdback";
      }

      @Override
      public double ceiling(double saturation, int rank, int bandCount) {
        if (bandCount <= 1) {
          return maxCeiling;
        }
        return maxCeiling - (maxCeiling - minCeiling) * rank / (bandCount - 1);
      }

      @Override
      public String toString() {
        return "priority-holdback(" + minCeiling + ".." + maxCeiling + ")";
      }
    };
  }

  /**
   * The built-in policy called {@code name} with default parameters: {@code static} or {@code
   * priority-holdback}.
   *
   * @throws IllegalArgumentException naming the known policies if there is none by that name
   */
  static UsageLimitPolicy named(String name) {
    switch (name) {
      case "static":
        return staticCeiling();
      case "priority-holdback":
        return priorityHoldback();
      default:
        throw new IllegalArgumentException(
            "usageLimit: '" + name + "' (expected: one of static, priority-holdback)");
    }
  }
}
