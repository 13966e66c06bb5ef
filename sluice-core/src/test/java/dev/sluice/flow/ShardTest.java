package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shard's bookkeeping: a request is in its queue, arrival list, counters and deadline heap all
 * at once or in none, and its state says which; displacement takes lower-priority work, lowest band
 * and newest first, only as much as needed and only if enough is there.
 */
class ShardTest {
  private final ManualClock clock = new ManualClock();
  private final FlowControllerConfig config =
      FlowControllerConfig.builder()
          .bands(BandConfig.of(5), BandConfig.of(0))
          .ticker(clock)
          .scheduler(clock)
          .build();
  private final Shard shard = new Shard(0, clock, new GuardedScheduler(clock), (s, token) -> {});
  private final FlowShard high;
  private final FlowShard low;

  ShardTest() {
    for (BandConfig band : config.bands()) {
      shard.addBand(new ShardBand(new Band(band, false, clock.read())));
    }
    high = flowShard("h", 5);
    low = flowShard("l", 0);
  }

  private FlowShard flowShard(String id, int priority) {
    ShardBand band = shard.bandsByPriority.get(priority);
    return new FlowShard(new Flow(null, FlowKey.of(id, priority), band.band), shard, band);
  }

  private QueuedRequest enqueue(FlowShard flowShard, long bytes, Duration ttl) {
    FlowRequest request = FlowRequest.builder(flowShard.flow.key).byteSize(bytes).ttl(ttl).build();
    QueuedRequest item = new QueuedRequest(request, flowShard.flow, Durations.NEVER);
    shard.prepareLocked(item, flowShard, clock.read(), 0);
    shard.enqueueLocked(item, flowShard);
    return item;
  }

  private void assertCounts(FlowShard flowShard, long requests, long bytes) {
    assertThat(flowShard.queuedRequests).isEqualTo(requests);
    assertThat(flowShard.queuedBytes).isEqualTo(bytes);
    assertThat(flowShard.queue.size()).isEqualTo((int) requests);
  }

  @Test
  void everyLevelCountsTheSameRequests() {
    QueuedRequest a = enqueue(high, 10, null);
    QueuedRequest b = enqueue(low, 20, Duration.ofSeconds(1));
    QueuedRequest c = enqueue(low, 30, null);
    assertCounts(high, 1, 10);
    assertCounts(low, 2, 50);
    assertThat(shard.bandsByPriority.get(0).queuedBytes).isEqualTo(50);
    assertThat(shard.queuedRequests).isEqualTo(3);
    assertThat(shard.queuedBytes).isEqualTo(60);
    assertThat(List.of(a, b, c)).extracting(item -> item.state).containsOnly(QueuedRequest.QUEUED);
    assertThat(List.of(a.sequence, b.sequence, c.sequence)).containsExactly(0L, 1L, 2L);
    assertThat(shard.deadlines.peek()).as("only the request with a TTL").isSameAs(b);
    assertThat(shard.earliestDeadlineLocked()).isEqualTo(b.deadlineNanos);

    shard.dispatchLocked(b);
    shard.evictLocked(a);
    assertThat(b.state).isEqualTo(QueuedRequest.DISPATCHED);
    assertThat(a.state).isEqualTo(QueuedRequest.REMOVED);
    assertCounts(high, 0, 0);
    assertCounts(low, 1, 30);
    assertThat(shard.queuedRequests).isOne();
    assertThat(shard.queuedBytes).isEqualTo(30);
    assertThat(shard.earliestDeadlineLocked()).isEqualTo(Durations.NEVER);
    assertThat(shard.bandsByPriority.get(0).oldest)
        .isSameAs(c)
        .isSameAs(shard.bandsByPriority.get(0).newest);
  }

  @Test
  void displacementTakesTheNewestLowerPriorityWorkThatIsNeeded() {
    shard.maxRequests = 3;
    QueuedRequest oldest = enqueue(low, 1, null);
    QueuedRequest middle = enqueue(low, 1, null);
    QueuedRequest newest = enqueue(low, 1, null);
    QueuedRequest incoming =
        new QueuedRequest(FlowRequest.of(high.flow.key), high.flow, Durations.NEVER);
    assertThat(shard.globalProblemLocked(1)).contains("global request limit reached");
    assertThat(shard.displaceLocked(incoming)).containsExactly(newest);
    assertThat(newest.state).isEqualTo(QueuedRequest.REMOVED);
    assertThat(List.of(oldest, middle))
        .extracting(item -> item.state)
        .containsOnly(QueuedRequest.QUEUED);
    assertThat(shard.globalProblemLocked(1)).isNull();
  }

