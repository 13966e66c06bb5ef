/**
 * The plug-in policies of a band: {@link dev.sluice.flow.policy.FairnessPolicy} (which flow goes
 * next: round-robin, global-strict, weighted-fair), {@link dev.sluice.flow.policy.OrderingPolicy}
 * (which request of a flow goes next: FCFS, EDF, SLO deadline) and {@link
 * dev.sluice.flow.policy.UsageLimitPolicy} (how far each band may push the backend).
 * Implementations run under the owning shard's lock and must pass the conformance suites.
 */
package dev.sluice.flow.policy;
