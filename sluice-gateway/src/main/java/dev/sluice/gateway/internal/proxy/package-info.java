/**
 * The {@code /v1/*} proxy: {@link dev.sluice.gateway.internal.proxy.InferenceService} reads and
 * validates the request, identifies its flow, submits it to the flow controller, forwards it once
 * dispatched and streams the answer back; {@link dev.sluice.gateway.internal.proxy.Errors} is every
 * answer the gateway makes itself.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.proxy;
