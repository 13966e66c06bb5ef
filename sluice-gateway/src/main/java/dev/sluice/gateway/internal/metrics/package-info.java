/**
 * The gateway's Prometheus metrics: flow-control outcomes, queue sizes and waits per tenant and
 * priority (with bounded label values), pool saturation and per-endpoint state.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.metrics;
