package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.ControllerInvariants;
import dev.sluice.testing.FlowControllerExtension;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The invariant checker finds each kind of broken bookkeeping it claims to, and nothing in a
 * healthy shard or controller.
 */
class ShardInvariantsTest {
  private final ManualClock clock = new ManualClock();
  private final Shard shard = new Shard(0, clock, new GuardedScheduler(clock), (s, token) -> {});
  private final FlowShard flow;

  ShardInvariantsTest() {
    BandConfig band =
        BandConfig.builder(0)
            .ordering(
                OrderingPolicy.custom(
                    "by-cost", (a, b) -> Long.compare(a.request().cost(), b.request().cost())))
            .queue(QueueFactory.maxMinHeap())
            .build();
    FlowControllerConfig config =
        FlowControllerConfig.builder().bands(band).ticker(clock).scheduler(clock).build();
    ShardBand shardBand = new ShardBand(new Band(config.bands().get(0), false, clock.read()));
    shard.addBand(shardBand);
    flow = new FlowShard(new Flow(null, FlowKey.of("a", 0), shardBand.band), shard, shardBand);
  }

  private QueuedRequest enqueue(long cost, long bytes, Duration ttl) {
    FlowRequest request =
        FlowRequest.builder(flow.flow.key).cost(cost).byteSize(bytes).ttl(ttl).build();
    QueuedRequest item = new QueuedRequest(request, flow.flow, Durations.NEVER);
    shard.prepareLocked(item, flow, clock.read(), 0);
    shard.enqueueLocked(item, flow);
    return item;
  }

  private void fill() {
    enqueue(3, 30, Duration.ofSeconds(1));
    enqueue(1, 10, null);
    enqueue(2, 20, Duration.ofSeconds(2));
  }

  @Test
  void aHealthyShardHasNoViolations() {
    fill();
    assertThat(ShardInvariants.check(shard, clock.read())).isEmpty();
  }

  @Test
  void findsCountersThatDoNotAddUp() {
    fill();
    flow.queuedBytes++;
    shard.bandsByPriority.get(0).queuedRequests--;
    shard.queuedBytes--;
    assertThat(ShardInvariants.check(shard, clock.read()))
        .hasSize(3)
        .anySatisfy(v -> assertThat(v).startsWith("flow a:0@shard-0: counters say 3 requests, 61"))
        .anySatisfy(v -> assertThat(v).startsWith("shard 0 band 0: counters say 2 requests"))
        .anySatisfy(v -> assertThat(v).startsWith("shard 0: counters say 3 requests, 59 bytes"));
  }

  @Test
  void findsAnUnorderedDeadlineHeap() {
    fill();
    QueuedRequest root = shard.deadlines.peek();
    root.deadlineNanos = Long.MAX_VALUE - 1;
    assertThat(ShardInvariants.check(shard, clock.read()))
        .containsExactly("shard 0: deadline heap out of order at slot 1");
  }

  @Test
  void findsARequestPastItsDeadlineWithNoTimer() {
    fill();
    assertThat(ShardInvariants.check(shard, clock.read() + Duration.ofSeconds(1).toNanos()))
        .singleElement()
        .asString()
        .contains("queued 0 ns past its deadline and no timer will expire it");
    shard.timer.claimLocked(shard.earliestDeadlineLocked());
    assertThat(ShardInvariants.check(shard, clock.read() + Duration.ofSeconds(1).toNanos()))
        .as("a claimed timer will expire it")
        .isEmpty();
  }

  @Test
  void findsAQueueHeadOutOfOrderAndABrokenArrivalList() {
    fill();
    ShardBand band = shard.bandsByPriority.get(0);
    QueuedRequest cheapest = (QueuedRequest) flow.queue.peekHead();
    assertThat(cheapest.request.cost()).isEqualTo(1);
    QueuedRequest oldest = band.oldest;
    band.oldest = oldest.arrivalNext;
    assertThat(ShardInvariants.check(shard, clock.read()))
        .anySatisfy(v -> assertThat(v).contains("arrival list broken"))
        .anySatisfy(v -> assertThat(v).startsWith("shard 0 band 0: counters say 3 requests"));
  }

  @Test
  void aControllerIsCheckedThroughTheInternalHook() throws Exception {
    FlowController controller =
        TrackedControllers.create(
            FlowControllerConfig.builder()
                .saturationDetector(ConcurrencyDetector.ofRequests(1))
                .bands(BandConfig.of(0))
                .defaultTtl(Duration.ofSeconds(5))
                .ticker(clock)
                .scheduler(clock)
                .build());
    CompletableFuture<Admission> first = controller.submit(FlowRequest.of(FlowKey.of("a", 0)));
    controller.submit(FlowRequest.of(FlowKey.of("b", 0)));
    controller.submit(FlowRequest.of(FlowKey.of("b", 0)));
    assertThat(ControllerInvariants.violations(controller)).isEmpty();
    first.get().close();
    clock.advance(Duration.ofSeconds(6));
    assertThat(ControllerInvariants.violations(controller)).isEmpty();
    controller.close();
  }

  @Test
  void theExtensionFailsATestWhoseTrackedControllerIsBroken() throws Exception {
    FlowController controller =
        TrackedControllers.create(
            FlowControllerConfig.builder()
                .saturationDetector(ConcurrencyDetector.ofRequests(1))
                .bands(BandConfig.of(0))
                .shards(1)
                .ticker(clock)
                .scheduler(clock)
                .build());
    controller.submit(FlowRequest.of(FlowKey.of("a", 0)));
    controller.submit(FlowRequest.of(FlowKey.of("a", 0)));
    Field shards = DefaultFlowController.class.getDeclaredField("shards");
    shards.setAccessible(true);
    Shard broken = ((ShardSet) shards.get(controller)).all()[0];
    broken.queuedRequests++;
    ExtensionContext context =
        (ExtensionContext)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ExtensionContext.class},
                (proxy, method, args) -> "theTest()");

    assertThatThrownBy(() -> new FlowControllerExtension().afterEach(context))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("theTest() left a flow controller whose invariants are broken")
        .hasMessageContaining("shard 0: counters say 2 requests, 0 bytes; 1 requests, 0 bytes");
    broken.queuedRequests--;
    new FlowControllerExtension().afterEach(context); // checked once: the controller is forgotten
    controller.close();
  }
}
