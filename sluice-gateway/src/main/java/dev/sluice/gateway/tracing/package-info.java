/**
 * OpenTelemetry spans through the gateway's queue, off unless configured: {@link
 * dev.sluice.gateway.tracing.RequestTracing}.
 */
package dev.sluice.gateway.tracing;
