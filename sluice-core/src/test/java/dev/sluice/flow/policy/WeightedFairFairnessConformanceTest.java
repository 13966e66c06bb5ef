package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.FairnessPolicyConformance;

class WeightedFairFairnessConformanceTest extends FairnessPolicyConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.weightedFair();
  }
}
