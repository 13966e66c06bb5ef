package dev.sluice.gateway.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One tenant: who a set of API keys belongs to, and what it may do. Immutable and thread-safe.
 *
 * @param id the tenant id: letters, digits, {@code .}, {@code _} and {@code -}; the first level of
 *     the flow key ({@code id/end-user})
 * @param weight its share of a band against the other backlogged tenants; positive and finite
 * @param maxObjective the highest objective it may use, or {@code null}: then its ceiling is
 *     priority 0, the priority of a request with no or an unknown objective
 * @param maxPriority the priority of {@code maxObjective}: the ceiling requests are clamped to
 * @param maxConcurrentRequests requests it may have in the gateway at once, queued or in flight; 0
 *     = no limit
 * @param maxQueuedRequests of those, requests it may have waiting in the queue; 0 = no limit
 * @param tokensPerMinute estimated tokens (prompt plus {@code max_tokens}, charged on arrival) it
 *     may send per minute, with bursts of up to a minute's worth; 0 = no limit
 * @param keySha256 the SHA-256 hashes of its API keys, as 64 lower-case hex digits
 */
public record Tenant(
    String id,
    double weight,
    @Nullable String maxObjective,
    int maxPriority,
    int maxConcurrentRequests,
    int maxQueuedRequests,
    long tokensPerMinute,
    List<String> keySha256) {

  /** Checks for nulls and copies the keys. */
  public Tenant {
    Objects.requireNonNull(id, "id");
    keySha256 = List.copyOf(keySha256);
  }

  /** Whether this tenant has either limit on its requests. */
  public boolean limited() {
    return maxConcurrentRequests > 0 || maxQueuedRequests > 0;
  }
}
