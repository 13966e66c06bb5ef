package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisCoordinatorBuilderTest {
  private final RedisCoordinatorBuilder builder =
      RedisCoordinator.builder(RedisURI.create("redis://127.0.0.1:1"), "pool");

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> RedisCoordinator.builder(RedisURI.create("redis://h"), "a}b"))
        .hasMessage("pool: 'a}b' (expected: not empty, no '{' or '}')");
    assertThatThrownBy(() -> builder.syncInterval(Duration.ZERO))
        .hasMessage("syncInterval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.commandTimeout(Duration.ofMillis(-1)))
        .hasMessage("commandTimeout: PT-0.001S (expected: > 0)");
    assertThatThrownBy(() -> builder.requestQueueSize(0))
        .hasMessage("requestQueueSize: 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder.failureThreshold(0))
        .hasMessage("failureThreshold: 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder.expectedReplicas(0))
        .hasMessage("expectedReplicas: 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder.headroom(-1)).hasMessage("headroom: -1 (expected: >= 0)");
    assertThatThrownBy(() -> builder.replicaId(""))
        .hasMessage("replicaId: '' (expected: not empty, no '{' or '}')");
  }

  @Test
  void theSyncIntervalMayNotExceedTheHeartbeat() {
    assertThatThrownBy(
            () ->
                builder
                    .syncInterval(Duration.ofSeconds(2))
                    .heartbeatInterval(Duration.ofSeconds(1))
                    .build())
        .hasMessage("syncInterval: PT2S (expected: <= heartbeatInterval PT1S)");
  }
}
