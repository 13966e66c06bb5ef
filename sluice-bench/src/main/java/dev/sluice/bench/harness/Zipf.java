package dev.sluice.bench.harness;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded Zipf distribution over ranks {@code 0..n-1}: {@code P(k) ∝ 1 / (k + 1)^s}. Rank 0 is the
 * hot tenant. Sampling inverts the cumulative distribution by binary search, so it is exact for any
 * {@code s > 0} (GIE uses Go's {@code rand.Zipf} with s = 1.1, v = 1).
 */
public final class Zipf {
  private final double[] cumulative;

  /** A distribution over {@code n} ranks with exponent {@code s}. */
  public Zipf(int n, double s) {
    checkArgument(n > 0 && s > 0, "n: %s, s: %s (expected: n > 0, s > 0)", n, s);
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
    cumulative[n - 1] = 1.0;
  }

  /** The probability of rank {@code k}. */
  public double probability(int k) {
    return k == 0 ? cumulative[0] : cumulative[k] - cumulative[k - 1];
  }

  /** One rank drawn with {@code random}. */
  public int sample(SplittableRandom random) {
    int at = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(at >= 0 ? at : -at - 1, cumulative.length - 1);
  }

  /** {@code count} ranks drawn from a generator seeded with {@code seed}. */
  public int[] samples(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = sample(random);
    }
    return out;
  }
}
