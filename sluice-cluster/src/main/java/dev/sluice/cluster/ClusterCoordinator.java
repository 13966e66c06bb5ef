package dev.sluice.cluster;

/**
 * Hands this replica its share of limits that all replicas of a pool share: the SPI behind
 * cluster-wide flow control. {@link #local()} is a single replica's behaviour (each limit is
 * enforced locally, in full); {@link RedisCoordinator} shares them through Redis.
 *
 * <p>Queues always stay in the replica: a coordinator only tells how many units of each limit this
 * replica may hold, so a coordinator that fails can slow admission down but never drops or blocks a
 * queued request by itself. Thread-safe.
 */
public interface ClusterCoordinator extends AutoCloseable {

  /** How limits are enforced right now. */
  Mode mode();

  /**
   * The limit called {@code name}, registered on first use; later calls with the same name return
   * the same limit.
   *
   * @param limit the global limit, {@code > 0}
   * @throws IllegalArgumentException if {@code limit <= 0}, {@code name} is empty or contains a
   *     curly brace (names sit inside Redis keys next to a hash tag), or {@code name} is registered
   *     with another limit or policy
   */
  GlobalLimit limit(String name, long limit, FailurePolicy failurePolicy);

  /**
   * The weighted service of flows shared under {@code name} (one per band, say), registered on
   * first use: what {@link GlobalFairness} orders a band by.
   *
   * @throws IllegalArgumentException if {@code name} is empty or contains a curly brace
   */
  SharedService service(String name);

  /** Stops coordinating and gives this replica's shares back where it can. Idempotent. */
  @Override
  void close();

  /** A coordinator for one replica: every limit is local and allowed in full. */
  static ClusterCoordinator local() {
    return new LocalCoordinator();
  }
}
