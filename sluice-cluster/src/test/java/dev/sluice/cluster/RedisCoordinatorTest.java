package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas in one JVM sharing limits through one real redis-server (no faults: see the fault test).
 */
class RedisCoordinatorTest {
  private static RedisServer redis;
  private Replicas replicas;

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

  @ParameterizedTest(name = "strict={0}")
  @ValueSource(booleans = {true, false})
  void globalInFlightNeverExceedsTheLimit(boolean strict) throws Exception {
    String pool = "bound-" + strict;
    int limit = 6;
    int admissionsPerThread = 150;
    List<RedisCoordinator> coordinators = new ArrayList<>();
    List<GlobalLimit> limits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      coordinators.add(replicas.start(pool, "r" + i, strict));
      limits.add(coordinators.get(i).limit("pool", limit, FailurePolicy.FAIL_OPEN));
    }
    long startedAt = System.nanoTime();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicIntegerArray admitted = new AtomicIntegerArray(3);
    List<Thread> threads = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (int t = 0; t < 6; t++) {
      int replica = t % 3;
      GlobalLimit share = limits.get(replica);
      Thread thread =
          new Thread(
              () -> {
                int done = 0;
                while (done < admissionsPerThread && System.nanoTime() - deadline < 0) {
                  if (!share.tryAcquire()) {
                    LockSupport.parkNanos(100_000);
                    continue;
                  }
                  maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  for (int spin = 0; spin < 50; spin++) {
                    Thread.yield(); // hold the unit for a moment, so that units overlap
                  }
                  inFlight.decrementAndGet();
                  share.release();
                  admitted.incrementAndGet(replica);
                  done++;
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    long rounds = coordinators.stream().mapToLong(RedisCoordinator::rounds).sum();
    System.out.printf(
        "strict=%s: %d admissions in %d ms, max in flight %d of %d, %d sync calls (%.2f per"
            + " admission, periodic ones included)%n",
        strict,
        6 * admissionsPerThread,
        Duration.ofNanos(System.nanoTime() - startedAt).toMillis(),
        maxInFlight.get(),
        limit,
        rounds,
        (double) rounds / (6 * admissionsPerThread));
    assertThat(maxInFlight.get()).isLessThanOrEqualTo(limit).isGreaterThan(1);
    for (int i = 0; i < 3; i++) {
      assertThat(admitted.get(i)).as("replica %s", i).isEqualTo(2 * admissionsPerThread);
    }
    // Idle again: every replica hands its share back, and Redis holds exactly that.
    Await.until(
        "all reservations returned",
        () ->
            replicas.reservations(pool, "pool").entrySet().stream()
                .filter(e -> e.getKey().startsWith("r:"))
                .allMatch(e -> e.getValue().equals("0")));
    for (GlobalLimit share : limits) {
      assertThat(share.inUse()).isZero();
      assertThat(share.allowed()).isZero();
    }
  }

  @Test
  void aCrashedReplicasShareReturnsAfterItsHeartbeatExpires() {
    String pool = "crash";
    Duration heartbeat = Duration.ofMillis(100);
    RedisCoordinator crashing =
        replicas.start(replicas.builder(pool, "a").heartbeatInterval(heartbeat).strict(true));
    RedisCoordinator survivor =
        replicas.start(replicas.builder(pool, "b").heartbeatInterval(heartbeat).strict(true));
    GlobalLimit held = crashing.limit("pool", 4, FailurePolicy.FAIL_OPEN);
    GlobalLimit waiting = survivor.limit("pool", 4, FailurePolicy.FAIL_OPEN);
    int[] taken = {0};
    Await.until(
        "the first replica holds the whole limit",
        () -> {
          if (held.tryAcquire()) {
            taken[0]++;
          }
          return taken[0] == 4;
        });
    assertThat(waiting.tryAcquire()).isFalse();
    Await.until("the survivor sees the reservation", () -> waiting.othersReserved() == 4);
    assertThat(waiting.tryAcquire()).isFalse();

    long crashedAt = System.nanoTime();
    crashing.crash();
    int[] reclaimed = {0};
    Await.until(
        "the survivor gets the crashed replica's units",
        () -> {
          if (waiting.tryAcquire()) {
            reclaimed[0]++;
          }
          return reclaimed[0] == 4;
        });
    System.out.printf(
        "capacity reclaimed %d ms after the crash (heartbeat TTL %d ms)%n",
        Duration.ofNanos(System.nanoTime() - crashedAt).toMillis(), 3 * heartbeat.toMillis());
    assertThat(waiting.othersReserved()).isZero();
    assertThat(replicas.reservations(pool, "pool"))
        .containsOnlyKeys("r:" + survivor.replica(), "s:" + survivor.replica());
  }

  @Test
  void aRefusedReplicaGetsCapacityOnceAnotherFreesItWithoutAskingAgain() {
    RedisCoordinator holder = replicas.start("waiting", "a", false);
    RedisCoordinator waiter = replicas.start("waiting", "b", false);
    GlobalLimit held = holder.limit("pool", 3, FailurePolicy.FAIL_OPEN);
    GlobalLimit wanted = waiter.limit("pool", 3, FailurePolicy.FAIL_OPEN);
    int[] taken = {0};
    Await.until(
        "the holder has the whole limit",
        () -> {
          taken[0] += held.tryAcquire() ? 1 : 0;
          return taken[0] == 3;
        });
    // As the flow controller does: a queued request is retried only when the share grows. The
    // listeners run after each round, before the next one (which would hand an unused grant back),
    // so the one waiting request takes its unit there.
    AtomicBoolean takenOnWake = new AtomicBoolean();
    wanted.addListener(
        () -> {
          if (!takenOnWake.get() && wanted.tryAcquire()) {
            takenOnWake.set(true);
          }
        });
    // One refusal, seen by a sync that finds nothing left; the waiter never asks again itself.
    Await.until("a refused sync", () -> !wanted.tryAcquire() && wanted.othersReserved() == 3);
    for (int i = 0; i < 3; i++) {
      held.release();
    }
    Await.until("the waiter, woken by its growing share, takes a unit", takenOnWake::get);
    assertThat(wanted.inUse()).isEqualTo(1);
    wanted.release();
  }

  @Test
  void oneRoundSyncsSeveralLimitsIndependently() {
    RedisCoordinator a = replicas.start("several", "a", true);
    RedisCoordinator b = replicas.start("several", "b", true);
    GlobalLimit flowA = a.limit("flow:tenant", 2, FailurePolicy.FAIL_OPEN);
    GlobalLimit flowB = b.limit("flow:tenant", 2, FailurePolicy.FAIL_OPEN);
    GlobalLimit poolB = b.limit("pool", 3, FailurePolicy.FAIL_CLOSED);
    int[] held = {0, 0};
    Await.until(
        "a holds the flow's limit, b the pool's",
        () -> {
          held[0] += flowA.tryAcquire() ? 1 : 0;
          held[1] += poolB.tryAcquire() ? 1 : 0;
          return held[0] == 2 && held[1] == 3;
        });
    // b's share of the flow limit is synced once b wants some: none is left.
    Await.until(
        "b sees a's flow reservation", () -> !flowB.tryAcquire() && flowB.othersReserved() == 2);
    assertThat(flowB.inUse()).isZero();
    assertThat(replicas.reservations("several", "flow:tenant"))
        .containsEntry("r:" + a.replica(), "2");
    assertThat(replicas.reservations("several", "pool")).containsEntry("r:" + b.replica(), "3");
  }

  @Test
  void theReplicasOwnClocksDoNotMatter() {
    // Heartbeats and expiry run on Redis's clock; a replica's ticker only paces its own rounds.
    ManualClock early = new ManualClock();
    ManualClock late = new ManualClock();
    late.advance(Duration.ofDays(10));
    RedisCoordinator a =
        replicas.start(
            replicas.builder("skew", "a").ticker(early).heartbeatInterval(Duration.ofMillis(100)));
    RedisCoordinator b =
        replicas.start(
            replicas.builder("skew", "b").ticker(late).heartbeatInterval(Duration.ofMillis(100)));
    GlobalLimit limitA = a.limit("pool", 2, FailurePolicy.FAIL_OPEN);
    GlobalLimit limitB = b.limit("pool", 2, FailurePolicy.FAIL_OPEN);
    Await.until(
        "a holds both units",
        () -> limitA.tryAcquire() && limitA.inUse() == 2 || limitA.inUse() == 2);
    Await.until("b sees them", () -> !limitB.tryAcquire() && limitB.othersReserved() == 2);
    a.crash();
    Await.until(
        "b gets them back",
        () -> limitB.tryAcquire() && limitB.inUse() == 2 || limitB.inUse() == 2);
  }

  @Test
  void aReplayedOrLateWriteChangesNothing() {
    String hb = "sluice:{replay}:hb";
    String key = "sluice:{replay}:limit:pool";
    assertThat(sync(hb, key, "a", 5, 10, 3, 3)).containsExactly(1L, 3L, 0L);
    // The same replica's older write arrives late (Lettuce replays abandoned commands): ignored.
    assertThat(sync(hb, key, "a", 4, 10, 9, 9)).containsExactly(1L, 3L, 0L);
    assertThat(sync(hb, key, "a", 5, 10, 9, 9)).containsExactly(1L, 3L, 0L);
    // Another replica gets only what is left.
    assertThat(sync(hb, key, "b", 1, 10, 0, 10)).containsExactly(2L, 7L, 3L);
    Map<String, String> stored = redis.call(r -> r.hgetall(key));
    assertThat(stored).isEqualTo(Map.of("r:a", "3", "s:a", "5", "r:b", "7", "s:b", "1"));
  }

  private static List<Object> sync(
      String hb, String key, String replica, long seq, long limit, long inUse, long want) {
    return redis.call(
        r ->
            r.eval(
                RedisLink.script(),
                ScriptOutputType.MULTI,
                new String[] {hb, key},
                replica,
                Long.toString(seq),
                "60000",
                "sync",
                Long.toString(limit),
                Long.toString(inUse),
                Long.toString(want)));
  }

  @Test
  void scriptFlushIsHandledByReloading() {
    redis.call(r -> r.scriptFlush()); // whatever the tests before loaded
    RedisCoordinator coordinator = replicas.start("flush", "a", false);
    GlobalLimit limit = coordinator.limit("pool", 3, FailurePolicy.FAIL_OPEN);
    Await.until("a first grant", limit::tryAcquire);
    long loads = coordinator.scriptLoads();
    long failures = coordinator.failures();
    assertThat(loads).isPositive();

    redis.call(r -> r.scriptFlush());
    long rounds = coordinator.rounds();
    Await.until("the script reloaded", () -> coordinator.scriptLoads() > loads);
    Await.until("rounds go on", () -> coordinator.rounds() > rounds + 3);
    assertThat(coordinator.failures()).isEqualTo(failures);
    assertThat(coordinator.mode()).isEqualTo(Mode.GLOBAL);
    limit.release();
  }
}
