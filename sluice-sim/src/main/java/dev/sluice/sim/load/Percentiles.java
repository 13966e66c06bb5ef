package dev.sluice.sim.load;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The 50th, 90th and 99th percentiles of a sample in milliseconds, by linear interpolation between
 * closest ranks (numpy's default, as inference-perf and {@code vllm bench serve} report). Each is
 * {@code null} when the sample is empty. Immutable.
 */
public record Percentiles(@Nullable Double p50, @Nullable Double p90, @Nullable Double p99) {

  static final Percentiles EMPTY = new Percentiles(null, null, null);

  /** Percentiles of {@code nanos}, reported in milliseconds. */
  static Percentiles ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return EMPTY;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Percentiles(at(sorted, 50), at(sorted, 90), at(sorted, 99));
  }

  static double at(long[] sorted, double percentile) {
    double rank = percentile / 100 * (sorted.length - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    double value = sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    return value / 1e6;
  }
}
