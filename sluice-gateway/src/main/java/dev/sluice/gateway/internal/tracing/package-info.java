/**
 * OpenTelemetry spans through the gateway's queue, off unless configured: {@link
 * dev.sluice.gateway.internal.tracing.RequestTracing}.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.tracing;
