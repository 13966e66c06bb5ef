package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A leased flow is never collected; an idle one is, after the timeout, with its counts moved to its
 * band; a lease on a collected flow gets its replacement; a dynamic band goes once it has had no
 * flow for its timeout, a configured one never; one collector run is scheduled at a time.
 */
class FlowRegistryTest {
  private final ManualClock clock = new ManualClock();
  private final Recorder recorder = new Recorder();
  private final FlowControllerConfig config =
      FlowControllerConfig.builder()
          .bands(BandConfig.of(0))
          .flowIdleTimeout(Duration.ofSeconds(4))
          .bandIdleTimeout(Duration.ofSeconds(8))
          .ticker(clock)
          .scheduler(clock)
          .listener(recorder)
          .build();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final GuardedScheduler scheduler = new GuardedScheduler(clock);
  private final Endings endings = new Endings(recorder);
  private final ShardSet shards = new ShardSet(config, clock, scheduler, (shard, token) -> {});
  private final FlowRegistry registry =
      new FlowRegistry(null, config, shards, scheduler, endings, closed);

  FlowRegistryTest() {
    registry.armCollector();
  }

  @Test
  void aLeasedFlowIsNeverCollected() {
    Flow flow = registry.lease(FlowKey.of("a", 0));
    clock.advance(Duration.ofSeconds(100));
    assertThat(recorder.lifecycle("flowCollected")).isZero();
    assertThat(registry.lease(FlowKey.of("a", 0))).as("still registered").isSameAs(flow);
  }

  @Test
  void anIdleFlowIsCollectedWithItsCountsMovedToItsBand() {
    Flow flow = registry.lease(FlowKey.of("a", 0));
    assertThat(recorder.lifecycle("flowCreated")).isOne();
    Endings.count(flow, Outcome.EVICTED_TTL);
    flow.release();
    clock.advance(Duration.ofSeconds(3));
    assertThat(recorder.lifecycle("flowCollected")).as("idle for less than the timeout").isZero();
    clock.advance(Duration.ofSeconds(4));
    assertThat(recorder.lifecycle("flowCollected")).isOne();
    FlowStats stats = registry.stats();
    assertThat(stats.flow(flow.key)).isNull();
    assertThat(stats.count(Outcome.EVICTED_TTL)).as("the count survived collection").isOne();

    Flow replacement = registry.lease(flow);
    assertThat(replacement)
        .as("a lease on a collected flow gets its replacement")
        .isNotSameAs(flow);
    assertThat(replacement.key).isEqualTo(flow.key);
    assertThat(flow.tryAcquire()).as("a collected flow is never leased again").isFalse();
  }

  @Test
  void aFlowUsedSinceTheLastSweepIsNotCollected() {
    Flow flow = registry.lease(FlowKey.of("a", 0));
    flow.release();
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(registry.lease(flow)).isSameAs(flow);
      Endings.count(flow, Outcome.DISPATCHED); // a request ended: a use
      flow.release();
    }
    assertThat(recorder.lifecycle("flowCollected")).isZero();
  }

  @Test
  void dynamicBandsAreCollectedAndConfiguredOnesNever() {
    Flow dynamic = registry.registeredFlow(FlowKey.of("d", 7));
    Flow configured = registry.registeredFlow(FlowKey.of("c", 0));
    assertThat(recorder.lifecycle("bandCreated")).isOne();
    assertThat(shards.all()[0].bandsByPriority).containsKeys(0, 7);
    clock.advance(Duration.ofSeconds(60));
    assertThat(recorder.lifecycle("flowCollected")).isEqualTo(2);
    assertThat(recorder.lifecycle("bandCollected")).isOne();
    assertThat(shards.all()[0].bandsByPriority).containsOnlyKeys(0);
    assertThat(dynamic.band.dynamic).isTrue();
    assertThat(configured.band.dynamic).isFalse();
  }

  @Test
  void oneCollectorRunIsScheduledAtATimeAndNoneAfterClose() {
    assertThat(clock.pendingTasks()).isOne();
    registry.armCollector();
    registry.lease(FlowKey.of("a", 0));
    assertThat(clock.pendingTasks()).isOne();
    clock.advance(Duration.ofSeconds(1));
    assertThat(clock.pendingTasks()).as("the run armed the next").isOne();
    closed.set(true);
    registry.close();
    assertThat(clock.pendingTasks()).isZero();
    registry.armCollector();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void resizingAfterCloseDoesNothing() {
    assertThat(registry.resize(3)).isTrue();
    assertThat(shards.activeCount()).isEqualTo(3);
    closed.set(true);
    assertThat(registry.resize(1)).isFalse();
    assertThat(shards.activeCount()).isEqualTo(3);
  }
}
