package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.FairnessPolicyConformance;

class RoundRobinFairnessConformanceTest extends FairnessPolicyConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.roundRobin();
  }
}
