package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.OrderingPolicyConformance;

class SloDeadlineOrderingConformanceTest extends OrderingPolicyConformance {
  @Override
  protected OrderingPolicy policy() {
    return OrderingPolicy.sloDeadline();
  }
}
