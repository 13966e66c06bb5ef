package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Randomized concurrent stress: many threads submit, withdraw and close while saturation flips,
 * timers expire requests, idle flows are collected and the shard count changes. Checks that every
 * request ends with exactly one outcome and that every counter returns to zero once quiet.
 */
class FlowControllerStressTest {

  private static final int THREADS = 8;
  private static final int REQUESTS = 200_000;
  private static final int FLOWS = 300;
  private static final int[] PRIORITIES = {-2, -1, 0, 1, 3, 7};
  private static final long STALL_MILLIS = 20_000;

  /** A concurrency limit whose gate a test thread can force shut and reopen. */
  private static final class FlippingDetector implements SaturationDetector {
    final ConcurrencyDetector inner = ConcurrencyDetector.ofRequests(24);
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    volatile boolean forcedSaturated;

    @Override
    public double saturation() {
      return forcedSaturated ? 1.0 : inner.saturation();
    }

    final AtomicLong maxInFlight = new AtomicLong();

    @Override
    public boolean tryDispatch(FlowRequest request, double ceiling) {
      if (forcedSaturated || !inner.tryDispatch(request, ceiling)) {
        return false;
      }
      maxInFlight.accumulateAndGet(inner.inFlightRequests(), Math::max);
      return true;
    }

    @Override
    public void onFinished(FlowRequest request) {
      inner.onFinished(request);
    }

    @Override
    public void addListener(Runnable listener) {
      listeners.add(listener);
    }

    void flip(boolean saturated) {
      forcedSaturated = saturated;
      if (!saturated) {
        listeners.forEach(Runnable::run);
      }
    }
  }

  /** Counts listener outcomes per request, to prove there is exactly one each. */
  private static final class OutcomeCounter implements FlowControlListener {
    final AtomicIntegerArray outcomes = new AtomicIntegerArray(REQUESTS);
    final AtomicIntegerArray kinds = new AtomicIntegerArray(REQUESTS);
    final AtomicLong total = new AtomicLong();
    final AtomicLong flowsCollected = new AtomicLong();

    @Override
    public void onFlowCollected(FlowKey key) {
      flowsCollected.incrementAndGet();
    }

