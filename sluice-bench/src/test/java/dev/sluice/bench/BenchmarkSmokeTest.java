package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.bench.heap.RetainedHeapProbe;
import dev.sluice.bench.jmh.AdmissionBenchmark;
import dev.sluice.bench.jmh.ConcurrentDispatchBenchmark;
import dev.sluice.bench.jmh.MassCancellationBenchmark;
import dev.sluice.bench.jmh.QueueBenchmark;
import dev.sluice.bench.jmh.SaturatedDispatchBenchmark;
import dev.sluice.bench.jmh.TopologyChurnBenchmark;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark briefly, in this JVM, so none of them can rot: one 50 ms warm-up and one 50
 * ms measurement each, the saturated matrix on a reduced set of points. The numbers mean nothing
 * here; that each benchmark runs, and does work, does.
 */
class BenchmarkSmokeTest {

  private static ChainedOptionsBuilder brief(Class<?> benchmark) {
    return new OptionsBuilder()
        .include("\\." + benchmark.getSimpleName() + "\\.")
        .forks(0)
        .warmupIterations(1)
        .warmupTime(TimeValue.milliseconds(50))
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(50))
        .shouldFailOnError(true)
        .verbosity(VerboseMode.SILENT);
  }

  @Test
  void admissionBenchmarksRunForEveryCompetitor() throws RunnerException {
    Collection<RunResult> results = new Runner(brief(AdmissionBenchmark.class).build()).run();
    assertThat(results)
        .extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
        .containsExactlyInAnyOrder(
            "semaphore",
            "bulkhead",
            "simpleLimiter",
            "atomicFloor",
            "futureFloor",
            "lockFloor",
            "contractAtomicsFloor",
            "limitAndLeaseAtomicsFloor",
            "guaranteesFloor",
            "limitOnlyFloor",
            "limitOnlyBlockingFloor",
            "sluiceSubmit",
            "sluiceSubmitAlwaysOpen",
            "sluiceSubmitOwnFlow",
            "sluiceAcquire");
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void saturatedDispatchRunsOnAReducedMatrix() throws RunnerException {
    Collection<RunResult> results =
        new Runner(
                brief(SaturatedDispatchBenchmark.class)
                    .param("limit", "1", "100")
                    .param("bands", "8")
                    .param("flows", "10000")
                    .param("submitters", "1000")
                    .param("shards", "1", "2")
                    .timeUnit(TimeUnit.SECONDS)
                    .build())
            .run();
    assertThat(results).hasSize(4);
    // Thousands of dispatches in 50 ms even here: the harness keeps the controller saturated.
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void concurrentDispatchRunsOnTwoThreads() throws RunnerException {
    Collection<RunResult> results =
        new Runner(
                brief(ConcurrentDispatchBenchmark.class)
                    .threads(2)
                    .timeUnit(TimeUnit.SECONDS)
                    .build())
            .run();
    assertThat(results)
        .extracting(r -> r.getParams().getParam("shards"))
        .containsExactlyInAnyOrder("1", "2");
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.getParams().getThreads()).isEqualTo(2);
              assertThat(r.getPrimaryResult().getScore()).isPositive();
            });
  }

  @Test
  void gieHighShardSortPointsRunOnTheSaturatedBenchmark() throws RunnerException {
    Collection<RunResult> results =
        new Runner(
                brief(SaturatedDispatchBenchmark.class)
                    .param("limit", "50")
                    .param("bands", "1")
                    .param("flows", "100")
                    .param("submitters", "100")
                    .param("shards", "256")
                    .timeUnit(TimeUnit.SECONDS)
                    .build())
            .run();
    assertThat(results)
        .singleElement()
        .satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void massCancellationWithdrawsAndExpires() throws RunnerException {
    // Each run's tear-down fails it if nothing was withdrawn or expired.
    Collection<RunResult> results =
        new Runner(
                brief(MassCancellationBenchmark.class)
                    .param("shards", "2")
                    .timeUnit(TimeUnit.SECONDS)
                    .build())
            .run();
    assertThat(results)
        .extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
        .containsExactlyInAnyOrder("cancel", "expire");
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void topologyChurnCreatesAndCollectsFlows() throws RunnerException {
    // The tear-down fails the run unless flows were created and collected while it ran.
    Collection<RunResult> results =
        new Runner(
                brief(TopologyChurnBenchmark.class)
                    .param("idleMillis", "1")
                    .timeUnit(TimeUnit.SECONDS)
                    .build())
            .run();
    assertThat(results)
        .singleElement()
        .satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void queueBenchmarksRunForEveryQueue() throws RunnerException {
    Collection<RunResult> results = new Runner(brief(QueueBenchmark.class).build()).run();
    assertThat(results).hasSize(4 * 2 * 2); // 4 operations x 2 queues x 2 backlogs
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void retainedHeapProbeSeesTheQueuedRequests() {
    RetainedHeapProbe.Result result =
        RetainedHeapProbe.measure(RetainedHeapProbe.Variant.LIST_TTL, 50_000, 100);
    assertThat(result.queued()).isEqualTo(50_000);
    // A queued request costs at least its controller record and future, and nowhere near a KB.
    assertThat(result.bytesPerRequest()).isBetween(64.0, 1_024.0);
    assertThat(result.flowRequestBytes()).isBetween(24.0, 256.0);
  }
}
