package dev.sluice.flow.policy;

import dev.sluice.flow.FlowKey;
import dev.sluice.testing.conformance.MaxMinFairnessConformance;

/**
 * {@code hierarchical-fair} with every client its own group (a tenant with one end user) is max-min
 * fair under closed-loop load, as {@code weighted-fair} is (APF's scenarios).
 */
class HierarchicalFairMaxMinFairnessTest extends MaxMinFairnessConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.hierarchicalFair(FlowKey::id, group -> 1.0);
  }
}
