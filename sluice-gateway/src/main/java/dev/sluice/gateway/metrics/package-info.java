/**
 * The gateway's Prometheus metrics: flow-control outcomes, queue sizes and waits per tenant and
 * priority (with bounded label values), pool saturation and per-endpoint state.
 */
package dev.sluice.gateway.metrics;
