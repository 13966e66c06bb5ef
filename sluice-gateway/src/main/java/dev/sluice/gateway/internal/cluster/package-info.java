/**
 * The gateway as one replica of several: {@link dev.sluice.gateway.internal.cluster.GatewayCluster}
 * builds the coordinator the {@code cluster} section asks for and puts the pool's global limit in
 * front of the gateway's own saturation detector.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.cluster;
