package dev.sluice.flow;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What makes a submitted {@link FlowRequest} invalid ({@link Outcome#REJECTED_INVALID}). Invariant:
 * {@link #problems} is null exactly when the request is valid, and otherwise names every problem
 * with its field, value and what was expected; a valid request costs no allocation.
 *
 * <p>Stateless.
 */
final class RequestChecks {
  private RequestChecks() {}

  /**
   * The request's problems, joined by {@code "; "}, or null if it is valid: a non-blank flow id,
   * {@code byteSize >= 0}, {@code cost >= 1}, a TTL {@code > 0} or none, an SLO {@code >= 0} or
   * none.
   */
  static @Nullable String problems(FlowRequest request) {
    boolean valid =
        !request.flowKey().id().isBlank()
            && request.byteSize() >= 0
            && request.cost() >= 1
            && (request.ttl() == null || !(request.ttl().isNegative() || request.ttl().isZero()))
            && (request.slo() == null || !request.slo().isNegative());
    if (valid) {
      return null; // the hot path allocates nothing here
    }
    List<String> problems = new ArrayList<>();
    if (request.flowKey().id().isBlank()) {
      problems.add("flowKey.id: '" + request.flowKey().id() + "' (expected: a non-blank id)");
    }
    if (request.byteSize() < 0) {
      problems.add("byteSize: " + request.byteSize() + " (expected: >= 0)");
    }
    if (request.cost() < 1) {
      problems.add("cost: " + request.cost() + " (expected: >= 1)");
    }
    if (request.ttl() != null && (request.ttl().isNegative() || request.ttl().isZero())) {
      problems.add("ttl: " + request.ttl() + " (expected: > 0, or null for none)");
    }
    if (request.slo() != null && request.slo().isNegative()) {
      problems.add("slo: " + request.slo() + " (expected: >= 0, or null for none)");
    }
    return String.join("; ", problems);
  }
}
