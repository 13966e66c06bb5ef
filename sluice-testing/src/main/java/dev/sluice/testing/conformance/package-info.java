/**
 * Conformance suites for Sluice plugins, as abstract JUnit 5 classes: an implementation passes its
 * suite through a subclass that supplies it. A queue has {@link
 * dev.sluice.testing.conformance.FlowQueueConformance}; a fairness policy {@link
 * dev.sluice.testing.conformance.FairnessPolicyConformance} and, to be max-min fair as Kubernetes
 * APF requires, {@link dev.sluice.testing.conformance.MaxMinFairnessConformance}; an ordering
 * policy {@link dev.sluice.testing.conformance.OrderingPolicyConformance}; a usage-limit policy
 * {@link dev.sluice.testing.conformance.UsageLimitPolicyConformance}; a self-counting saturation
 * detector {@link dev.sluice.testing.conformance.SaturationDetectorConformance}. {@link
 * dev.sluice.testing.conformance.TestBand} drives a fairness policy the way the controller does.
 */
package dev.sluice.testing.conformance;
