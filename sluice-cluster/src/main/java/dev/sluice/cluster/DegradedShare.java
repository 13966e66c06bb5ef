package dev.sluice.cluster;

/**
 * The share a {@link FailurePolicy#FAIL_OPEN} limit allows while degraded: it moves linearly from
 * the share held when Redis was lost to {@code max(1, limit / liveReplicas)} over the decay period
 * (after CockroachDB's tenant rate limiter, which decays toward a fair share, and Doorman's safe
 * capacity). If every replica degrades at the same moment, their shares (rounded down) never sum to
 * more than {@code max(limit, liveReplicas)}: each moves between two allocations that do not exceed
 * it.
 */
final class DegradedShare {
  private DegradedShare() {}

  /**
   * @param shareAtFailure the share granted when the outage began
   * @param elapsedNanos time since then
   * @param decayNanos the decay period ({@code > 0})
   */
  static long of(
      long limit, int liveReplicas, long shareAtFailure, long elapsedNanos, long decayNanos) {
    long target = Math.max(1, limit / Math.max(1, liveReplicas));
    if (elapsedNanos >= decayNanos) {
      return target;
    }
    double progress = Math.max(0, (double) elapsedNanos / decayNanos);
    return shareAtFailure
        + (long) Math.floor((target - shareAtFailure) * progress); // never rounds up
  }
}
