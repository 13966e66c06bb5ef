/**
 * The OpenAI-compatible inference gateway: {@link dev.sluice.gateway.Gateway} wires the flow
 * controller, the backend pool, the proxy and the admin port; {@link
 * dev.sluice.gateway.GatewayMain} is the command line. The demo that runs it against simulated
 * backends next to a plain round-robin proxy is {@code dev.sluice.demo.GatewayDemo}, in
 * sluice-demo.
 *
 * <p>The API is this package and {@code dev.sluice.gateway.config} (the configuration model and its
 * reader); everything under {@code dev.sluice.gateway.internal} is the implementation and may
 * change in any release.
 */
package dev.sluice.gateway;
