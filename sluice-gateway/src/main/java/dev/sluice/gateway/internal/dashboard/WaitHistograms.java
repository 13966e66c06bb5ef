package dev.sluice.gateway.internal.dashboard;

import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.internal.metrics.FlowMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The queue waits of each live flow's dispatched requests, in the buckets of {@code
 * sluice_flow_control_request_queue_duration_seconds}, for the dashboard's p50 and p99. A flow's
 * histogram is dropped when the controller collects the flow, so memory follows the live flows,
 * which the controller bounds. Thread-safe.
 */
final class WaitHistograms implements FlowControlListener {

  private static final long[] BOUNDS =
      FlowMetrics.queueBuckets().stream().mapToLong(d -> d.toNanos()).toArray();

  private final Map<FlowKey, AtomicLongArray> flows = new ConcurrentHashMap<>();

  @Override
  public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
    if (outcome != Outcome.DISPATCHED) {
      return;
    }
    AtomicLongArray counts =
        flows.computeIfAbsent(request.flowKey(), k -> new AtomicLongArray(BOUNDS.length + 1));
    counts.incrementAndGet(bucket(queueNanos));
  }

  @Override
  public void onFlowCollected(FlowKey key) {
    flows.remove(key);
  }

  /**
   * The {@code q}-quantile of {@code key}'s waits in milliseconds, interpolated linearly inside its
   * bucket as Prometheus' {@code histogram_quantile} does (the last bucket answers its lower
   * bound); null before the flow's first dispatch.
   */
  @Nullable Double quantileMillis(FlowKey key, double q) {
    AtomicLongArray counts = flows.get(key);
    return counts == null ? null : quantileMillis(snapshot(counts), q);
  }

  static @Nullable Double quantileMillis(long[] counts, double q) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    if (total == 0) {
      return null;
    }
    double rank = q * total;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && seen + counts[i] >= rank) {
        if (i == BOUNDS.length) {
          return BOUNDS[i - 1] / 1e6;
        }
        double lower = i == 0 ? 0 : BOUNDS[i - 1];
        return (lower + (BOUNDS[i] - lower) * (rank - seen) / counts[i]) / 1e6;
      }
      seen += counts[i];
    }
    return BOUNDS[BOUNDS.length - 1] / 1e6;
  }

  static int bucket(long nanos) {
    for (int i = 0; i < BOUNDS.length; i++) {
      if (nanos <= BOUNDS[i]) {
        return i;
      }
    }
    return BOUNDS.length;
  }

  /** The bucket bounds, for tests. */
  static List<Long> bounds() {
    return java.util.Arrays.stream(BOUNDS).boxed().toList();
  }

  private static long[] snapshot(AtomicLongArray counts) {
    long[] copy = new long[counts.length()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = counts.get(i);
    }
    return copy;
  }
}
