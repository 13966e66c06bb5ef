package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.UsageLimitPolicyConformance;

class StaticCeilingUsageLimitConformanceTest extends UsageLimitPolicyConformance {
  @Override
  protected UsageLimitPolicy policy() {
    return UsageLimitPolicy.staticCeiling(0.8);
  }
}
