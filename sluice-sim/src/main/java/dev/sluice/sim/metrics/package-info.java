/**
 * The simulator's metrics: histograms and gauges exposed in vLLM's (or SGLang's) Prometheus format.
 */
package dev.sluice.sim.metrics;
