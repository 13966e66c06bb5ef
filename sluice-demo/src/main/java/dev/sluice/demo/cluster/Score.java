package dev.sluice.demo.cluster;

import java.util.List;
import java.util.Locale;

/**
 * One row of the scoreboard: a {@link Setup} under a {@link Balance} on the seeded trace.
 *
 * @param setup what ran
 * @param balance how the load balancer spread the calls
 * @param shares the tenants' shares of what the saturated phase dispatched
 * @param limit the pool's configured limit
 * @param maxInFlight the most the backend ran at once in the saturated phase
 * @param admissionP50 the median wait from sending to dispatch at light load, in milliseconds
 * @param admissionP99 its 99th percentile
 * @param redisCallsPerRequest Redis commands per call of the saturated phase ({@code NaN} without
 *     Redis)
 * @param requests the calls the saturated phase made
 * @param errors the calls that failed, in both phases
 */
record Score(
    Setup setup,
    Balance balance,
    Shares shares,
    int limit,
    int maxInFlight,
    double admissionP50,
    double admissionP99,
    double redisCallsPerRequest,
    int requests,
    int errors) {

  /** How far the fleet went over the limit, as a fraction of it (0 when within). */
  double overshoot() {
    return Math.max(0, maxInFlight - limit) / (double) limit;
  }

  /** The pinned tenant's share of everything dispatched. */
  double pinnedShare() {
    return shares.share().getOrDefault(Balance.PINNED, 0.0);
  }

  /** The header of {@link #row()}. */
  static List<String> header() {
    return List.of(
        "| setup | LB | share a/b/c | share error max / p95 | Jain | in flight (limit) | overshoot"
            + " | admission p50 / p99 | Redis calls/req | requests | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|");
  }

  /** This score as a Markdown table row. */
  String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.2f / %.2f / %.2f | %.3f / %.3f | %.3f | %d (%d) | %.0f%% | %.1f / %.1f ms"
            + " | %s | %d | %d |",
        setup.name(),
        balance.name().toLowerCase(Locale.ROOT),
        shares.share().getOrDefault("a", 0.0),
        shares.share().getOrDefault("b", 0.0),
        shares.share().getOrDefault("c", 0.0),
        shares.maxError(),
        shares.p95Error(),
        shares.jain(),
        maxInFlight,
        limit,
        100 * overshoot(),
        admissionP50,
        admissionP99,
        Double.isNaN(redisCallsPerRequest)
            ? "-"
            : String.format(Locale.ROOT, "%.2f", redisCallsPerRequest),
        requests,
        errors);
  }
}
