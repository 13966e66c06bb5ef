package dev.sluice.cluster;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/** Registration of named limits, shared by the coordinators. */
final class Registry {
  private Registry() {}

  /**
   * The limit registered as {@code name}, created by {@code factory} on first use.
   *
   * @throws IllegalArgumentException if {@code name} is registered with another limit or policy
   */
  static CreditLimit register(
      ConcurrentMap<String, CreditLimit> limits,
      String name,
      long limit,
      FailurePolicy failurePolicy,
      Supplier<CreditLimit> factory) {
    Checks.checkName("name", name);
    checkArgument(limit > 0, "limit: %s (expected: > 0)", limit);
    CreditLimit existing = limits.computeIfAbsent(name, unused -> factory.get());
    checkArgument(
        existing.limit() == limit && existing.failurePolicy() == failurePolicy,
        "limit '%s': %s, %s (expected: as registered, %s, %s)",
        name,
        limit,
        failurePolicy,
        existing.limit(),
        existing.failurePolicy());
    return existing;
  }
}
