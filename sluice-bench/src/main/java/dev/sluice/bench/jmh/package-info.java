/**
 * JMH benchmarks of the flow controller against the incumbents (a {@code Semaphore}, resilience4j,
 * Netflix concurrency-limits) and ports of GIE's benchmarks.
 */
package dev.sluice.bench.jmh;
