package dev.sluice.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The checks {@link FlowControllerConfig.Builder#build()} runs on the controller-wide fields and
 * the band list, and the resolution of the bands it keeps. Invariant: a check adds one error per
 * problem to the list it is given, each naming the field, the value and what was expected, and adds
 * nothing for a valid value; it never throws, so the builder can report every problem at once.
 *
 * <p>Stateless.
 */
final class ConfigChecks {
  private ConfigChecks() {}

  /** {@code defaultTtl}: {@code >= 0}. */
  static void checkDefaultTtl(Duration defaultTtl, List<String> errors) {
    if (defaultTtl == null || defaultTtl.isNegative()) {
      errors.add("defaultTtl: " + defaultTtl + " (expected: >= 0, 0 = none)");
    }
  }

  /** {@code shards}: 1 to {@link FlowControllerConfig#MAX_SHARDS}. */
  static void checkShards(int shards, List<String> errors) {
    if (shards < 1 || shards > FlowControllerConfig.MAX_SHARDS) {
      errors.add("shards: " + shards + " (expected: 1 to " + FlowControllerConfig.MAX_SHARDS + ")");
    }
  }

  /** Both idle timeouts {@code > 0}, and the band's no shorter than the flow's. */
  static void checkIdleTimeouts(
      Duration flowIdleTimeout, Duration bandIdleTimeout, List<String> errors) {
    boolean flowTimeoutValid = isPositive(flowIdleTimeout);
    if (!flowTimeoutValid) {
      errors.add("flowIdleTimeout: " + flowIdleTimeout + " (expected: > 0)");
    }
    if (!isPositive(bandIdleTimeout)) {
      errors.add("bandIdleTimeout: " + bandIdleTimeout + " (expected: > 0)");
    } else if (flowTimeoutValid && bandIdleTimeout.compareTo(flowIdleTimeout) < 0) {
      errors.add(
          "bandIdleTimeout: "
              + bandIdleTimeout
              + " (expected: >= flowIdleTimeout "
              + flowIdleTimeout
              + ")");
    }
  }

  /** Every band non-null and valid ({@link BandConfig#validate}), priorities unique. */
  static void checkBands(List<BandConfig> bands, List<String> errors) {
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < bands.size(); i++) {
      BandConfig band = bands.get(i);
      if (band == null) {
        errors.add("bands[" + i + "]: null (expected: a band)");
        continue;
      }
      band.validate("bands[" + i + "].", errors);
      Integer previous = seen.putIfAbsent(band.priority(), i);
      if (previous != null) {
        errors.add(
            "bands["
                + i
                + "].priority: "
                + band.priority()
                + " (expected: unique; bands["
                + previous
                + "] has it too)");
      }
    }
  }

  /** The valid bands with their queues resolved, highest priority first. */
  static List<BandConfig> resolvedByPriority(List<BandConfig> bands) {
    List<BandConfig> resolved = new ArrayList<>();
    for (BandConfig band : bands) {
      resolved.add(band.resolved());
    }
    resolved.sort((a, b) -> Integer.compare(b.priority(), a.priority()));
    return resolved;
  }

  private static boolean isPositive(@Nullable Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
