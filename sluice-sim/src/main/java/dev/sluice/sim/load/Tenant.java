package dev.sluice.sim.load;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One class of traffic in a load run. Immutable.
 *
 * @param name label in reports
 * @param fairnessId sent as {@code x-gateway-inference-fairness-id}; {@code null} sends none
 * @param objective sent as {@code x-gateway-inference-objective}; {@code null} sends none
 * @param priority the priority this tenant's objective maps to, used to group the report; it is not
 *     sent (GIE derives priority from the objective)
 * @param share relative share of the traffic, &gt; 0
 * @param promptTokens prompt length in tokens (words), &gt;= 1
 * @param outputTokens {@code max_tokens} asked for, &gt;= 1
 * @param slo objectives for this tenant's goodput; {@code null} uses the run's
 * @param headers extra request headers
 */
public record Tenant(
    String name,
    @Nullable String fairnessId,
    @Nullable String objective,
    int priority,
    double share,
    int promptTokens,
    int outputTokens,
    @Nullable Slo slo,
    Map<String, String> headers) {

  /** Checks the fields. */
  public Tenant {
    Objects.requireNonNull(name, "name");
    checkArgument(
        share > 0 && Double.isFinite(share), "tenants[%s].share: %s (expected: > 0)", name, share);
    checkArgument(
        promptTokens >= 1, "tenants[%s].promptTokens: %s (expected: >= 1)", name, promptTokens);
    checkArgument(
        outputTokens >= 1, "tenants[%s].outputTokens: %s (expected: >= 1)", name, outputTokens);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** A tenant named {@code name} with fairness id {@code name}, priority 0 and no objective. */
  public static Tenant of(String name, double share, int promptTokens, int outputTokens) {
    return new Tenant(name, name, null, 0, share, promptTokens, outputTokens, null, Map.of());
  }
}
