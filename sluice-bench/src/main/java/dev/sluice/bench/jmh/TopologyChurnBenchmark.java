package dev.sluice.bench.jmh;

import dev.sluice.bench.harness.ClosedLoop;
import dev.sluice.bench.harness.SlotDetector;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Every request from a flow the registry has not seen (or has already collected), adapted from
 * GIE's {@code BenchmarkFlowController_TopologyChurn} (new flow keys, 4 shards, L = 100). As in
 * {@link SaturatedDispatchBenchmark}, {@code W} requests stay in the system and one operation
 * closes the oldest admission and submits a new request; here each new request names a fresh flow
 * key, so each operation also creates a flow (under the registry lock, with a queue on every
 * shard). The idle-flow collector runs for real on the system scheduler's thread, with a {@code
 * flowIdleTimeout} of {@code idleMillis}, so flows are collected as fast as they are created and
 * the registry stays bounded; the 2^20 keys repeat only long after their flows were collected. The
 * tear-down checks that flows were both created and collected.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TopologyChurnBenchmark {
  private static final int KEYS = 1 << 20;

  @Param({"100"})
  public int limit;

  @Param({"1000"})
  public int submitters;

  @Param({"4"})
  public int shards;

  @Param({"20"})
  public int idleMillis;

  private FlowController controller;
  private FlowRequest[] requests;
  private int next;
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong collected = new AtomicLong();
  private final ClosedLoop loop = ClosedLoop.forOneThread();

  @Setup(Level.Trial)
  public void setUp() {
    requests = new FlowRequest[KEYS];
    for (int i = 0; i < KEYS; i++) {
      requests[i] = FlowRequest.builder(FlowKey.of("tenant-" + i)).byteSize(1_000).build();
    }
    controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .shards(shards)
                .maxRequests(0)
                .flowIdleTimeout(Duration.ofMillis(idleMillis))
                .saturationDetector(new SlotDetector(limit))
                .listener(
                    new FlowControlListener() {
                      @Override
                      public void onFlowCreated(FlowKey key) {
                        created.incrementAndGet();
                      }

                      @Override
                      public void onFlowCollected(FlowKey key) {
                        collected.incrementAndGet();
                      }
                    })
                .build());
    for (int i = 0; i < submitters; i++) {
      submitOne();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    loop.closeAll();
    controller.close();
    if (created.get() <= submitters || collected.get() == 0) {
      throw new IllegalStateException(
          "flows created "
              + created
              + ", collected "
              + collected
              + ": the benchmark did not churn");
    }
  }

  private void submitOne() {
    loop.submit(controller, requests[next++ & (KEYS - 1)]);
  }

  /** One dispatch: close the oldest admission, submit a request of a new flow. */
  @Benchmark
  public Admission dispatch() {
    return loop.closeOneAndSubmit(controller, requests[next++ & (KEYS - 1)]);
  }
}
