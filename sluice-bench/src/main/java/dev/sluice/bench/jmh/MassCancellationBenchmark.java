package dev.sluice.bench.jmh;

import dev.sluice.bench.harness.SaturatedWorkload;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.Outcome;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Requests that leave the queue without being dispatched, adapted from GIE's {@code
 * BenchmarkFlowController_MassCancellation} (an always-saturated backend whose clients time out).
 * The backend's one slot is held for the whole run, so nothing dispatches; {@code W} requests wait
 * at all times over {@code F} Zipf-drawn flows in {@code P} bands. Operations per second are
 * removals per second, each with one enqueue:
 *
 * <ul>
 *   <li>{@link #cancel}: the caller withdraws its oldest waiting request ({@code cancel} on the
 *       future, as {@code orTimeout} does through {@code completeExceptionally}) and submits a new
 *       one;
 *   <li>{@link #expire}: on virtual time, each operation moves the clock one step, which expires
 *       the request submitted {@code W} steps earlier (TTL {@code W} steps) through the shard's
 *       deadline timer, and submits a new one.
 * </ul>
 *
 * <p>Each run checks in its tear-down that removals were counted, so a benchmark that stopped
 * removing anything fails instead of reporting a number.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MassCancellationBenchmark {
  private static final long STEP_NANOS = 1_000;

  /** The workload's shape, shared by both variants. */
  @State(Scope.Benchmark)
  public static class Shape {
    @Param({"8"})
    public int bands;

    @Param({"10000"})
    public int flows;

    @Param({"1000"})
    public int waiting;

    @Param({"1", "2"})
    public int shards;
  }

  /** A saturated controller whose callers withdraw. */
  @State(Scope.Benchmark)
  public static class Withdrawing {
    FlowController controller;
    SaturatedWorkload workload;
    Admission slotHolder;
    final ArrayDeque<CompletableFuture<Admission>> queued = new ArrayDeque<>();
    int next;

    @Setup(Level.Trial)
    public void setUp(Shape shape) {
      workload = new SaturatedWorkload(1, shape.bands, shape.flows, shape.shards);
      controller = workload.controller();
      slotHolder = controller.submit(workload.request(-1)).join();
      for (int i = 0; i < shape.waiting; i++) {
        queued.add(controller.submit(workload.request(next++)));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      finish(controller, slotHolder, Outcome.EVICTED_CANCELLED);
    }
  }

  /** A saturated controller on virtual time whose requests expire. */
  @State(Scope.Benchmark)
  public static class Expiring {
    final ManualClock time = new ManualClock(0);
    FlowController controller;
    SaturatedWorkload workload;
    Admission slotHolder;
    int next;

    @Setup(Level.Trial)
    public void setUp(Shape shape) {
      workload =
          new SaturatedWorkload(
              1,
              shape.bands,
              shape.flows,
              shape.shards,
              Duration.ofNanos(shape.waiting * STEP_NANOS),
              b -> b.ticker(time).scheduler(time));
      controller = workload.controller();
      slotHolder = controller.submit(workload.request(-1)).join();
      for (int i = 0; i < shape.waiting; i++) {
        var unused = controller.submit(workload.request(next++)); // ends by TTL, in tearDown
        time.advanceTo(time.read() + STEP_NANOS);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      finish(controller, slotHolder, Outcome.EVICTED_TTL);
    }
  }

  /**
   * Frees the slot and closes the controller; fails the run if no request ended {@code removal}.
   */
  private static void finish(FlowController controller, Admission slotHolder, Outcome removal) {
    long removed = controller.stats().count(removal);
    slotHolder.close();
    controller.close();
    if (removed == 0) {
      throw new IllegalStateException("no request ended " + removal.reason());
    }
  }

  /** The caller withdraws its oldest waiting request and submits a new one. */
  @Benchmark
  public boolean cancel(Withdrawing state) {
    boolean withdrawn = state.queued.poll().cancel(false);
    state.queued.add(state.controller.submit(state.workload.request(state.next++)));
    return withdrawn;
  }

  /** One step of virtual time (expiring the oldest waiting request), then a new request. */
  @Benchmark
  public CompletableFuture<Admission> expire(Expiring state) {
    state.time.advanceTo(state.time.read() + STEP_NANOS);
    return state.controller.submit(state.workload.request(state.next++));
  }
}