  @Test
  void displacementEvictsNothingIfNotEnoughLowerPriorityWorkIsQueued() {
    shard.maxBytes = 100;
    QueuedRequest lower = enqueue(low, 30, null);
    enqueue(high, 60, null);
    QueuedRequest incoming =
        new QueuedRequest(
            FlowRequest.builder(high.flow.key).byteSize(80).build(), high.flow, Durations.NEVER);
    assertThat(shard.displaceLocked(incoming)).isNull();
    assertThat(lower.state).isEqualTo(QueuedRequest.QUEUED);
    assertThat(shard.queuedBytes).isEqualTo(90);
  }

  @Test
  void localLimitsNameTheLevelThatIsFull() {
    ShardBand band = low.band;
    band.maxFlowRequests = 1;
    enqueue(low, 5, null);
    assertThat(Shard.localProblem(low, 1)).startsWith("flow l").contains("request limit");
    band.maxFlowRequests = Long.MAX_VALUE;
    band.maxBytes = 10;
    assertThat(Shard.localProblem(low, 6)).startsWith("band 0 byte limit");
    assertThat(Shard.localProblem(low, 5)).isNull();
  }

  @Test
  void expiryTakesOnlyWhatIsDueAndCloseTakesEverything() {
    QueuedRequest soon = enqueue(low, 1, Duration.ofSeconds(1));
    QueuedRequest later = enqueue(high, 1, Duration.ofSeconds(5));
    QueuedRequest never = enqueue(low, 1, null);
    assertThat(shard.expireDueLocked(clock.read())).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(shard.expireDueLocked(clock.read())).containsExactly(soon);
    assertThat(shard.earliestDeadlineLocked()).isEqualTo(later.deadlineNanos);
    assertThat(shard.closeLocked()).containsExactly(later, never);
    assertThat(shard.closed).isTrue();
    assertThat(shard.queuedRequests).isZero();
    assertThat(shard.deadlines.isEmpty()).isTrue();
  }

  @Test
  void selectionTakesTheHighestOpenBandAndSkipsAGatedOne() {
    QueuedRequest lower = enqueue(low, 1, null);
    QueuedRequest higher = enqueue(high, 1, null);
    ConcurrencyDetector detector = ConcurrencyDetector.ofRequests(2);
    assertThat(shard.selectLocked(detector, UsageLimitPolicy.staticCeiling())).isSameAs(higher);
    assertThat(higher.state).as("selected, not yet taken out").isEqualTo(QueuedRequest.QUEUED);
    shard.dispatchLocked(higher);
    UsageLimitPolicy highOnly =
        new UsageLimitPolicy() {
          @Override
          public String name() {
            return "high-only";
          }

          @Override
          public double ceiling(double saturation, int rank, int bandCount) {
            return rank == 0 ? 1.0 : 0.0; // the lower band is gated
          }
        };
    assertThat(shard.selectLocked(detector, highOnly)).isNull();
    assertThat(shard.selectLocked(detector, UsageLimitPolicy.staticCeiling())).isSameAs(lower);
    shard.dispatchLocked(lower);
    assertThat(shard.selectLocked(detector, UsageLimitPolicy.staticCeiling()))
        .as("the detector is full")
        .isNull();
  }

  @Test
  void aWithdrawalTakesOutOnlyAStillQueuedRequest() {
    QueuedRequest item = enqueue(low, 4, null);
    assertThat(shard.withdrawLocked(item)).isTrue();
    assertThat(item.state).isEqualTo(QueuedRequest.REMOVED);
    assertThat(shard.withdrawLocked(item)).as("already out").isFalse();
    QueuedRequest dispatched = enqueue(low, 4, null);
    shard.dispatchLocked(dispatched);
    assertThat(shard.withdrawLocked(dispatched)).isFalse();
    assertThat(shard.queuedRequests).isZero();
  }

  @Test
  void limitSharesAreTakenForEveryLevel() {
    FlowControllerConfig limited = FlowControllerConfig.builder().maxRequests(7).build();
    shard.shareLimitsLocked(limited, 2, 1);
    assertThat(shard.maxRequests).as("the global limit, from the given config").isEqualTo(3);
    assertThat(shard.bandsByPriority.get(5).maxRequests)
        .as("band limits, from the band's own")
        .isEqualTo(BandConfig.DEFAULT_MAX_REQUESTS / 2);
  }
}
