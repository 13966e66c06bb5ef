package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.testing.FakeClock;
import org.junit.jupiter.api.Test;

/** Join-shortest-queue by the flow's own bytes; draining shards are never chosen. */
class PlacementTest {
  private final FakeClock clock = new FakeClock();
  private final Band band = new Band(
      FlowControllerConfig.builder().bands(BandConfig.of(0)).build().bands().get(0), false, 0);
  private final Flow flow = new Flow(null, FlowKey.of("f", 0), band);

  private FlowShard queue(int shardId, long queuedBytes) {
    Shard shard = new Shard(shardId, clock, new GuardedScheduler(clock), (s, token) -> { });
    ShardBand shardBand = new ShardBand(band);
    shard.addBand(shardBand);
    FlowShard flowShard = new FlowShard(flow, shard, shardBand);
    flowShard.queuedBytes = queuedBytes;
    return flowShard;
  }

  @Test
  void theFewestQueuedBytesWinsTheFirstOnATie() {
    FlowShard a = queue(0, 50);
    FlowShard b = queue(1, 10);
    FlowShard c = queue(2, 10);
    FlowShard d = queue(3, 30);
    FlowShard[] candidates = {a, b, c, d};
    assertThat(Placement.leastQueuedBytes(candidates)).isSameAs(b);
    assertThat(Placement.byQueuedBytes(candidates)).containsExactly(b, c, d, a);
  }

  @Test
  void drainingShardsAreNeverChosen() {
    FlowShard a = queue(0, 50);
    FlowShard b = queue(1, 0);
    b.shard.draining = true;
    assertThat(Placement.leastQueuedBytes(new FlowShard[] {a, b})).isSameAs(a);
    assertThat(Placement.byQueuedBytes(new FlowShard[] {a, b})).containsExactly(a);
    a.shard.draining = true;
    assertThat(Placement.leastQueuedBytes(new FlowShard[] {a, b})).isNull();
    assertThat(Placement.byQueuedBytes(new FlowShard[] {a, b})).isEmpty();
    assertThat(Placement.leastQueuedBytes(new FlowShard[0])).isNull();
  }
}
