package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cluster.RedisServer;
import dev.sluice.sim.load.SseCall;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three gateway replicas sharing the pool's concurrency limit through a real {@code redis-server}
 * (Debian package {@code redis-server}; the Redis tests skip, naming it, where it is absent). Each
 * replica alone allows {@value #LOCAL_MAX} requests in flight, {@value #REPLICAS} × {@value
 * #LOCAL_MAX} in all; the pool's global limit is {@value #LIMIT}. A bounded load of {@value #CALLS}
 * streaming calls is spread evenly over the replicas, and the backends count what runs at once.
 */
class ReplicasTest {

  private static final int REPLICAS = 3;
  private static final int LOCAL_MAX = 4;
  private static final int LIMIT = 5;
  private static final int CALLS = 30;

  @Test
  void redisKeepsTheFleetUnderThePoolLimit() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ReplicaFleet fleet = new ReplicaFleet(REPLICAS, config("redis", redis, "strict: true"))) {
      assertThat(fleet.allInMode("global")).isTrue();
      assertThat(fleet.metrics(0)).contains("sluice_cluster_limit_allowed{limit=\"pool\"");

      spread(fleet);
      // Strict mode leaves no unit idle: the fleet runs LIMIT while enough are waiting where
      // their replica has room.
      while (fleet.finished.get() < CALLS) {
        fleet.await(
            "the fleet runs all it can, at most " + LIMIT,
            () -> fleet.running.get() == fleet.runnable(LOCAL_MAX, LIMIT));
        fleet.finishRunning();
      }
      fleet.awaitCalls();

      assertThat(fleet.errors).isEmpty();
      assertThat(fleet.maxRunning.get()).isEqualTo(LIMIT);
      fleet.await("every reservation in Redis back to 0", () -> reserved(redis) == 0);
    }
  }

  @Test
  void localReplicasEachAdmitTheWholeLimit() {
    // The same configuration in mode local: each replica enforces the limit on its own, so the
    // fleet runs all the replicas' own capacity at once, more than the pool's limit.
    try (ReplicaFleet fleet = new ReplicaFleet(REPLICAS, config("local", null, "strict: false"))) {
      assertThat(fleet.allInMode("local")).isTrue();

      spread(fleet);
      while (fleet.finished.get() < CALLS) {
        fleet.await(
            "the fleet runs all its replicas can",
            () -> fleet.running.get() == fleet.runnable(LOCAL_MAX, Long.MAX_VALUE));
        fleet.finishRunning();
      }
      fleet.awaitCalls();

      assertThat(fleet.errors).isEmpty();
      assertThat(fleet.maxRunning.get()).isEqualTo(REPLICAS * LOCAL_MAX).isGreaterThan(LIMIT);
    }
  }

  @Test
  void failOpenRidesOutARedisRestartWithoutAnError() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ReplicaFleet fleet = new ReplicaFleet(REPLICAS, config("redis", redis, "strict: false"))) {
      fleet.await("every replica global", () -> fleet.allInMode("global"));
      spread(fleet);
      runUntilFinished(fleet, CALLS / 3);

      redis.kill();
      fleet.await("every replica degraded", () -> fleet.allInMode("degraded"));
      runUntilFinished(fleet, 2 * CALLS / 3);

      redis.restart();
      fleet.await("every replica global again", () -> fleet.allInMode("global"));
      runUntilFinished(fleet, CALLS);
      fleet.awaitCalls();

      assertThat(fleet.errors).isEmpty();
      // Fail-open shares start from the last grants (summing to at most LIMIT) and decay to
      // max(1, LIMIT / REPLICAS) each, so the bound holds through the outage too.
      assertThat(fleet.maxRunning.get()).isBetween(1, LIMIT);
      // No drift: once idle, the replicas' reservations in the restarted Redis are 0.
      fleet.await("every reservation in Redis back to 0", () -> reserved(redis) == 0);
    }
  }

  @Test
  void globalFairnessYieldsToAFlowServedOnAnotherReplica() throws Exception {
    String yaml =
        """
        server: {port: 0, gracefulShutdown: 5s}
        admin: {port: 0}
        backends: %BACKENDS%
        saturation: {detector: concurrency, maxConcurrency: 1}
        flowControl:
          defaultTtl: 0s
          bands: [{priority: 0}]
        cluster:
          mode: redis
          uri: URI
          pool: fair
          replicaId: replica-%REPLICA%
          commandTimeout: 250ms
          fairness: global
        """;
    try (RedisServer redis = RedisServer.start();
        ReplicaFleet fleet =
            new ReplicaFleet(
                2, yaml.replace("URI", "redis://127.0.0.1:" + redis.uri().getPort()))) {
      // Replica 1 is busy; a and b each queue three calls there, backlogged together.
      fleet.call(1, "c");
      fleet.await("c runs", () -> fleet.running.get() == 1);
      for (int i = 0; i < 3; i++) {
        fleet.call(1, "a");
        fleet.call(1, "b");
      }
      fleet.await("six queued on replica 1", () -> fleet.queued() == 6);

      // Replica 0 serves a a large request meanwhile; replica 1 learns it at its next syncs. A
      // fairness policy sees only what was queued (a request dispatched on arrival never meets
      // it), so a queues there behind d, which is then cancelled.
      SseCall blocker = fleet.call(0, "d");
      fleet.await("d runs", () -> fleet.running.get() == 2);
      fleet.call(0, "a", 400);
      fleet.await("a queued on replica 0", () -> fleet.queued() == 7);
      blocker.cancel();
      String key = "sluice:{fair}:svc:band0:a";
      fleet.await("replica 0 published a's service", () -> field(redis, key, "v:replica-0-") > 0);
      for (int round = 0; round < 2; round++) { // two publications: the first one's reply is in
        double before = field(redis, key, "s:replica-1-");
        fleet.await("replica 1 synced a", () -> field(redis, key, "s:replica-1-") > before);
      }

      for (int i = 0; i < 7; i++) {
        fleet.finishRunning();
        int dispatchedOnReplica1 = i + 2;
        fleet.await(
            "the next dispatch on replica 1",
            () ->
                fleet.dispatched.stream().filter(d -> d.startsWith("1/")).count()
                    >= Math.min(dispatchedOnReplica1, 7));
      }
      fleet.awaitCalls();

      // Weighted fair by this replica's service alone would alternate a and b.
      assertThat(fleet.dispatched.stream().filter(d -> d.startsWith("1/")))
          .containsExactly("1/c", "1/b", "1/b", "1/b", "1/a", "1/a", "1/a");
      assertThat(fleet.errors)
          .hasSize(2)
          .anyMatch(e -> e.startsWith("0/d: "))
          .anyMatch(e -> e.startsWith("a backend saw request"));
    }
  }

  /** The value of the first field of hash {@code key} whose name starts with {@code prefix}. */
  private static double field(RedisServer redis, String key, String prefix) {
    return redis.call(c -> c.hgetall(key)).entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToDouble(e -> Double.parseDouble(e.getValue()))
        .findFirst()
        .orElse(-1);
  }

  /** Sends the calls, evenly over the replicas, three tenants on each. */
  private static void spread(ReplicaFleet fleet) {
    for (int i = 0; i < CALLS; i++) {
      fleet.call(i % REPLICAS, "tenant-" + (i % 3));
    }
  }

  /** Finishes what runs, again and again, until {@code count} calls have finished. */
  private static void runUntilFinished(ReplicaFleet fleet, int count) {
    while (fleet.finished.get() < count) {
      fleet.await("something running", () -> fleet.running.get() > 0);
      fleet.finishRunning();
    }
  }

  /** The units all replicas reserve in Redis for the pool's limit. */
  private static long reserved(RedisServer redis) {
    Map<String, String> fields = redis.call(c -> c.hgetall("sluice:{replicas}:limit:pool"));
    return fields.entrySet().stream()
        .filter(e -> e.getKey().startsWith("r:"))
        .mapToLong(e -> Long.parseLong(e.getValue()))
        .sum();
  }

  private static String config(String mode, RedisServer redis, String strict) {
    return """
        server: {port: 0, gracefulShutdown: 5s}
        admin: {port: 0}
        backends: %BACKENDS%
        saturation: {detector: concurrency, maxConcurrency: LOCAL_MAX}
        flowControl:
          defaultTtl: 0s
        cluster:
          mode: MODE
          URI
          pool: replicas
          replicaId: replica-%REPLICA%
          commandTimeout: 250ms
          decay: 1s
          expectedReplicas: REPLICAS
          STRICT
          limits:
            pool: {limit: LIMIT, failurePolicy: failOpen}
        """
        .replace("LOCAL_MAX", Integer.toString(LOCAL_MAX))
        .replace("MODE", mode)
        .replace("URI", redis == null ? "" : "uri: redis://127.0.0.1:" + redis.uri().getPort())
        .replace("REPLICAS", Integer.toString(REPLICAS))
        .replace("STRICT", strict)
        .replace("LIMIT", Integer.toString(LIMIT));
  }
}
