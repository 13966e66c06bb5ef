package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Service shared through a real redis-server: fairness across replicas, and no refund on death. */
class SharedServiceRedisTest {

  @Test
  void serviceOnOneReplicaOrdersTheOthersBandAndOutlivesIt() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Replicas replicas = new Replicas(redis)) {
      Duration heartbeat = Duration.ofMillis(100);
      RedisCoordinator elsewhere =
          replicas.start(replicas.builder("fair", "a").heartbeatInterval(heartbeat));
      RedisCoordinator here =
          replicas.start(replicas.builder("fair", "b").heartbeatInterval(heartbeat));
      SharedService served = elsewhere.service("band");
      SharedService seen = here.service("band");
      try (DispatchOrder replica = new DispatchOrder(GlobalFairness.of(seen, key -> 1.0))) {
        replica.queue("a", 3).queue("b", 3);
        served.charge("a", 10); // the other replica served a while both were backlogged here
        Await.until("the service is seen here", () -> seen.total("a") >= 10);
        assertThat(replica.drain()).containsExactly("b", "b", "b", "a", "a", "a");
      }
      Await.until("b's service is seen there", () -> served.total("b") == 3);

      // The replica that served a dies: a keeps its service (no refund), folded in once.
      elsewhere.crash();
      String key = "sluice:{fair}:svc:band:a";
      Await.until(
          "the dead replica's service retired",
          () -> {
            seen.total("a"); // keeps the flow published
            return redis.call(r -> r.hgetall(key)).containsKey("retired");
          });
      Map<String, String> stored = redis.call(r -> r.hgetall(key));
      assertThat(Double.parseDouble(stored.get("retired"))).isEqualTo(10);
      assertThat(stored).doesNotContainKey("v:" + elsewhere.replica());
      Await.until("the total is stable", () -> seen.total("a") == 13);
    }
  }
}
