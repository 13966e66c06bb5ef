package dev.sluice.cluster;

import dev.sluice.flow.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Coordinators of one test on one Redis, closed together. */
final class Replicas implements AutoCloseable {
  private final RedisServer redis;
  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
  private final List<RedisCoordinator> started = new ArrayList<>();

  Replicas(RedisServer redis) {
    this.redis = redis;
  }

  /**
   * A builder with test timings: syncs every 20 ms, a generous command timeout (the machine is
   * shared, and a test about limits must not degrade by accident).
   */
  RedisCoordinatorBuilder builder(String pool, String id) {
    return RedisCoordinator.builder(redis.uri(), pool)
        .replicaId(id)
        .syncInterval(Duration.ofMillis(20))
        .heartbeatInterval(Duration.ofSeconds(1))
        .commandTimeout(Duration.ofMillis(250))
        .maxReconnectDelay(Duration.ofMillis(100))
        .scheduler(Scheduler.of(executor));
  }

  RedisCoordinator start(RedisCoordinatorBuilder builder) {
    RedisCoordinator coordinator = builder.build();
    synchronized (started) {
      started.add(coordinator);
    }
    return coordinator;
  }

  RedisCoordinator start(String pool, String id, boolean strict) {
    return start(builder(pool, id).strict(strict));
  }

  /** The reservations recorded in Redis for {@code limit} of {@code pool}, by replica. */
  Map<String, String> reservations(String pool, String limit) {
    return redis.call(redis -> redis.hgetall("sluice:{" + pool + "}:limit:" + limit));
  }

  @Override
  public void close() {
    synchronized (started) {
      for (RedisCoordinator coordinator : started) {
        coordinator.close();
      }
    }
    executor.shutdownNow();
  }
}
