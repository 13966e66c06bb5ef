package dev.sluice.demo.cluster;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.time.Duration;

/**
 * The seeded load every setup is scored on: three tenants {@code a}, {@code b}, {@code c} of equal
 * weight. First a light phase ({@code lightUsers} users per tenant, fewer in all than the limit, so
 * nothing waits for capacity), run twice and measured the second time, for what admission adds to a
 * call; then a saturated phase ({@code users} per tenant, more than the whole fleet runs) that
 * measures shares and overshoot.
 *
 * @param limit the pool's limit: in flight, all replicas together
 * @param users closed-loop users per tenant in the saturated phase
 * @param lightUsers closed-loop users per tenant in the light phase
 * @param light how long the light phase runs
 * @param saturated how long the saturated phase runs; its first second is not scored (warm-up)
 * @param seed the load balancer's random choices
 */
record Trace(int limit, int users, int lightUsers, Duration light, Duration saturated, long seed) {

  /** Checks the amounts. */
  Trace {
    checkArgument(limit >= 1, "limit: %s (expected: >= 1)", limit);
    checkArgument(users >= 1, "users: %s (expected: >= 1)", users);
    checkArgument(lightUsers >= 1, "lightUsers: %s (expected: >= 1)", lightUsers);
    checkArgument(
        saturated.compareTo(Duration.ofSeconds(2)) >= 0,
        "saturated: %s (expected: >= 2s)",
        saturated);
  }

  /**
   * The demo's and the scoreboard's trace: limit 6; 16 users per tenant, so that even the tenants
   * spread over three replicas keep every replica's queue full; a 2 s light phase of 1 user each.
   */
  static Trace standard(Duration saturated) {
    return new Trace(6, 16, 1, Duration.ofSeconds(2), saturated, 15L);
  }
}
