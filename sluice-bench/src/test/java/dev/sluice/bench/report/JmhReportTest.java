package dev.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhReportTest {

  @Test
  void readsPrimaryScoresWithTheirAllocationAndParameters(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("queues.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: backlog\",\"Param: queue\"",
            "\"dev.sluice.bench.jmh.QueueBenchmark.addRemove\",\"avgt\",1,5,21.5,1.25,\"ns/op\",0,list",
            "\"dev.sluice.bench.jmh.QueueBenchmark.addRemove:gc.alloc.rate.norm\",\"avgt\",1,5,32.0,0.001,\"B/op\",0,list",
            "\"dev.sluice.bench.jmh.QueueBenchmark.addRemove:gc.count\",\"avgt\",1,5,3.0,NaN,\"counts\",0,list",
            "\"dev.sluice.bench.jmh.QueueBenchmark.addRemove\",\"avgt\",1,5,6.7,NaN,\"ns/op\",0,max-min-heap",
            "\"dev.sluice.bench.jmh.QueueBenchmark.addRemove:gc.alloc.rate.norm\",\"avgt\",1,5,0.002,NaN,\"B/op\",0,max-min-heap",
            ""));
    List<JmhReport.Result> results = JmhReport.read(csv);
    assertThat(results).hasSize(2);
    JmhReport.Result list = results.get(0);
    assertThat(list.benchmark()).isEqualTo("QueueBenchmark.addRemove");
    assertThat(list.score()).isEqualTo(21.5);
    assertThat(list.error()).isEqualTo(1.25);
    assertThat(list.bytesPerOp()).isEqualTo(32.0);
    assertThat(list.param("queue")).isEqualTo("list");
    assertThat(results.get(1).param("queue")).isEqualTo("max-min-heap");
    assertThat(results.get(1).error()).isNaN();
    assertThat(JmhReport.queues(results)).contains("| addRemove | list | 0 | 21.5 ± 1.3 | 32 |");
  }

  @Test
  void theConcurrentTableShowsThreadsAndShards() {
    Map<String, String> params =
        Map.of("limit", "100", "bands", "8", "flows", "10000", "submitters", "1000", "shards", "2");
    JmhReport.Result twoThreads =
        new JmhReport.Result(
            "ConcurrentDispatchBenchmark.dispatch",
            2,
            2_179_548.9,
            582_915.8,
            "ops/s",
            params,
            240.0);
    assertThat(JmhReport.concurrent(List.of(twoThreads)))
        .contains("| 2 | 100 | 8 | 10000 | 1000 | 2 | 2,179,549 | 582,916 | 240 |");
  }

  @Test
  void gieOthersListOnlyTheParametersABenchmarkHas() {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    params.put("bands", "8");
    params.put("idleMillis", "N/A");
    params.put("shards", "2");
    JmhReport.Result cancel =
        new JmhReport.Result(
            "MassCancellationBenchmark.cancel",
            1,
            1_011_897.1,
            1_508_230.4,
            "ops/s",
            params,
            874.9);
    assertThat(JmhReport.gieOthers(List.of(cancel)))
        .contains(
            "| MassCancellationBenchmark.cancel | bands=8, shards=2 | 1,011,897 | 1,508,230 | 875 |");
  }

  @Test
  void anAbsentFileReadsAsNoResults(@TempDir Path dir) throws Exception {
    assertThat(JmhReport.read(dir.resolve("missing.csv"))).isEmpty();
  }
}
