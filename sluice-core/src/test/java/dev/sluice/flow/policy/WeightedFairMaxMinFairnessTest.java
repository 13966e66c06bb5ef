package dev.sluice.flow.policy;

import dev.sluice.testing.conformance.MaxMinFairnessConformance;

/** The default fairness policy is max-min fair under closed-loop load (APF's scenarios). */
class WeightedFairMaxMinFairnessTest extends MaxMinFairnessConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.weightedFair();
  }
}
