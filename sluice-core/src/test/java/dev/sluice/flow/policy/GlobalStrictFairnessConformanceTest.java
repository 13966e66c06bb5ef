package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.FairnessPolicyConformance;

class GlobalStrictFairnessConformanceTest extends FairnessPolicyConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.globalStrict();
  }
}
