package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Join-shortest-queue by the flow's own bytes; a full shortest queue falls back to the next, and
 * only all full rejects; draining shards are never chosen.
 */
class PlacementTest {
  private final ManualClock clock = new ManualClock();
  private final Band band =
      new Band(
          FlowControllerConfig.builder().bands(BandConfig.of(0)).build().bands().get(0), false, 0);
  private final Flow flow = new Flow(null, FlowKey.of("f", 0), band);

  private FlowShard queue(int shardId, long queuedBytes) {
    Shard shard = new Shard(shardId, clock, new GuardedScheduler(clock), (s, token) -> {});
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

  /** Two shards, each taking one request of the flow; the gate is closed: nothing dispatches. */
  private static final class TwoShards {
    final ManualClock clock = new ManualClock();
    final FlowControllerConfig config =
        FlowControllerConfig.builder()
            .bands(BandConfig.builder(0).maxFlowRequests(2).build())
            .saturationDetector(() -> 1.0)
            .ticker(clock)
            .scheduler(clock)
            .build();
    final Endings endings = new Endings(FlowControlListener.NO_OP);
    final ShardSet shards =
        new ShardSet(config, clock, new GuardedScheduler(clock), (s, token) -> {});
    final Dispatcher dispatcher =
        new Dispatcher(config, endings, shards, () -> {}, new AtomicBoolean());
    final Placement placement = new Placement(config, endings, dispatcher);
    final Band band = new Band(config.bands().get(0), false, clock.read());
    final Flow flow = new Flow(null, FlowKey.of("f", 0), band);

    TwoShards() {
      shards.add(2, List.of(band), List.of(flow));
      shards.applyLimits();
    }

    QueuedRequest admit() {
      assertThat(flow.tryAcquire()).isTrue();
      QueuedRequest item = new QueuedRequest(FlowRequest.of(flow.key), flow, Durations.NEVER);
      placement.admit(item);
      return item;
    }
  }

  @Test
  void aFullShortestQueueFallsBackToTheNextAndAllFullRejects() {
    TwoShards two = new TwoShards();
    Shard first = two.shards.all()[0];
    Shard second = two.shards.all()[1];
    QueuedRequest a = two.admit();
    QueuedRequest b = two.admit();
    assertThat(a.flowShard.shard).as("a tie goes to the first").isSameAs(first);
    assertThat(b.flowShard.shard).as("the first is full").isSameAs(second);
    QueuedRequest c = two.admit();
    assertThat(c.future)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            FlowControlException.class,
            e -> assertThat(e.outcome()).isEqualTo(Outcome.REJECTED_CAPACITY))
        .withMessageContaining("flow f:0 request limit reached (1 queued, limit 1)");
    assertThat(two.flow.outcomes.get(Outcome.REJECTED_CAPACITY.ordinal())).isOne();
    assertThat(Flow.holders(two.flow.lease.get()))
        .as("the rejected one released its lease")
        .isEqualTo(2);
  }

  @Test
  void aDrainingShardIsNeverJoined() {
    TwoShards two = new TwoShards();
    Shard first = two.shards.all()[0];
    first.draining = true;
    QueuedRequest a = two.admit();
    assertThat(a.flowShard.shard).isSameAs(two.shards.all()[1]);
    assertThat(first.queuedRequests).isZero();
  }
}
