package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.OrderingPolicyConformance;

class EdfOrderingConformanceTest extends OrderingPolicyConformance {
  @Override
  protected OrderingPolicy policy() {
    return OrderingPolicy.edf();
  }
}
