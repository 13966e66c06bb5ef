package dev.sluice.sim.server;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Random failures at a configured rate, drawn from a configured set of failure types, as
 * llm-d-inference-sim's {@code failure-injection-rate} and {@code failure-types}. Immutable and
 * thread-safe; randomness comes from the caller's per-request source.
 */
final class FailureInjection {

  /** Failure type names and the status each one returns. */
  static final Map<String, Integer> TYPES;

  static {
    Map<String, Integer> types = new TreeMap<>();
    types.put("rate_limit", 429);
    types.put("invalid_api_key", 401);
    types.put("context_length", 400);
    types.put("server_error", 503);
    types.put("invalid_request", 400);
    types.put("model_not_found", 404);
    TYPES = Map.copyOf(types);
  }

  private final double ratePercent;
  private final List<String> types;

  FailureInjection(double ratePercent, List<String> types) {
    checkArgument(
        ratePercent >= 0 && ratePercent <= 100,
        "failureRate: %s (expected: 0..100 percent)",
        ratePercent);
    for (String type : types) {
      checkArgument(
          TYPES.containsKey(type), "failureTypes: %s (expected: one of %s)", type, TYPES.keySet());
    }
    checkArgument(
        ratePercent == 0 || !types.isEmpty(),
        "failureTypes: [] (expected: at least one type when failureRate > 0)");
    this.ratePercent = ratePercent;
    this.types = List.copyOf(types);
  }

  /**
   * The injected error for this request, or {@code null}; draws from {@code random} only if the
   * rate is not 0.
   */
  @Nullable OpenAiError pick(SplittableRandom random) {
    if (ratePercent == 0 || random.nextDouble() * 100 >= ratePercent) {
      return null;
    }
    String type = types.get(random.nextInt(types.size()));
    int status = Objects.requireNonNull(TYPES.get(type), "types are checked in the constructor");
    return OpenAiError.forStatus(status, "Injected failure: " + type + ".");
  }
}
