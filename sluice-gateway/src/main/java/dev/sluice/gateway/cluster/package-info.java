/**
 * The gateway as one replica of several: {@link dev.sluice.gateway.cluster.GatewayCluster} builds
 * the coordinator the {@code cluster} section asks for and puts the pool's global limit in front of
 * the gateway's own saturation detector.
 */
package dev.sluice.gateway.cluster;
