package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.load.LoadSpec;
import dev.sluice.sim.metrics.MetricsFlavor;
import dev.sluice.sim.server.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badFlagsGiveUsageErrorsAndStatus2() {
    assertThat(run("--prot", "8001")).isEqualTo(2);
    assertThat(err()).contains("unknown flag --prot").contains("--help");
    err.reset();
    assertThat(run("serve", "--port")).isEqualTo(2);
    assertThat(err()).contains("--port needs a value");
    err.reset();
    assertThat(run("--port", "eighty")).isEqualTo(2);
    assertThat(err()).contains("--port expects an integer, got 'eighty'");
    err.reset();
    assertThat(run("--max-num-seqs", "0")).isEqualTo(2);
    assertThat(err()).contains("maxNumSeqs: 0 (expected: >= 1)");
    err.reset();
    assertThat(run("--metrics-flavor", "tgi")).isEqualTo(2);
    assertThat(err()).contains("expects vllm or sglang");
    err.reset();
    assertThat(run("launch")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'launch'");
    err.reset();
    assertThat(run("load", "--tenant", "a:1:2")).isEqualTo(2);
    assertThat(err()).contains("--tenant expects NAME:SHARE");
    err.reset();
    assertThat(run("load", "--rate", "5", "--concurrency", "2")).isEqualTo(2);
    assertThat(err()).contains("not both");
    err.reset();
    assertThat(run("load", "--target", "http://192.0.2.1:8001", "--no-progress")).isEqualTo(2);
    assertThat(err()).contains("loopback");
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("usage:", "--max-num-seqs", "--tenant");
  }

  @Test
  void serveFlagsReachTheServerAndEngine() {
    CommandLine line =
        CommandLine.parse(
            List.of(
                "--port=0",
                "--max-num-seqs",
                "3",
                "--kv-blocks",
                "64",
                "--inter-token-latency",
                "250us",
                "--metrics-flavor",
                "sglang",
                "--failure-types",
                "rate_limit,server_error"),
            Set.of(
                "port",
                "max-num-seqs",
                "kv-blocks",
                "inter-token-latency",
                "metrics-flavor",
                "failure-types"),
            Set.of());
    SimulatorServer server = Main.serverBuilder(line).build();
    assertThat(server.engine().config().maxNumSeqs()).isEqualTo(3);
    assertThat(server.engine().config().kvBlocks()).isEqualTo(64);
    assertThat(server.engine().config().interTokenLatency()).isEqualTo(Duration.ofNanos(250_000));
    assertThat(server.metricsText()).contains("sglang:num_queue_reqs").doesNotContain("vllm:");
    server.closeAsync();
    assertThat(MetricsFlavor.valueOf("SGLANG")).isNotNull();
  }

  @Test
  void loadFlagsBuildTheSpec() throws Exception {
    CommandLine line =
        CommandLine.parse(
            List.of(
                "--concurrency",
                "4",
                "--requests",
                "9",
                "--tenant",
                "a:3:100:20:5:premium",
                "--tenant",
                "b:1:10:5",
                "--slo-ttft",
                "300ms"),
            Set.of("concurrency", "requests", "tenant", "slo-ttft"),
            Set.of());
    LoadSpec spec = Main.loadSpec(line);
    assertThat(spec.mode()).isEqualTo(LoadSpec.Mode.CLOSED_LOOP);
    assertThat(spec.maxRequests()).isEqualTo(9);
    assertThat(spec.tenants()).hasSize(2);
    assertThat(spec.tenants().get(0).priority()).isEqualTo(5);
    assertThat(spec.tenants().get(0).objective()).isEqualTo("premium");
    assertThat(spec.tenants().get(0).share()).isEqualTo(3.0);
    assertThat(spec.slo().ttft()).isEqualTo(Duration.ofMillis(300));
  }
}
