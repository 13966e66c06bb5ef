/**
 * A test bed for gateways, for demos and end-to-end tests: realistic simulated backends,
 * closed-loop tenants driving them through the load client ({@link
 * dev.sluice.sim.testbed.ClosedLoop}), and the baseline a gateway is compared against, a plain
 * round-robin proxy ({@link dev.sluice.sim.testbed.RoundRobinProxy}).
 */
package dev.sluice.sim.testbed;
