package dev.sluice.cluster;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.UUID;

/**
 * Configures a {@link RedisCoordinator}. Every setting has a default but the Redis address and the
 * pool name; {@link #build()} validates and starts syncing.
 */
public final class RedisCoordinatorBuilder {
  final RedisURI uri;
  final String pool;
  String replicaId = "replica";
  Duration syncInterval = Duration.ofMillis(50);
  Duration heartbeatInterval = Duration.ofSeconds(1);
  Duration commandTimeout = Duration.ofMillis(50);
  Duration maxReconnectDelay = Duration.ofMillis(500);
  Duration decay = Duration.ofSeconds(10);
  int requestQueueSize = 64;
  int failureThreshold = 2;
  int expectedReplicas = 1;
  long headroom;
  boolean strict;
  Ticker ticker = Ticker.system();
  Scheduler scheduler = Scheduler.system();

  RedisCoordinatorBuilder(RedisURI uri, String pool) {
    this.uri = uri;
    this.pool = Checks.checkName("pool", pool);
  }

  /**
   * This replica's name in Redis (default {@code replica}); a random epoch is appended, so a
   * restarted replica never inherits its earlier incarnation's reservations.
   */
  public RedisCoordinatorBuilder replicaId(String replicaId) {
    this.replicaId = Checks.checkName("replicaId", replicaId);
    return this;
  }

  /** How often to sync reservations and renew the heartbeat (default 50 ms). */
  public RedisCoordinatorBuilder syncInterval(Duration syncInterval) {
    this.syncInterval = positive("syncInterval", syncInterval);
    return this;
  }

  /**
   * The heartbeat interval (default 1 s): a replica not heard from for three of them is dead, and
   * its reservations go back to the others.
   */
  public RedisCoordinatorBuilder heartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = positive("heartbeatInterval", heartbeatInterval);
    return this;
  }

  /** How long one Redis call may take before it counts as failed (default 50 ms). */
  public RedisCoordinatorBuilder commandTimeout(Duration commandTimeout) {
    this.commandTimeout = positive("commandTimeout", commandTimeout);
    return this;
  }

  /** The cap of the jittered reconnect back-off (default 500 ms). */
  public RedisCoordinatorBuilder maxReconnectDelay(Duration maxReconnectDelay) {
    this.maxReconnectDelay = positive("maxReconnectDelay", maxReconnectDelay);
    return this;
  }

  /** How long a fail-open share takes to reach {@code limit / liveReplicas} (default 10 s). */
  public RedisCoordinatorBuilder decay(Duration decay) {
    this.decay = positive("decay", decay);
    return this;
  }

  /** Commands Lettuce may hold before rejecting more (default 64). */
  public RedisCoordinatorBuilder requestQueueSize(int requestQueueSize) {
    checkArgument(requestQueueSize >= 1, "requestQueueSize: %s (expected: >= 1)", requestQueueSize);
    this.requestQueueSize = requestQueueSize;
    return this;
  }

  /** Consecutive failed syncs before the coordinator degrades (default 2). */
  public RedisCoordinatorBuilder failureThreshold(int failureThreshold) {
    checkArgument(failureThreshold >= 1, "failureThreshold: %s (expected: >= 1)", failureThreshold);
    this.failureThreshold = failureThreshold;
    return this;
  }

  /** The live replica count to assume until Redis has been reached once (default 1). */
  public RedisCoordinatorBuilder expectedReplicas(int expectedReplicas) {
    checkArgument(expectedReplicas >= 1, "expectedReplicas: %s (expected: >= 1)", expectedReplicas);
    this.expectedReplicas = expectedReplicas;
    return this;
  }

  /**
   * Units reserved ahead of use in batched mode (default 0: {@code max(1, limit / (4 * live
   * replicas))}). More headroom means fewer syncs on demand, and more capacity idle on one replica
   * while another waits for the next sync.
   */
  public RedisCoordinatorBuilder headroom(long headroom) {
    checkArgument(headroom >= 0, "headroom: %s (expected: >= 0)", headroom);
    this.headroom = headroom;
    return this;
  }

  /**
   * Strict mode (default off): reserve no headroom, sync on every refusal and every release, so
   * each replica's reservation follows its in-flight count; about two Redis calls per request.
   */
  public RedisCoordinatorBuilder strict(boolean strict) {
    this.strict = strict;
    return this;
  }

  /** The clock of the degraded-share decay and the sync throttle (default the system's). */
  public RedisCoordinatorBuilder ticker(Ticker ticker) {
    this.ticker = ticker;
    return this;
  }

  /** Runs the syncs (default the core's shared scheduler thread). */
  public RedisCoordinatorBuilder scheduler(Scheduler scheduler) {
    this.scheduler = scheduler;
    return this;
  }

  /**
   * A started coordinator.
   *
   * @throws IllegalArgumentException if {@code syncInterval > heartbeatInterval}
   */
  public RedisCoordinator build() {
    checkArgument(
        syncInterval.compareTo(heartbeatInterval) <= 0,
        "syncInterval: %s (expected: <= heartbeatInterval %s)",
        syncInterval,
        heartbeatInterval);
    String replica = replicaId + "-" + UUID.randomUUID().toString().substring(0, 8);
    RedisLink link = new RedisLink(uri, commandTimeout, requestQueueSize, maxReconnectDelay);
    return new RedisCoordinator(this, replica, link).start();
  }

  private static Duration positive(String field, Duration value) {
    checkArgument(!value.isNegative() && !value.isZero(), "%s: %s (expected: > 0)", field, value);
    return value;
  }
}
