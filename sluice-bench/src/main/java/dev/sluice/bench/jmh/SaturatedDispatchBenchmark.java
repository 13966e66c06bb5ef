package dev.sluice.bench.jmh;

import dev.sluice.bench.harness.InertScheduler;
import dev.sluice.bench.harness.SlotDetector;
import dev.sluice.bench.harness.Zipf;
import dev.sluice.flow.Admission;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
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
 * Saturated dispatch throughput, adapted from GIE's {@code BenchmarkFlowController_PerformanceMatrix}:
 * concurrency limit {@code L}, bands {@code P}, flows {@code F}, submitters {@code W}, shards
 * {@code S}, flows drawn from Zipf(s = 1.1, seed 1).
 *
 * <p><b>Virtual submitters.</b> {@code W} requests are kept in the system at all times: {@code L}
 * hold a slot of the {@link SlotDetector}, the other {@code W - L} wait in the queues. One
 * operation closes the oldest admission (which frees a slot, so the closing thread dispatches the
 * next queued request) and submits a new request in its place (which queues, as the backend is
 * full). So operations per second are dispatches per second, and each includes one enqueue, one
 * fair pick and one dispatch. No sleeps model work. Flow {@code i} is in band {@code i % P}; request
 * sizes are 100 B to 9 KB by Knuth's multiplicative hash, as GIE's. With {@code W <= L} nothing
 * queues (GIE skips those points; so do the commands in docs/benchmarks.md).
 *
 * <p>Single-threaded by design ({@link Threads} = 1): on a 2-core machine a second submitter
 * thread measures lock hand-off, which {@link AdmissionBenchmark} at {@code -t 2} already shows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SaturatedDispatchBenchmark {
  private static final int SAMPLES = 1 << 20;

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
  private FlowRequest[] requests;
  private int[] flowSamples;
  private int next;
  private final ArrayDeque<Admission> admitted = new ArrayDeque<>();
  private final BiConsumer<Admission, Throwable> onDispatch = (admission, failure) -> {
    if (admission != null) {
      admitted.add(admission);
    } else {
      throw new IllegalStateException("a request failed in the saturated benchmark", failure);
    }
  };

  @Setup(Level.Trial)
  public void setUp() {
    List<BandConfig> bandConfigs = new ArrayList<>();
    for (int priority = 0; priority < bands; priority++) {
      bandConfigs.add(BandConfig.builder(priority).maxRequests(0).maxBytes(0).build());
    }
    controller = FlowController.create(FlowControllerConfig.builder()
        .bands(bandConfigs)
        .shards(shards)
        .saturationDetector(new SlotDetector(limit))
        .scheduler(InertScheduler.INSTANCE)
        .build());
    requests = new FlowRequest[flows];
    for (int i = 0; i < flows; i++) {
      long size = 100 + ((i * 2654435761L) & 0xFFFFFFFFL) % 9_000;
      requests[i] = FlowRequest.builder(FlowKey.of("flow-" + i, i % bands)).byteSize(size).build();
    }
    flowSamples = new Zipf(flows, 1.1).samples(SAMPLES, 1);
    for (int i = 0; i < submitters; i++) {
      submitOne();
    }
    if (admitted.isEmpty()) {
      throw new IllegalStateException("nothing was dispatched after " + submitters + " submissions");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    controller.close();
    admitted.forEach(Admission::close);
    admitted.clear();
  }

  private void submitOne() {
    FlowRequest request = requests[flowSamples[next++ & (SAMPLES - 1)]];
    controller.submit(request).whenComplete(onDispatch);
  }

  /** One dispatch: close the oldest admission (dispatching a queued request), submit a new one. */
  @Benchmark
  public Admission dispatch() {
    Admission done = admitted.poll();
    done.close();
    submitOne();
    return done;
  }
}
