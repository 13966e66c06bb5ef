/**
 * A konnectivity-compatible reverse tunnel: agents dial in to a {@link
 * dev.sluice.tunnel.TunnelServer} over gRPC ({@code AgentService.Connect}), and clients reach
 * destinations behind an agent through the server's HTTP CONNECT frontend. Every proxied connection
 * is multiplexed on its agent's one stream; per-connection byte credit ({@code dev.sluice.credit})
 * in both directions keeps a stalled destination or client from wedging the others. See the module
 * README for the wire extension.
 */
package dev.sluice.tunnel;
