package dev.sluice.lab;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.Arrays;

/** The measures of the lab: Jain's fairness index, share error and percentiles. */
public final class Fairness {
  private Fairness() {}

  /**
   * Jain's fairness index of {@code x}: {@code (Σx)² / (n · Σx²)}. 1 when all are equal, {@code
   * 1/n} when one takes everything. Pass shares divided by their targets to judge weighted shares.
   *
   * @throws IllegalArgumentException if {@code x} is empty or a value is negative
   */
  public static double jain(double... x) {
    checkArgument(x.length > 0, "x: empty (expected: at least one value)");
    double sum = 0;
    double squares = 0;
    for (double v : x) {
      checkArgument(v >= 0, "x: %s (expected: values >= 0)", Arrays.toString(x));
      sum += v;
      squares += v * v;
    }
    return squares == 0 ? 1.0 : sum * sum / (x.length * squares);
  }

  /**
   * The relative error of {@code share} against {@code target}: {@code |share - target| / target}.
   */
  public static double shareError(double share, double target) {
    return Math.abs(share - target) / target;
  }

  /** The nearest-rank percentile {@code p} (0 to 100) of {@code sorted}; 0 if it is empty. */
  public static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
