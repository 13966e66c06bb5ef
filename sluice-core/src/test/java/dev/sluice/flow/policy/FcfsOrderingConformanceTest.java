package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.OrderingPolicyConformance;

class FcfsOrderingConformanceTest extends OrderingPolicyConformance {
  @Override
  protected OrderingPolicy policy() {
    return OrderingPolicy.fcfs();
  }
}
