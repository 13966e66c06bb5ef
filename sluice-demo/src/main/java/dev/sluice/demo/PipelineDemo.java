package dev.sluice.demo;

import dev.sluice.backpressure.BackpressureStats;
import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice demo pipeline}: SpecForge's rollout-outpaces-training problem, live. Producers
 * (rollout workers) lease prompts from a {@link dev.sluice.pipeline.Pipeline}, generate each
 * through the Sluice gateway on three simulated model servers, and commit a result whose size comes
 * from its completion tokens; a consumer (the trainer), several times slower, gathers whole batches
 * and acks each after a training step. Two runs, the same hard cap: without backpressure the
 * results pile up to the cap and every further generation is refused (wasted); with it, producers
 * pause at the high watermark and resume at the low one.
 *
 * <p>Prints peak resident bytes, pauses, producer and consumer starvation time and wasted
 * generations, and writes resident bytes over time to a PNG. Everything runs in this JVM on
 * 127.0.0.1 ephemeral ports and is stopped before {@link #run} returns.
 */
public final class PipelineDemo {

  /** Default length of each run. */
  static final Duration DEFAULT_PHASE = Duration.ofSeconds(15);

  /** Where the chart goes by default, relative to the working directory (the repository). */
  static final Path DEFAULT_CHART = Path.of("docs/img/pipeline-demo.png");

  private static final String GATEWAY_YAML =
      """
      server: {port: 0, gracefulShutdown: 1s}
      admin: {port: -1}
      """;

  private PipelineDemo() {}

  /** {@code sluice demo pipeline [--duration 15] [--png docs/img/pipeline-demo.png]}. */
  public static void main(String[] args) throws Exception {
    DemoSupport.quietServerStartup();
    Duration phase = DEFAULT_PHASE;
    Path chart = DEFAULT_CHART;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (arg.equals("--duration") && value != null) {
        try {
          phase = DemoSupport.amount(value, TimeUnit.SECONDS);
        } catch (IllegalArgumentException e) {
          phase = Duration.ZERO;
        }
        if (phase.compareTo(Duration.ofSeconds(1)) < 0) {
          System.err.println("demo pipeline: --duration: '" + value + "' (expected: >= 1 s)");
          System.exit(2);
        }
        i++;
      } else if (arg.equals("--png") && value != null) {
        chart = Path.of(value);
        i++;
      } else {
        System.err.println("usage: sluice demo pipeline [--duration SECONDS] [--png FILE]");
        System.exit(arg.equals("--help") ? 0 : 2);
      }
    }
    DemoSetup setup = DemoSetup.defaults(phase);
    run(setup, setup, chart, System.out);
    System.exit(0);
  }

  /**
   * Runs both phases on the same servers and gateway, prints the comparison, writes the chart.
   *
   * @param setup the run with backpressure, and what the header describes
   * @param without the run without backpressure (its watermarks are not used)
   * @return the runs, with backpressure first
   */
  static List<RunReport> run(DemoSetup setup, DemoSetup without, Path chart, PrintStream out)
      throws InterruptedException, IOException {
    out.printf(
        Locale.ROOT,
        "Sluice pipeline demo: %d producers x %d completions in flight through the gateway on 3"
            + " simulated model servers;%n"
            + "each result is %d KiB per completion token. One consumer acks whole batches of %d,"
            + " training %d ms on each.%n"
            + "Hard cap %d MiB in both runs; with backpressure: watermarks %d/%d MiB, %d KiB"
            + " reserved per leased prompt. %d s per run.%n",
        setup.workers(),
        setup.slotsPerWorker(),
        setup.bytesPerToken() / 1024,
        setup.batch(),
        setup.step().toMillis(),
        setup.capBytes() / DemoSetup.MIB,
        setup.lowBytes() / DemoSetup.MIB,
        setup.highBytes() / DemoSetup.MIB,
        setup.reservePerItem() / 1024,
        setup.phase().toSeconds());
    List<SimulatorServer> servers = ClosedLoop.startBackends(3, setup.timeScale());
    List<RunReport> runs;
    try {
      GatewayConfig config = DemoSupport.gatewayConfig(GATEWAY_YAML, servers);
      String model = servers.get(0).modelName();
      try (Gateway gateway = Gateway.builder(config).build().start()) {
        out.println("[1/2] with backpressure ...");
        RunReport with = DemoRun.run(setup, true, gateway.port(), model);
        out.println("[2/2] without backpressure ...");
        runs = List.of(with, DemoRun.run(without, false, gateway.port(), model));
      }
    } finally {
      ClosedLoop.stop(servers);
    }
    out.println();
    out.print(table(runs));
    ResidentChart.write(chart, setup, runs);
    out.println();
    out.println(
        "Starvation: time spent asking and getting nothing (producers: paused; consumer: no"
            + " results), intervals in parentheses.");
    out.println(
        "Without backpressure the results reach the hard cap and every further commit is refused:"
            + " its generation is wasted.");
    out.println("resident bytes over time: " + chart);
    return runs;
  }

  static String table(List<RunReport> runs) {
    StringBuilder out = new StringBuilder();
    String format = "%-32s %20s %20s%n";
    out.append(String.format(Locale.ROOT, format, "", runs.get(0).name(), runs.get(1).name()));
    row(out, format, runs, "peak resident MiB", r -> mib(r.status().peakResidentBytes()));
    row(out, format, runs, "pauses", r -> Long.toString(bp(r).pauses()));
    row(out, format, runs, "time paused s", r -> seconds(bp(r).timePaused()));
    row(out, format, runs, "producer starvation s, all workers", r -> starved(bp(r), true));
    row(out, format, runs, "consumer starvation s", r -> starved(bp(r), false));
    row(out, format, runs, "generations", r -> Long.toString(r.generated()));
    row(out, format, runs, "wasted (refused) generations", r -> Long.toString(r.wasted()));
    row(out, format, runs, "results acked", r -> Long.toString(r.status().acked()));
    row(out, format, runs, "consumer steps", r -> Long.toString(r.consumerSteps()));
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      String format,
      List<RunReport> runs,
      String label,
      java.util.function.Function<RunReport, String> cell) {
    out.append(
        String.format(
            Locale.ROOT, format, label, cell.apply(runs.get(0)), cell.apply(runs.get(1))));
  }

  private static BackpressureStats bp(RunReport run) {
    return run.status().backpressure();
  }

  private static String starved(BackpressureStats stats, boolean producers) {
    return producers
        ? seconds(stats.producerStarvedTime()) + " (" + stats.producerStarvations() + ")"
        : seconds(stats.consumerStarvedTime()) + " (" + stats.consumerStarvations() + ")";
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", (double) bytes / DemoSetup.MIB);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
