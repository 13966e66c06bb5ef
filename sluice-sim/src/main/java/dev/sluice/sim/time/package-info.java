/**
 * The simulator's clock: {@link dev.sluice.sim.time.SimScheduler}, real time (optionally scaled) or
 * driven by a test.
 */
package dev.sluice.sim.time;
