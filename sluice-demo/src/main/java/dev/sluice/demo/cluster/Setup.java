package dev.sluice.demo.cluster;

import static dev.sluice.sim.Preconditions.checkArgument;

/**
 * One way to run the pool: how many gateway replicas, and whether they share the pool's limit and
 * fairness through Redis. Every replica is configured for the whole pool ({@code maxConcurrency} =
 * {@code limits.pool} = the limit), as a single gateway would be.
 *
 * @param name what the scoreboard calls it
 * @param replicas the gateway processes, {@code >= 1}
 * @param redis whether they coordinate through Redis ({@code cluster.mode: redis}, {@code fairness:
 *     global}), else each on its own ({@code mode: local})
 */
public record Setup(String name, int replicas, boolean redis) {

  /** One gateway, the reference. */
  public static final Setup ONE = new Setup("1 replica", 1, false);

  /** Three replicas, each enforcing the limit alone. */
  public static final Setup LOCAL = new Setup("3 local-only", 3, false);

  /** Three replicas sharing the limit and fairness through Redis. */
  public static final Setup REDIS = new Setup("3 with Redis", 3, true);

  /** Checks the count. */
  public Setup {
    checkArgument(replicas >= 1, "replicas: %s (expected: >= 1)", replicas);
  }
}
