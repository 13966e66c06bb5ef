/**
 * Limits shared by several flow-controller replicas: a {@link
 * dev.sluice.cluster.ClusterCoordinator} hands each replica its share of a global limit, either
 * {@link dev.sluice.cluster.ClusterCoordinator#local() locally} (one replica, no coordination) or
 * through Redis ({@link dev.sluice.cluster.RedisCoordinator}), and {@link
 * dev.sluice.cluster.GlobalLimitDetector} puts the pool's share in front of the flow controller's
 * saturation gate. {@link dev.sluice.cluster.GlobalFairness} orders a band by the service flows
 * received on all replicas.
 */
package dev.sluice.cluster;
