package dev.sluice.demo.cluster;

import java.util.SplittableRandom;

/** How the load balancer in front of the replicas picks one for a call. */
public enum Balance {
  /** Every call goes to a replica drawn uniformly. */
  EVEN,
  /**
   * Tenant {@value #PINNED} always goes to replica 0 (sticky sessions, or hashing on the tenant);
   * the others are spread evenly.
   */
  SKEWED;

  /** The tenant that {@link #SKEWED} pins to replica 0. */
  public static final String PINNED = "a";

  /** The replica for a call of {@code tenant}, among the {@code live} ones (in index order). */
  int pick(String tenant, int[] live, SplittableRandom random) {
    if (this == SKEWED && tenant.equals(PINNED) && live[0] == 0) {
      return 0;
    }
    return live[random.nextInt(live.length)];
  }
}
