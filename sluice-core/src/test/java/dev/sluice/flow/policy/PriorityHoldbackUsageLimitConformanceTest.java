package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.UsageLimitPolicyConformance;

class PriorityHoldbackUsageLimitConformanceTest extends UsageLimitPolicyConformance {
  @Override
  protected UsageLimitPolicy policy() {
    return UsageLimitPolicy.priorityHoldback();
  }
}
