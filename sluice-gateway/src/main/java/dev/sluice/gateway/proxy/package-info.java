/**
 * The {@code /v1/*} proxy: {@link dev.sluice.gateway.proxy.InferenceService} reads and validates
 * the request, identifies its flow, submits it to the flow controller, forwards it once dispatched
 * and streams the answer back; {@link dev.sluice.gateway.proxy.Errors} is every answer the gateway
 * makes itself.
 */
package dev.sluice.gateway.proxy;
