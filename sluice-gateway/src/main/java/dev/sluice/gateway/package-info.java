/**
 * The OpenAI-compatible inference gateway: {@link dev.sluice.gateway.Gateway} wires the flow
 * controller, the backend pool, the proxy and the admin port; {@link
 * dev.sluice.gateway.GatewayMain} is the command line. The demo that runs it against simulated
 * backends next to a plain round-robin proxy is {@code dev.sluice.demo.GatewayDemo}, in
 * sluice-demo.
 */
package dev.sluice.gateway;
