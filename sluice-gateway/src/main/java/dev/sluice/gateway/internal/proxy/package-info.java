/**
 * The {@code /v1/*} proxy: {@link dev.sluice.gateway.internal.proxy.InferenceService} reads and
 * validates the request, identifies its flow, submits it to the flow controller, forwards it once
 * dispatched and streams the answer back. It delegates each job to a class of its own: {@code
 * InferenceRequest} parses the body, {@code FlowClassifier} makes the flow request, {@code
 * UpstreamForwarder} sends to the backend, {@code Preemptions} takes back requests that have not
 * started, {@code NoEndpointWatch} fails a wait with no fresh endpoint, {@code Refusals} answers
 * what is not forwarded, and {@code Exchange} gives the admission back exactly once. {@link
 * dev.sluice.gateway.internal.proxy.Errors} is every answer the gateway makes itself.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.proxy;
