package dev.sluice.cluster;

/** What a global limit allows while the coordinator is {@link Mode#DEGRADED}. */
public enum FailurePolicy {
  /**
   * Keep admitting on a local share: the last granted share, moving linearly over the decay period
   * to {@code max(1, limit / liveReplicas)}, the live replica count last seen. No request fails
   * because Redis is down; the global limit holds only as well as that count is right.
   */
  FAIL_OPEN,
  /**
   * Admit nothing new through this limit until Redis is back; work already admitted runs on. Queued
   * requests wait, and end by the controller's usual rules (TTL, capacity) if the outage lasts.
   */
  FAIL_CLOSED
}
