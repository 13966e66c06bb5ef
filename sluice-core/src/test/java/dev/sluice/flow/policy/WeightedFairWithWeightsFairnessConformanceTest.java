package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.FairnessPolicyConformance;
import java.util.Map;

class WeightedFairWithWeightsFairnessConformanceTest extends FairnessPolicyConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.weightedFair(Map.of("f0", 1.0, "f1", 2.5, "f2", 4.0), 1.5);
  }
}
