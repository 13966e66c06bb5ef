package dev.sluice.sim.load;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Service-level objectives a request must meet to count toward goodput, as in inference-perf's
 * {@code report.goodput.constraints}. A {@code null} field is not checked. Immutable.
 *
 * @param ttft time to first token
 * @param tpot time per output token after the first, {@code (e2e − ttft)/(outputTokens − 1)}
 * @param itl every gap between two consecutive tokens
 * @param ntpot normalised time per output token, {@code e2e/outputTokens}
 * @param e2e end-to-end request latency
 */
public record Slo(
    @Nullable Duration ttft,
    @Nullable Duration tpot,
    @Nullable Duration itl,
    @Nullable Duration ntpot,
    @Nullable Duration e2e) {

  /** No objectives: every successful request is good. */
  public static final Slo NONE = new Slo(null, null, null, null, null);

  /** Whether {@code record} succeeded and met every objective that is set. */
  public boolean isMetBy(RequestRecord record) {
    if (!record.succeeded()) {
      return false;
    }
    if (ttft != null && record.ttftNanos() > ttft.toNanos()) {
      return false;
    }
    if (tpot != null && record.outputTokens() > 1 && record.tpotNanos() > tpot.toNanos()) {
      return false;
    }
    if (itl != null) {
      for (long gap : record.interTokenNanos()) {
        if (gap > itl.toNanos()) {
          return false;
        }
      }
    }
    if (ntpot != null && record.ntpotNanos() > ntpot.toNanos()) {
      return false;
    }
    return e2e == null || record.e2eNanos() <= e2e.toNanos();
  }

  /** Whether any objective is set. */
  public boolean isSet() {
    return ttft != null || tpot != null || itl != null || ntpot != null || e2e != null;
  }
}
