/**
 * Conformance suites for Sluice plugins, as abstract JUnit 5 classes: a queue ({@link
 * dev.sluice.testing.conformance.FlowQueueConformance}), a fairness policy ({@link
 * dev.sluice.testing.conformance.FairnessPolicyConformance}) an ordering policy ({@link
 * dev.sluice.testing.conformance.OrderingPolicyConformance}), a usage-limit policy ({@link
 * dev.sluice.testing.conformance.UsageLimitPolicyConformance}) or a self-counting saturation
 * detector ({@link dev.sluice.testing.conformance.SaturationDetectorConformance}); {@link
 * dev.sluice.testing.conformance.MaxMinFairnessConformance} holds a fairness policy to APF's
 * max-min criterion passes its suite by a subclass that supplies the implementation; {@link
 * dev.sluice.testing.conformance.TestBand} drives a fairness policy the way the controller does.
 */
package dev.sluice.testing.conformance;