    @Override
    public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
      int index = (Integer) request.payload();
      outcomes.incrementAndGet(index);
      kinds.set(index, outcome.ordinal() + 1);
      total.incrementAndGet();
    }
  }

  @Test
  void everyRequestEndsOnceAndCountersReturnToZero() throws Exception {
    long seed = Long.getLong("sluice.stress.seed", System.nanoTime());
    try {
      run(seed);
    } catch (Throwable t) {
      throw new AssertionError(
          "stress test failed with seed "
              + seed
              + " (rerun with -Dsluice.stress.seed="
              + seed
              + ")",
          t);
    }
  }

  private void run(long seed) throws Exception {
    ManualClock clock = new ManualClock();
    FlippingDetector detector = new FlippingDetector();
    OutcomeCounter counter = new OutcomeCounter();
    FlowControllerConfig config =
        FlowControllerConfig.builder()
            .ticker(clock)
            .scheduler(clock)
            .saturationDetector(detector)
            .listener(counter)
            .maxRequests(3_000)
            .maxBytes(3_000_000)
            .shards(2)
            .flowIdleTimeout(Duration.ofMillis(40))
            .bandIdleTimeout(Duration.ofMillis(80))
            .bands(
                BandConfig.builder(7)
                    .fairness(FairnessPolicy.globalStrict())
                    .ordering(OrderingPolicy.edf())
                    .build(),
                BandConfig.builder(3)
                    .fairness(FairnessPolicy.weightedFair())
                    .maxFlowRequests(40)
                    .build(),
                BandConfig.builder(0).maxRequests(1_500).build())
            .build();
    FlowController controller = TrackedControllers.create(config);

    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<Admission>[] futures = new CompletableFuture[REQUESTS];
    ConcurrentLinkedQueue<Admission> toClose = new ConcurrentLinkedQueue<>();
    AtomicInteger nextRequest = new AtomicInteger();
    AtomicLong progress = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    CountDownLatch workersDone = new CountDownLatch(THREADS);

    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random random = new Random(seed + t);
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (int i = nextRequest.getAndIncrement();
                      i < REQUESTS;
                      i = nextRequest.getAndIncrement()) {
                    FlowRequest request = randomRequest(random, i);
                    CompletableFuture<Admission> future = controller.submit(request);
                    futures[i] = future;
                    future.thenAccept(toClose::add);
                    int action = random.nextInt(100);
                    if (action < 8) {
                      future.cancel(false);
                    } else if (action < 10) {
                      future.completeExceptionally(new RuntimeException("caller gave up"));
                    }
                    closeSome(toClose, random.nextInt(3));
                    progress.incrementAndGet();
                  }
                } catch (Throwable e) {
                  errors.add(e);
                } finally {
                  workersDone.countDown();
                }
              },
              "stress-worker-" + t);
      threads.add(worker);
    }
    Thread chaos =
        new Thread(
            () -> {
              Random random = new Random(seed ^ 0x5EED);
              boolean resharded = false;
              boolean heldShut = false;
              try {
                while (!stop.get()) {
                  if (!heldShut && nextRequest.get() > REQUESTS / 2) {
                    // Once, hold the gate shut with the clock still until the queues overflow, so
                    // that
                    // every run, however the threads are scheduled, fills them to their limits.
                    detector.flip(true);
                    while (controller.stats().count(Outcome.REJECTED_CAPACITY) == 0
                        && nextRequest.get() < REQUESTS) {
                      progress.incrementAndGet();
                      Thread.onSpinWait();
                    }
                    heldShut = true;
                  }
                  clock.advanceNanos(TimeUnit.MICROSECONDS.toNanos(200 + random.nextInt(800)));
                  detector.flip(random.nextInt(10) == 0);
                  if (!resharded && nextRequest.get() > REQUESTS / 3) {
                    controller.setShardCount(4);
                    resharded = true;
                  } else if (resharded
                      && controller.shardCount() == 4
                      && nextRequest.get() > 2 * REQUESTS / 3) {
                    controller.setShardCount(1);
                  }
                  progress.incrementAndGet();
                  Thread.onSpinWait();
                }
                detector.flip(false);
              } catch (Throwable e) {
                errors.add(e);
              }
            },
            "stress-chaos");
    threads.forEach(Thread::start);
    chaos.start();

    watch(() -> workersDone.getCount() == 0, progress, errors, "workers");
    stop.set(true);
    chaos.join();
    assertThat(errors).as("errors in threads").isEmpty();
    assertThat(controller.shardCount()).isEqualTo(1);

    // Quiesce: close every admission and let every deadline pass until all futures are done.
    watch(
        () -> {
          closeSome(toClose, Integer.MAX_VALUE);
          clock.advance(Duration.ofMillis(5));
          progress.incrementAndGet();
          for (CompletableFuture<Admission> future : futures) {
            if (!future.isDone()) {
              return false;
            }
          }
          return toClose.isEmpty();
        },
        progress,
        errors,
        "quiescence");

    assertExactlyOnce(futures, counter);
    FlowStats stats = controller.stats();
    assertThat(stats.queuedRequests()).as("queued").isZero();
    assertThat(stats.queuedBytes()).as("queued bytes").isZero();
    assertThat(stats.inFlightRequests()).as("in flight").isZero();
    assertThat(detector.inner.inFlightRequests()).as("detector in flight").isZero();
    assertThat(detector.maxInFlight.get())
        .as("the concurrency limit held across shards and threads")
        .isPositive()
        .isLessThanOrEqualTo(24);
    for (FlowStats.BandStats band : stats.bands()) {
      assertThat(band.queuedRequests()).as("band %d queued", band.priority()).isZero();
      assertThat(band.inFlightRequests()).as("band %d in flight", band.priority()).isZero();
    }
    long counted = stats.outcomes().values().stream().mapToLong(Long::longValue).sum();
    assertThat(counted).as("outcomes in stats").isEqualTo(REQUESTS);
    assertThat(stats.count(Outcome.DISPATCHED)).as("some work got through").isPositive();
    assertThat(counter.flowsCollected.get())
        .as("idle flows were collected under load")
        .isPositive();
    for (Outcome outcome :
        List.of(Outcome.EVICTED_TTL, Outcome.EVICTED_CANCELLED, Outcome.REJECTED_CAPACITY)) {
      assertThat(stats.count(outcome)).as("the stress exercised %s", outcome).isPositive();
    }
    controller.close();
  }

  private static FlowRequest randomRequest(Random random, int index) {
    FlowRequest.Builder builder =
        FlowRequest.builder(
                FlowKey.of(
                    "tenant-" + random.nextInt(FLOWS),
                    PRIORITIES[random.nextInt(PRIORITIES.length)]))
            .byteSize(random.nextInt(2_000))
            .cost(1 + random.nextInt(50))
            .payload(index);
    if (random.nextInt(3) == 0) {
      builder.ttl(Duration.ofMillis(1 + random.nextInt(20)));
    }
    return builder.build();
  }

  private static void closeSome(ConcurrentLinkedQueue<Admission> toClose, int count) {
    for (int i = 0; i < count; i++) {
      Admission admission = toClose.poll();
      if (admission == null) {
        return;
      }
      admission.close();
      if (i % 2 == 0) {
        admission.close(); // closing twice is harmless
      }
    }
  }

  private static void assertExactlyOnce(
      CompletableFuture<Admission>[] futures, OutcomeCounter counter) {
    for (int i = 0; i < futures.length; i++) {
      assertThat(counter.outcomes.get(i)).as("outcomes of request %d", i).isEqualTo(1);
      Outcome listened = Outcome.values()[counter.kinds.get(i) - 1];
      assertThat(outcomeOf(futures[i])).as("future vs listener, request %d", i).isEqualTo(listened);
    }
    assertThat(counter.total.get()).isEqualTo(futures.length);
  }

  private static Outcome outcomeOf(CompletableFuture<Admission> future) {
    if (future.isCancelled()) {
      return Outcome.EVICTED_CANCELLED;
    }
    try {
      future.join();
      return Outcome.DISPATCHED;
    } catch (CompletionException e) {
      return e.getCause() instanceof FlowControlException
          ? ((FlowControlException) e.getCause()).outcome()
          : Outcome.EVICTED_CANCELLED;
    }
  }

  /** Runs {@code step} until it returns true; fails with a thread dump if progress stalls. */
  private static void watch(
      java.util.function.BooleanSupplier step,
      AtomicLong progress,
      List<Throwable> errors,
      String phase)
      throws InterruptedException {
    long lastProgress = -1;
    long lastChange = System.nanoTime();
    while (!step.getAsBoolean()) {
      if (!errors.isEmpty()) {
        return;
      }
      long now = System.nanoTime();
      long seen = progress.get();
      if (seen != lastProgress) {
        lastProgress = seen;
        lastChange = now;
      } else if (now - lastChange > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
        fail("stalled in " + phase + " for " + STALL_MILLIS + " ms; threads:\n" + threadDump());
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    // java.base only: the tests run inside the dev.sluice.core module, which reads nothing else.
    Thread.getAllStackTraces()
        .forEach(
            (thread, frames) -> {
              dump.append('"')
                  .append(thread.getName())
                  .append("\" ")
                  .append(thread.getState())
                  .append('\n');
              for (StackTraceElement frame : frames) {
                dump.append("    at ").append(frame).append('\n');
              }
            });
    return dump.toString();
  }
}
