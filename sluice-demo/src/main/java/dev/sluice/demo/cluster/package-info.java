/**
 * {@code sluice demo cluster} and the scale-out scoreboard: gateway replicas in separate processes
 * ({@code GatewayMain}, each with its own {@code sluice.yaml}) in front of one shared simulated
 * backend, a {@code redis-server} they coordinate through, and a seeded load that a driver spreads
 * over the replicas evenly or with one tenant pinned to one replica.
 */
package dev.sluice.demo.cluster;
