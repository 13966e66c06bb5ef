package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.cluster.FailurePolicy;
import dev.sluice.gateway.config.ClusterConfig.Limit;
import dev.sluice.gateway.config.ClusterConfig.Mode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code cluster} section: its defaults, every key, and its errors with their paths. */
class ClusterConfigTest {

  @Test
  void withoutAClusterSectionEveryLimitIsLocal() {
    GatewayConfig config = GatewayConfig.parse("");

    assertThat(config.cluster()).isEqualTo(ClusterConfig.none());
    assertThat(config.cluster().mode()).isEqualTo(Mode.LOCAL);
    assertThat(config.cluster().poolLimit()).isNull();
  }

  @Test
  void readsEveryKey() {
    ClusterConfig cluster =
        GatewayConfig.parse(
                """
                cluster:
                  mode: redis
                  uri: redis://10.0.0.5:6380
                  pool: llama
                  replicaId: gw-1
                  syncInterval: 20ms
                  heartbeatInterval: 500ms
                  commandTimeout: 30ms
                  decay: 5s
                  strict: true
                  headroom: 4
                  expectedReplicas: 3
                  limits:
                    pool: {limit: 48, failurePolicy: failClosed}
                  fairness: global
                """)
            .cluster();

    assertThat(cluster)
        .isEqualTo(
            new ClusterConfig(
                Mode.REDIS,
                "redis://10.0.0.5:6380",
                "llama",
                "gw-1",
                Duration.ofMillis(20),
                Duration.ofMillis(500),
                Duration.ofMillis(30),
                Duration.ofSeconds(5),
                true,
                4,
                3,
                new Limit(48, FailurePolicy.FAIL_CLOSED),
                true));
  }

  @Test
  void redisModeNeedsOnlyAnAddressAndALimit() {
    ClusterConfig cluster =
        GatewayConfig.parse(
                """
                cluster: {mode: redis, uri: "redis://127.0.0.1:6379", limits: {pool: {limit: 8}}}
                """)
            .cluster();

    assertThat(cluster.poolLimit()).isEqualTo(new Limit(8, FailurePolicy.FAIL_OPEN));
    assertThat(cluster.pool()).isEqualTo("default");
    assertThat(cluster.replicaId()).isNull();
    assertThat(cluster.syncInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(cluster.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(cluster.strict()).isFalse();
    assertThat(cluster.globalFairness()).isFalse();
  }

  @Test
  void aLocalPoolLimitNeedsNoRedis() {
    ClusterConfig cluster = GatewayConfig.parse("cluster: {limits: {pool: {limit: 8}}}").cluster();

    assertThat(cluster.mode()).isEqualTo(Mode.LOCAL);
    assertThat(cluster.uri()).isNull();
    assertThat(cluster.poolLimit()).isEqualTo(new Limit(8, FailurePolicy.FAIL_OPEN));
  }

  @Test
  void everyErrorNamesItsPath() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    """
                    cluster:
                      mode: gossip
                      uri: "http://"
                      pool: "a{b}"
                      syncInterval: 2s
                      heartbeatInterval: 1s
                      commandTimeout: -5ms
                      strict: yes please
                      headroom: -1
                      expectedReplicas: 0
                      shards: 3
                      fairness: best
                      limits:
                        pool: {limit: 0, failurePolicy: maybe}
                        band: {limit: 1}
                    """));

    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "cluster.mode: 'gossip' (expected one of: local, redis)",
            "cluster.uri: not a Redis URI (expected one such as redis://host:6379)",
            "cluster.pool: 'a{b}' (expected no curly braces)",
            "cluster.syncInterval: PT2S (expected <= cluster.heartbeatInterval, PT1S)",
            "cluster.commandTimeout: '-5ms' (expected a duration > 0 such as 50ms, 2s, 1m)",
            "cluster.strict: 'yes please' (expected true or false)",
            "cluster.headroom: -1 (expected >= 0)",
            "cluster.expectedReplicas: 0 (expected >= 1)",
            "cluster.shards: unknown key (expected one of: mode, uri, pool, replicaId,"
                + " syncInterval, heartbeatInterval, commandTimeout, decay, strict, headroom,"
                + " expectedReplicas, limits, fairness)",
            "cluster.limits.pool.limit: 0 (expected >= 1)",
            "cluster.limits.pool.failurePolicy: 'maybe' (expected one of: failOpen, failClosed)",
            "cluster.limits.band: unknown key (expected one of: pool)",
            "cluster.fairness: 'best' (expected one of: local, global)");
  }

  @Test
  void valuesOfTheWrongShapeNameTheirPath() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    "cluster: {mode: 1, pool: ' ', replicaId: 7, limits: {pool: [1]}}"));

    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "cluster.mode: 1 (expected one of: local, redis)",
            "cluster.pool: ' ' (expected a non-empty string)",
            "cluster.replicaId: 7 (expected a string)",
            "cluster.limits.pool: [1] (expected a mapping)");
  }

  @Test
  void aSectionThatIsNotAMappingIsAnError() {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> GatewayConfig.parse("cluster: redis"));

    assertThat(e.errors()).containsExactly("cluster: 'redis' (expected a mapping)");
  }

  @Test
  void redisModeWithoutAnAddressOrALimitIsAnError() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> GatewayConfig.parse("cluster: {mode: redis}"));

    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "cluster.uri: missing (expected a Redis URI such as redis://host:6379 in mode redis)",
            "cluster.limits: none (expected 'pool', or cluster.fairness: global, in mode redis)");
  }

  @Test
  void aLimitWithoutItsValueIsAnError() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> GatewayConfig.parse("cluster: {limits: {pool: {failurePolicy: failOpen}}}"));

    assertThat(e.errors())
        .containsExactly("cluster.limits.pool.limit: missing (expected an integer >= 1)");
  }

  @Test
  void globalFairnessAloneIsEnoughInRedisMode() {
    ClusterConfig cluster =
        GatewayConfig.parse("cluster: {mode: redis, uri: 'redis://127.0.0.1', fairness: global}")
            .cluster();

    assertThat(cluster.globalFairness()).isTrue();
    assertThat(cluster.poolLimit()).isNull();
  }

  @Test
  void globalFairnessIsNotHierarchicalSoTenantKeysRefuseIt() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    """
                    tenants: {anonymous: {weight: 1}}
                    cluster: {fairness: global}
                    """));

    assertThat(e.errors())
        .containsExactly(
            "cluster.fairness: 'global' (expected local with tenants.mode keys: fairness between"
                + " tenants is not shared across replicas yet)");
  }
}
