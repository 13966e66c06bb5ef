/**
 * How the gateway's Armeria servers are set up and shut down: {@link
 * dev.sluice.gateway.internal.server.ProxyServer} builds the inference listener, {@link
 * dev.sluice.gateway.internal.server.OpenAiErrorHandler} answers Armeria's own errors in OpenAI's
 * format, {@link dev.sluice.gateway.internal.server.DrainWatch} waits out in-flight responses at
 * shutdown, and {@link dev.sluice.gateway.internal.server.ArmeriaFlags} changes the Armeria
 * defaults the gateway needs.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.server;
