package dev.sluice.bench.jmh;

import dev.sluice.bench.harness.ClosedLoop;
import dev.sluice.bench.harness.SaturatedWorkload;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
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
 * Saturated dispatch throughput, adapted from GIE's {@code
 * BenchmarkFlowController_PerformanceMatrix}: concurrency limit {@code L}, bands {@code P}, flows
 * {@code F}, submitters {@code W}, shards {@code S}, flows drawn from Zipf(s = 1.1, seed 1).
 *
 * <p><b>Virtual submitters.</b> {@code W} requests are kept in the system at all times: {@code L}
 * hold a slot of the {@link SlotDetector}, the other {@code W - L} wait in the queues. One
 * operation closes the oldest admission (which frees a slot, so the closing thread dispatches the
 * next queued request) and submits a new request in its place (which queues, as the backend is
 * full). So operations per second are dispatches per second, and each includes one enqueue, one
 * fair pick and one dispatch. No sleeps model work. The workload is {@link SaturatedWorkload}'s.
 * With {@code W <= L} nothing queues (GIE skips those points; so do the commands in
 * docs/benchmarks.md).
 *
 * <p>One benchmark thread ({@link Threads} = 1), so the harness's own bookkeeping is a plain deque
 * ({@link ClosedLoop#forOneThread()}); {@link ConcurrentDispatchBenchmark} runs the same workload
 * from several threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SaturatedDispatchBenchmark {
  @Param({"1", "100"})
  public int limit;

  @Param({"1", "8"})
  public int bands;

  @Param({"10", "10000", "100000"})
  public int flows;

  @Param({"10", "1000"})
  public int submitters;

  @Param({"1", "2"})
  public int shards;

  private FlowController controller;
  private SaturatedWorkload workload;
  private int next;
  private final ClosedLoop loop = ClosedLoop.forOneThread();

  @Setup(Level.Trial)
  public void setUp() {
    workload = new SaturatedWorkload(limit, bands, flows, shards);
    controller = workload.controller();
    for (int i = 0; i < submitters; i++) {
      submitOne();
    }
    if (loop.isEmpty()) {
      throw new IllegalStateException(
          "nothing was dispatched after " + submitters + " submissions");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    loop.closeAll();
    controller.close();
  }

  private void submitOne() {
    loop.submit(controller, workload.request(next++));
  }

  /** One dispatch: close the oldest admission (dispatching a queued request), submit a new one. */
  @Benchmark
  public Admission dispatch() {
    return loop.closeOneAndSubmit(controller, workload.request(next++));
  }
}
