package dev.sluice.bench.jmh;

import static dev.sluice.internal.Preconditions.checkArgument;

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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link SaturatedDispatchBenchmark}'s operation from several threads at once (run with {@code -t
 * 1} and {@code -t 2}): each thread closes any admission (the closer, or the thread already
 * dispatching that shard, then dispatches the next queued request) and submits a new request. The
 * admissions in flight are shared through a concurrent queue ({@link ClosedLoop#shared()}), which
 * both thread counts pay for, so compare the two thread counts of this benchmark with each other,
 * not with the single-threaded matrix. Threads draw disjoint stretches of the Zipf stream. With
 * {@code S = 2} shards the threads can dispatch on different shard locks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ConcurrentDispatchBenchmark {

  @Param({"100"})
  public int limit;

  @Param({"8"})
  public int bands;

  @Param({"10000"})
  public int flows;

  @Param({"1000"})
  public int submitters;

  @Param({"1", "2"})
  public int shards;

  private FlowController controller;
  private SaturatedWorkload workload;
  private final ClosedLoop loop = ClosedLoop.shared();

  /** A benchmark thread's position in the request stream. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void setUp(ThreadParams thread) {
      next = SaturatedWorkload.start(thread.getThreadIndex(), thread.getThreadCount());
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    checkArgument(
        submitters > limit,
        "submitters: %s (expected: > limit %s, so that requests queue)",
        submitters,
        limit);
    workload = new SaturatedWorkload(limit, bands, flows, shards);
    controller = workload.controller();
    for (int i = 0; i < submitters; i++) {
      loop.submit(controller, workload.request(-1 - i));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    loop.closeAll();
    controller.close();
  }

  /** One dispatch: close an admission (dispatching a queued request), submit a new one. */
  @Benchmark
  public Admission dispatch(Cursor cursor) {
    return loop.closeOneAndSubmit(controller, workload.request(cursor.next++));
  }
}
