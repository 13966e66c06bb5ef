/**
 * The OpenAI-compatible inference gateway: {@link dev.sluice.gateway.Gateway} wires the flow
 * controller, the backend pool, the proxy and the admin port; {@link
 * dev.sluice.gateway.GatewayMain} is the command line; {@link dev.sluice.gateway.Demo} and {@link
 * dev.sluice.gateway.ClosedLoop} run the gateway against simulated backends next to a plain
 * round-robin proxy.
 */
package dev.sluice.gateway;
