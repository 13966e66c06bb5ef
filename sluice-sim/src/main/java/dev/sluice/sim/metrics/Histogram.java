package dev.sluice.sim.metrics;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A cumulative Prometheus histogram of values in seconds with fixed upper bounds. Thread-safe;
 * {@link #snapshot()} returns a consistent copy.
 */
public final class Histogram {

  /** vLLM's {@code vllm:time_to_first_token_seconds} buckets. */
  public static final double[] TTFT_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    20.0, 40.0, 80.0, 160.0, 640.0, 2560.0
  };

  /** vLLM's {@code vllm:inter_token_latency_seconds} buckets. */
  public static final double[] ITL_BUCKETS = {
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
    40.0, 80.0
  };

  /** vLLM's end-to-end and queue-time buckets. */
  public static final double[] REQUEST_BUCKETS = {
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
    480.0, 960.0, 1920.0, 7680.0
  };

  private final double[] upperBounds;
  private final long[] counts;
  private double sum;
  private long count;

  /**
   * @param upperBounds strictly increasing finite bucket bounds; {@code +Inf} is implied
   */
  public Histogram(double[] upperBounds) {
    for (int i = 1; i < upperBounds.length; i++) {
      checkArgument(
          upperBounds[i] > upperBounds[i - 1],
          "upperBounds: %s (expected: strictly increasing)",
          Arrays.toString(upperBounds));
    }
    this.upperBounds = upperBounds.clone();
    this.counts = new long[upperBounds.length];
  }

  /** Records one observation. */
  public synchronized void observe(double seconds) {
    for (int i = 0; i < upperBounds.length; i++) {
      if (seconds <= upperBounds[i]) {
        counts[i]++;
      }
    }
    sum += seconds;
    count++;
  }

  /** A consistent copy with cumulative bucket counts. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(upperBounds.clone(), counts.clone(), sum, count);
  }

  /**
   * Cumulative counts per upper bound, as exposed.
   *
   * @param upperBounds the finite bounds
   * @param cumulativeCounts observations at or below each bound
   * @param sum sum of all observations
   * @param count all observations (the {@code +Inf} bucket)
   */
  public record Snapshot(double[] upperBounds, long[] cumulativeCounts, double sum, long count) {}
}
