package dev.sluice.gateway.config;

import dev.sluice.cluster.FailurePolicy;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code cluster} section: whether this gateway shares its limits with other replicas of the
 * same pool through Redis. Without the section every limit is this replica's alone, as a single
 * gateway has always behaved. Immutable and thread-safe.
 *
 * @param mode {@code local} (the default: no Redis) or {@code redis}
 * @param uri the Redis to share through, for example {@code redis://10.0.0.5:6379}; {@code null} in
 *     mode {@code local}
 * @param pool the name the replicas of one pool share their limits under (Redis keys carry it as a
 *     hash tag). Default {@code default}
 * @param replicaId this replica's name in Redis, or {@code null} for the host name and process id
 * @param syncInterval how often a replica syncs its reservations. Default 50 ms
 * @param heartbeatInterval a replica not heard from for three of these is dead and its reservations
 *     return to the others. Default 1 s
 * @param commandTimeout the longest one Redis call may take. Default 50 ms
 * @param decay how long a fail-open share takes to reach {@code limit / replicas} while Redis is
 *     unreachable. Default 10 s
 * @param strict no headroom: a sync on every refusal and every release. Default false (batched)
 * @param headroom units reserved ahead of use in batched mode; 0 (the default) for {@code max(1,
 *     limit / (4 * replicas))}
 * @param expectedReplicas the replica count to assume until Redis has been reached once. Default 1
 * @param poolLimit the global limit on requests in flight to the pool ({@code limits.pool}), or
 *     {@code null} for none
 * @param globalFairness {@code fairness: global}: the bands that are {@code weighted-fair} order
 *     their flows by the service they received on all replicas. Default false ({@code local})
 */
public record ClusterConfig(
    Mode mode,
    @Nullable String uri,
    String pool,
    @Nullable String replicaId,
    Duration syncInterval,
    Duration heartbeatInterval,
    Duration commandTimeout,
    Duration decay,
    boolean strict,
    long headroom,
    int expectedReplicas,
    @Nullable Limit poolLimit,
    boolean globalFairness) {

  /** Checks for nulls. */
  public ClusterConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(decay, "decay");
  }

  /** No {@code cluster} section: local mode, no limits beyond the gateway's own. */
  public static ClusterConfig none() {
    return new ClusterConfig(
        Mode.LOCAL,
        null,
        "default",
        null,
        Duration.ofMillis(50),
        Duration.ofSeconds(1),
        Duration.ofMillis(50),
        Duration.ofSeconds(10),
        false,
        0,
        1,
        null,
        false);
  }

  /** How limits are shared. */
  public enum Mode {
    /**
     * Each replica enforces every limit in full on its own: {@code N} replicas admit {@code N·L}.
     */
    LOCAL,
    /** The replicas share each limit through Redis: together they admit at most {@code L}. */
    REDIS
  }

  /**
   * One global limit.
   *
   * @param limit the most units all replicas together may hold, {@code > 0}
   * @param failurePolicy what the limit allows while Redis is unreachable: {@code failOpen} (the
   *     default) or {@code failClosed}
   */
  public record Limit(long limit, FailurePolicy failurePolicy) {
    /** Checks for null. */
    public Limit {
      Objects.requireNonNull(failurePolicy, "failurePolicy");
    }
  }
}
