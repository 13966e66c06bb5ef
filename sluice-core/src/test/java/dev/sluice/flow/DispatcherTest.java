package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The drain loop's guarantees: one dispatcher per shard at a time, no lost wake-up, strict band
 * priority then arrival order, no nested drain from a callback, and a signal that arrives under a
 * shard lock deferred until the lock is released.
 */
class DispatcherTest {
  private final ManualClock clock = new ManualClock();
  private final ConcurrencyDetector detector = ConcurrencyDetector.ofRequests(1);
  private final FlowControllerConfig config =
      FlowControllerConfig.builder()
          .bands(BandConfig.of(5), BandConfig.of(0))
          .saturationDetector(detector)
          .ticker(clock)
          .scheduler(clock)
          .build();
  private final Endings endings = new Endings(FlowControlListener.NO_OP);
  private final GuardedScheduler scheduler = new GuardedScheduler(clock);
  private final ShardSet shards = new ShardSet(config, clock, scheduler, (s, token) -> {});
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Dispatcher dispatcher = new Dispatcher(config, endings, shards, () -> {}, closed);
  private final List<Band> bands = new ArrayList<>();
  private final Shard shard;

  DispatcherTest() {
    for (BandConfig band : config.bands()) {
      bands.add(new Band(band, false, clock.read()));
    }
    ReentrantLock registryLock = new ReentrantLock();
    registryLock.lock();
    try {
      shards.add(1, bands, List.of());
      shards.applyLimits();
    } finally {
      registryLock.unlock();
    }
    shard = shards.all()[0];
  }

  private Flow flow(String id, int priority) {
    Band band = bands.stream().filter(b -> b.priority == priority).findFirst().orElseThrow();
    Flow flow = new Flow(null, FlowKey.of(id, priority), band);
    flow.shards = new FlowShard[] {new FlowShard(flow, shard, shard.bandsByPriority.get(priority))};
    return flow;
  }

  private QueuedRequest enqueue(Flow flow, String id) {
    return enqueue(
        new QueuedRequest(FlowRequest.builder(flow.key).id(id).build(), flow, Durations.NEVER));
  }

  private QueuedRequest enqueue(QueuedRequest item) {
    Flow flow = item.flow;
    shard.lock.lock();
    try {
      shard.prepareLocked(item, flow.shards[0], clock.read(), 0);
      shard.enqueueLocked(item, flow.shards[0]);
    } finally {
      shard.lock.unlock();
    }
    return item;
  }

  @Test
  void aCallbackThatDrainsAgainIsServedByTheRunningLoopNotNested() {
    Flow flow = flow("a", 0);
    List<String> order = new ArrayList<>();
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      QueuedRequest item = enqueue(flow, "r" + i);
      item.future.thenAccept(
          admission -> {
            deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
            order.add(admission.request().id());
            detector.onFinished(admission.request()); // the slot comes back...
            dispatcher.drain(shard); // ...and wakes dispatch, from inside a dispatch
            depth.decrementAndGet();
          });
    }
    dispatcher.drain(shard);
    assertThat(order)
        .as("every wake-up was served, in arrival order")
        .containsExactly("r0", "r1", "r2", "r3", "r4");
    assertThat(deepest).as("never nested").hasValue(1);
    assertThat(shard.wip).hasValue(0);
  }

  @Test
  void higherBandsGoFirstAndAGatedBandLeavesTheQueueAsItIs() {
    QueuedRequest low = enqueue(flow("l", 0), "low");
    QueuedRequest high = enqueue(flow("h", 5), "high");
    dispatcher.drain(shard);
    assertThat(high.future).isCompleted();
    assertThat(low.future).as("the one slot is taken").isNotDone();
    assertThat(shard.queuedRequests).isOne();
    detector.onFinished(high.request);
    dispatcher.drain(shard);
    assertThat(low.future).isCompleted();
  }

  @Test
  void aSignalUnderAShardLockIsDeferredUntilItIsReleased() {
    QueuedRequest item = enqueue(flow("a", 0), "a");
    shard.lock.lock();
    try {
      dispatcher.onSaturationSignal();
      assertThat(item.future).as("no dispatch under a lock this thread holds").isNotDone();
    } finally {
      shard.lock.unlock();
    }
    dispatcher.runPendingSignal();
    assertThat(item.future).isCompleted();
  }

  @Test
  void noSignalIsActedOnAfterClose() {
    QueuedRequest item = enqueue(flow("a", 0), "a");
    closed.set(true);
    dispatcher.onSaturationSignal();
    assertThat(item.future).isNotDone();
  }

  @Test
  void concurrentDrainsNeverDispatchOneShardOnTwoThreads() throws Exception {
    Flow flow = flow("a", 0);
    int threads = 4;
    int perThread = 500;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> dispatched = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  QueuedRequest item =
                      new QueuedRequest(
                          FlowRequest.builder(flow.key).id(id + "-" + i).build(),
                          flow,
                          Durations.NEVER);
                  item.future.thenAccept(
                      admission -> { // before it can complete: runs where it completes
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        dispatched.add(admission.request().id());
                        inside.decrementAndGet();
                        detector.onFinished(admission.request()); // as an admission close does
                        dispatcher.drain(shard);
                      });
                  enqueue(item);
                  dispatcher.drain(shard);
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(most).as("completions of one shard never overlap").hasValue(1);
    assertThat(dispatched).hasSize(threads * perThread).doesNotHaveDuplicates();
    assertThat(shard.queuedRequests).isZero();
  }
}
