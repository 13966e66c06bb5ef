package dev.sluice.demo.cluster;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How fairly the fleet shared its service among tenants with equal weights, from the calls it
 * dispatched (all the same size): per window of {@code window} nanoseconds, each tenant's share of
 * the window's dispatches against its fair share {@code 1/tenants}; over the whole run, Jain's
 * index of the tenants' dispatch counts and each tenant's share.
 *
 * @param maxError the largest error of any tenant in any window
 * @param p95Error the 95th percentile, over windows, of each window's largest error
 * @param jain Jain's fairness index {@code (Σx)² / (n·Σx²)} of the tenants' totals: 1 when equal
 * @param share each tenant's share of all dispatches
 */
record Shares(double maxError, double p95Error, double jain, Map<String, Double> share) {

  /**
   * Scores {@code calls} of {@code tenants} dispatched in {@code [from, to)}, in windows of {@code
   * window} nanoseconds (a last, partial window is left out).
   */
  static Shares of(Collection<Call> calls, Set<String> tenants, long from, long to, long window) {
    checkArgument(window > 0, "window: %s (expected: > 0)", window);
    checkArgument(to - from >= window, "to - from: %s (expected: >= window %s)", to - from, window);
    int windows = (int) ((to - from) / window);
    List<Map<String, Integer>> counts = new ArrayList<>();
    for (int i = 0; i < windows; i++) {
      counts.add(new HashMap<>());
    }
    Map<String, Integer> totals = new HashMap<>();
    for (Call call : calls) {
      if (call.dispatched() < from || call.dispatched() >= from + windows * window) {
        continue;
      }
      counts.get((int) ((call.dispatched() - from) / window)).merge(call.tenant(), 1, Integer::sum);
      totals.merge(call.tenant(), 1, Integer::sum);
    }
    double fair = 1.0 / tenants.size();
    List<Double> errors = new ArrayList<>();
    for (Map<String, Integer> count : counts) {
      double sum = count.values().stream().mapToInt(Integer::intValue).sum();
      if (sum > 0) {
        errors.add(
            tenants.stream()
                .mapToDouble(t -> Math.abs(count.getOrDefault(t, 0) / sum - fair))
                .max()
                .orElse(0));
      }
    }
    errors.sort(null);
    double total = totals.values().stream().mapToInt(Integer::intValue).sum();
    double squares = tenants.stream().mapToDouble(t -> square(totals.getOrDefault(t, 0))).sum();
    Map<String, Double> share = new HashMap<>();
    tenants.forEach(t -> share.put(t, total == 0 ? 0 : totals.getOrDefault(t, 0) / total));
    return new Shares(
        errors.isEmpty() ? 0 : errors.get(errors.size() - 1),
        percentile(errors, 0.95),
        squares == 0 ? 0 : total * total / (tenants.size() * squares),
        Map.copyOf(share));
  }

  /** The {@code q} quantile of {@code sorted} (nearest rank), 0 if empty. */
  static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static double square(double x) {
    return x * x;
  }
}
