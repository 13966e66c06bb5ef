package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Every active shard holds every band and flow; the active shards' shares add up to each limit; a
 * removed shard drains first and is retired, with every flow's queue on it, once empty.
 */
class ShardSetTest {
  private final ManualClock clock = new ManualClock();
  private final FlowControllerConfig config =
      FlowControllerConfig.builder()
          .maxRequests(10)
          .maxBytes(0)
          .bands(BandConfig.builder(0).maxRequests(7).build(), BandConfig.of(5))
          .ticker(clock)
          .scheduler(clock)
          .build();
  private final ShardSet shards =
      new ShardSet(config, clock, new GuardedScheduler(clock), (shard, token) -> {});
  private final List<Band> bands = new ArrayList<>();
  private final List<Flow> flows = new ArrayList<>();

  ShardSetTest() {
    for (BandConfig band : config.bands()) {
      bands.add(new Band(band, false, clock.read()));
    }
    for (int i = 0; i < 3; i++) {
      int priority = i % 2 == 0 ? 0 : 5;
      Band band = bands.stream().filter(b -> b.priority == priority).findFirst().orElseThrow();
      flows.add(new Flow(null, FlowKey.of("f" + i, priority), band));
    }
  }

  private void assertEveryActiveShardHoldsEverything() {
    for (Shard shard : shards.active()) {
      assertThat(shard.bands)
          .extracting(band -> band.band)
          .containsExactlyInAnyOrderElementsOf(bands);
      assertThat(shard.bands)
          .extracting(band -> band.band.priority)
          .as("highest first")
          .isSortedAccordingTo((a, b) -> Integer.compare(b, a));
      for (Flow flow : flows) {
        assertThat(flow.shards)
            .filteredOn(queue -> queue.shard == shard)
            .singleElement()
            .satisfies(queue -> assertThat(queue.band.band).isSameAs(flow.band));
      }
    }
  }

  private long sum(ToLongFunction<Shard> limit) {
    return shards.active().stream().mapToLong(limit).sum();
  }

  @Test
  void sharesAddUpToEachLimitAndUnlimitedStaysUnlimited() {
    shards.add(3, bands, flows);
    shards.applyLimits();
    assertThat(shards.activeCount()).isEqualTo(3);
    assertEveryActiveShardHoldsEverything();
    assertThat(shards.active()).extracting(shard -> shard.maxRequests).containsExactly(4L, 3L, 3L);
    assertThat(sum(shard -> shard.maxRequests)).isEqualTo(10);
    assertThat(sum(shard -> shard.bandsByPriority.get(0).maxRequests)).isEqualTo(7);
    assertThat(shards.active())
        .allSatisfy(
            shard -> assertThat(shard.maxBytes).as("0 is unlimited").isEqualTo(Long.MAX_VALUE));
    assertThat(ShardSet.share(0, 4, 2)).isEqualTo(Long.MAX_VALUE);
    assertThat(ShardSet.share(2, 3, 2)).as("fewer than shards: the last gets none").isZero();
  }

  @Test
  void newBandsAndFlowsJoinOnlyActiveShards() {
    shards.add(2, bands, flows);
    shards.resize(1, bands, flows);
    Band dynamic = new Band(config.defaultBand().withPriority(9), true, clock.read());
    bands.add(dynamic);
    shards.attachBand(dynamic);
    shards.applyLimits();
    Flow late = new Flow(null, FlowKey.of("late", 9), dynamic);
    late.shards = shards.attachFlow(late);
    flows.add(late);
    assertEveryActiveShardHoldsEverything();
    assertThat(late.shards).hasSize(1);
    Shard draining = shards.all()[1];
    assertThat(draining.draining).isTrue();
    assertThat(draining.bandsByPriority).doesNotContainKey(9);
  }

  @Test
  void aShrunkShardDrainsThenRetiresWithItsFlowQueues() {
    shards.add(3, bands, flows);
    shards.applyLimits();
    Shard busy = shards.all()[2];
    busy.queuedRequests = 1; // still has work: it must drain first
    shards.resize(1, bands, flows);
    assertThat(shards.activeCount()).isEqualTo(1);
    assertThat(shards.all()).hasSize(3);
    assertThat(shards.active().get(0).maxRequests).as("all limits on the one left").isEqualTo(10);

    assertThat(shards.retireDrained(flows)).hasSize(1);
    assertThat(shards.all()).hasSize(2).contains(busy);
    busy.queuedRequests = 0;
    shards.retireDrained(flows);
    assertThat(shards.all()).hasSize(1);
    for (Flow flow : flows) {
      assertThat(flow.shards).extracting(queue -> queue.shard).containsExactly(shards.all());
    }
    assertThat(Arrays.stream(shards.all()).mapToLong(shard -> shard.maxRequests).sum())
        .isEqualTo(10);
  }

  @Test
  void growingAddsEmptyShardsHoldingEverything() {
    shards.add(1, bands, flows);
    shards.resize(4, bands, flows);
    assertThat(shards.activeCount()).isEqualTo(4);
    assertEveryActiveShardHoldsEverything();
    assertThat(sum(shard -> shard.maxRequests)).isEqualTo(10);
    assertThat(Arrays.stream(shards.all()).mapToInt(shard -> shard.id).distinct().count())
        .as("ids are never reused")
        .isEqualTo(4);
  }
}
