package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis failures under replicas that hold units: killed and restarted (data and scripts lost), and
 * hung (SIGSTOP, so timed-out commands run late). The decay of fail-open shares runs on a fake
 * clock; Redis's own time is real, so waits poll for events with a deadline.
 */
class RedisFaultTest {
  private static final Duration DECAY = Duration.ofSeconds(10);
  private static RedisServer redis;
  private Replicas replicas;
  private final ManualClock clock = new ManualClock();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void setUp() {
    replicas = new Replicas(redis);
  }

  @AfterEach
  void tearDown() {
    replicas.close();
  }

  private RedisCoordinator start(String pool, String id) {
    return replicas.start(replicas.builder(pool, id).strict(true).ticker(clock).decay(DECAY));
  }

  private static void take(GlobalLimit limit, int units) {
    long target = limit.inUse() + units;
    Await.until(
        limit.name() + " holds " + target,
        () -> limit.tryAcquire() && limit.inUse() == target || limit.inUse() == target);
  }

  @Test
  void aRestartDegradesToTheLocalShareAndRecoversWithoutDrift() {
    RedisCoordinator a = start("outage", "a");
    RedisCoordinator b = start("outage", "b");
    GlobalLimit limitA = a.limit("pool", 6, FailurePolicy.FAIL_OPEN);
    GlobalLimit limitB = b.limit("pool", 6, FailurePolicy.FAIL_OPEN);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterMetrics.bind(a, registry);
    take(limitA, 2);
    take(limitB, 1);
    Await.until(
        "each sees the other",
        () ->
            limitA.othersReserved() == 1
                && limitB.othersReserved() == 2
                && a.liveReplicas() == 2
                && b.liveReplicas() == 2);

    redis.kill();
    Await.until("both degraded", () -> a.mode() == Mode.DEGRADED && b.mode() == Mode.DEGRADED);
    assertThat(registry.get("sluice.cluster.mode").tag("mode", "degraded").gauge().value())
        .isEqualTo(1.0);
    // The share starts from what each held, and decays to limit / live replicas = 3.
    assertThat(limitA.allowed()).isEqualTo(2);
    assertThat(limitB.allowed()).isEqualTo(1);
    assertThat(limitA.tryAcquire()).isFalse();
    clock.advance(DECAY);
    Await.until("the shares decayed", () -> limitA.allowed() == 3 && limitB.allowed() == 3);
    take(limitA, 1); // fail-open: admitting goes on, without a single error
    take(limitB, 2);
    assertThat(limitA.tryAcquire()).isFalse();

    redis.restart();
    Await.until("both global", () -> a.mode() == Mode.GLOBAL && b.mode() == Mode.GLOBAL);
    assertThat(registry.get("sluice.cluster.mode").tag("mode", "global").gauge().value())
        .isEqualTo(1.0);
    // Redis lost everything; the replicas' absolute writes rebuild exactly what they hold.
    Await.until(
        "Redis holds the ground truth",
        () -> {
          Map<String, String> stored = replicas.reservations("outage", "pool");
          return "3".equals(stored.get("r:" + a.replica()))
              && "3".equals(stored.get("r:" + b.replica()));
        });
    assertThat(limitA.tryAcquire()).isFalse();
    for (int i = 0; i < 3; i++) {
      limitA.release();
      limitB.release();
    }
    Await.until(
        "all returned",
        () -> {
          Map<String, String> stored = replicas.reservations("outage", "pool");
          return "0".equals(stored.get("r:" + a.replica()))
              && "0".equals(stored.get("r:" + b.replica()));
        });
  }

  @Test
  void failClosedAdmitsNothingNewWhileRedisIsDown() {
    RedisCoordinator a = start("closed", "a");
    GlobalLimit limit = a.limit("pool", 4, FailurePolicy.FAIL_CLOSED);
    take(limit, 2);

    redis.kill();
    Await.until("degraded", () -> a.mode() == Mode.DEGRADED);
    assertThat(limit.allowed()).isZero();
    assertThat(limit.tryAcquire()).isFalse();
    limit.release(); // work admitted before runs on and ends normally
    assertThat(limit.inUse()).isEqualTo(1);

    redis.restart();
    Await.until("global", () -> a.mode() == Mode.GLOBAL);
    assertThat(limit.tryAcquire()).isFalse(); // no growth until every replica re-published
    clock.advance(Duration.ofMillis(2_900));
    assertThat(limit.tryAcquire()).isFalse(); // that is, for one heartbeat TTL (3 x 1 s)
    clock.advance(Duration.ofMillis(100));
    take(limit, 3);
    assertThat(limit.tryAcquire()).isFalse();
    for (int i = 0; i < 4; i++) {
      limit.release();
    }
  }

  @Test
  void aHungRedisRunsTimedOutWritesLateWithoutDrift() throws Exception {
    RedisCoordinator a = start("hung", "a");
    GlobalLimit limit = a.limit("pool", 5, FailurePolicy.FAIL_OPEN);
    take(limit, 2);
    Await.until(
        "reserved",
        () -> "2".equals(replicas.reservations("hung", "pool").get("r:" + a.replica())));

    redis.signal("STOP");
    try {
      Await.until("degraded", () -> a.mode() == Mode.DEGRADED);
      limit.release(); // the writes that time out now run once Redis resumes
    } finally {
      redis.signal("CONT");
    }
    Await.until("global", () -> a.mode() == Mode.GLOBAL);
    Await.until(
        "Redis holds the ground truth",
        () -> "1".equals(replicas.reservations("hung", "pool").get("r:" + a.replica())));
    limit.release();
  }
}
