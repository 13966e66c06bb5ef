/**
 * Shared pieces of the JMH benchmarks: workloads, closed-loop drivers, a slot detector and a
 * scheduler that never fires.
 */
package dev.sluice.bench.harness;
