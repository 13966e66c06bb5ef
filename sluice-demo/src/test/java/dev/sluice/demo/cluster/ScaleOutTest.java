package dev.sluice.demo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three gateway replicas in separate processes behind a skewed load balancer (tenant {@code a}
 * pinned to replica 0), one shared simulated backend, a real {@code redis-server} on a free
 * loopback port (Debian package {@code redis-server}; the test skips, naming it, where it is
 * absent).
 */
class ScaleOutTest {

  private static final Trace TRACE =
      new Trace(6, 16, 1, Duration.ofSeconds(1), Duration.ofSeconds(3), 15L);

  private static RedisProcess redis;

  @BeforeAll
  static void startRedis() throws Exception {
    assumeTrue(RedisProcess.binary() != null, RedisProcess.MISSING);
    redis = RedisProcess.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void eachReplicaAloneLeavesThePinnedTenantAFractionAndAdmitsTheWholeLimit() throws Exception {
    Score local = ScaleOut.score(Setup.LOCAL, Balance.SKEWED, TRACE, null);
    Score.header().forEach(System.out::println);
    System.out.println(local.row());

    assertThat(local.errors()).isZero();
    // Replica 0 splits its part among a, b and c while b and c have two more replicas to
    // themselves: a gets about a ninth. And each replica admits the whole limit.
    assertThat(local.pinnedShare()).isLessThan(0.2);
    assertThat(local.maxInFlight()).isGreaterThan(TRACE.limit());
  }

  @Test
  void redisCorrectsThePinnedTenantsShareAndRidesOutEveryFault() throws Exception {
    try (Fleet fleet = new Fleet(Setup.REDIS, TRACE.limit(), redis);
        LoadDriver driver = new LoadDriver(fleet.replicas(), Balance.SKEWED, TRACE.seed())) {
      Score shared = ScaleOut.score(fleet, driver, TRACE, redis);
      Score.header().forEach(System.out::println);
      System.out.println(shared.row());

      assertThat(shared.errors()).isZero();
      // Replica 0 serves a first (b and c were served elsewhere), so a gets what replica 0 holds
      // of the limit: about its third, or more when replica 0 keeps more than its part (batched
      // mode does not rebalance busy replicas: 0.27 to 0.58 measured), never the ninth it gets
      // alone. And the fleet never runs more than the limit.
      assertThat(shared.pinnedShare()).isGreaterThan(0.22);
      assertThat(shared.maxInFlight()).isLessThanOrEqualTo(TRACE.limit());

      FaultDrill.Drill drill = FaultDrill.run(fleet, driver, TRACE, redis);
      ClusterDemo.print(drill, System.out);
      assertThat(drill.faults()).hasSize(4);
      for (Fault fault : drill.faults()) {
        assertThat(fault.errors()).as(fault.name()).isZero();
        assertThat(fault.maxInFlight()).as(fault.name()).isLessThanOrEqualTo(fault.bound());
      }
      // The dead replica's service stays in the totals (no refund to its tenants).
      assertThat(drill.retiredAfter()).isGreaterThanOrEqualTo(drill.victimService());
      assertThat(drill.unitsAfter()).isZero();
    }
  }
}
