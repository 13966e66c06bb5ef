package dev.sluice.cluster;

/** How a replica's global limits are currently enforced. */
public enum Mode {
  /** Coordinated: the replica admits only within the share Redis granted it. */
  GLOBAL,
  /**
   * Redis is unreachable: each limit follows its {@link FailurePolicy} (a local share decaying
   * toward {@code limit / liveReplicas}, or nothing new) until a sync succeeds again.
   */
  DEGRADED,
  /** Not coordinated by configuration ({@link ClusterCoordinator#local()}): today's behaviour. */
  LOCAL
}
