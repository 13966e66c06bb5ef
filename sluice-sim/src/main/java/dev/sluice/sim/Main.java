package dev.sluice.sim;

import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.load.LoadReport;
import dev.sluice.sim.load.LoadRun;
import dev.sluice.sim.load.LoadSpec;
import dev.sluice.sim.load.LoadSpecYaml;
import dev.sluice.sim.load.ReportTable;
import dev.sluice.sim.load.Slo;
import dev.sluice.sim.load.Tenant;
import dev.sluice.sim.metrics.MetricsFlavor;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimScheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code sluice-sim.jar} entry point: {@code serve} (the default) runs the simulator, {@code
 * load} runs the load client. Exit status 2 means a bad command line. Used from the {@code main}
 * thread only.
 */
public final class Main {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar sluice-sim.jar [serve] [flags]     run the model-server simulator",
          "       java -jar sluice-sim.jar load [flags]        run the load client",
          "",
          "serve flags (defaults in brackets; durations like 250us, 20ms, 1.5s):",
          "  --host ADDR [127.0.0.1]          --port N [8001]           --model NAME [sluice-sim]",
          "  --metrics-flavor vllm|sglang [vllm]",
          "  --max-num-seqs N [5]             --max-waiting-queue-length N [1000]",
          "  --max-model-len N [1024]         --block-size N [16]       --kv-blocks N [1024]",
          "  --prefill-overhead D [20ms]      --prefill-per-token D [200us]",
          "  --inter-token-latency D [15ms]   --time-factor-under-load F [1.0]   --jitter F [0]",
          "  --output-mean N [40]             --output-stddev N [20]   (used when max_tokens is absent)",
          "  --seed N [42]                    --time-scale F [1] (simulated seconds per real second)",
          "  --scheduling-policy fcfs|priority [fcfs]  (priority: the body's 'priority', lower first;",
          "                                     preempts running requests of a higher value)",
          "  --failure-rate PERCENT [0]       --failure-types LIST [all: rate_limit,invalid_api_key,",
          "                                     context_length,server_error,invalid_request,model_not_found]",
          "",
          "load flags:",
          "  --spec FILE.yaml                 workload from YAML (cannot be mixed with workload flags)",
          "  --target URL [http://127.0.0.1:8001]  --path P [/v1/chat/completions]  --model NAME [sluice-sim]",
          "  --rate R (open loop, req/s)  or  --concurrency N (closed loop)   [--rate 10]",
          "  --requests N [100]               --duration D [60s]        --drain-timeout D [30s]",
          "  --tenant NAME:SHARE:PROMPT_TOKENS:OUTPUT_TOKENS[:PRIORITY[:OBJECTIVE]]  (repeatable)",
          "  --slo-ttft D  --slo-tpot D  --slo-itl D  --slo-ntpot D  --slo-e2e D",
          "  --seed N [1]                     --allow-non-loopback      --json FILE|-   --no-progress");

  private static final Set<String> SERVE_VALUED =
      Set.of(
          "host",
          "port",
          "model",
          "metrics-flavor",
          "max-num-seqs",
          "max-waiting-queue-length",
          "max-model-len",
          "block-size",
          "kv-blocks",
          "prefill-overhead",
          "prefill-per-token",
          "inter-token-latency",
          "time-factor-under-load",
          "jitter",
          "output-mean",
          "output-stddev",
          "seed",
          "time-scale",
          "failure-rate",
          "failure-types",
          "scheduling-policy");
  private static final Set<String> LOAD_VALUED =
      Set.of(
          "spec",
          "target",
          "path",
          "model",
          "rate",
          "concurrency",
          "requests",
          "duration",
          "drain-timeout",
          "tenant",
          "slo-ttft",
          "slo-tpot",
          "slo-itl",
          "slo-ntpot",
          "slo-e2e",
          "seed",
          "json");
  private static final Set<String> LOAD_BOOLEANS = Set.of("allow-non-loopback", "no-progress");
  private static final Set<String> SPEC_EXCLUSIVE =
      Set.of(
          "target",
          "path",
          "model",
          "rate",
          "concurrency",
          "requests",
          "duration",
          "drain-timeout",
          "tenant",
          "slo-ttft",
          "slo-tpot",
          "slo-itl",
          "slo-ntpot",
          "slo-e2e",
          "seed");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs a command; returns the exit status. {@code serve} returns only when the JVM shuts down.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> list = Arrays.asList(args);
    String command = list.isEmpty() || list.get(0).startsWith("--") ? "serve" : list.get(0);
    List<String> rest =
        list.isEmpty() || list.get(0).startsWith("--") ? list : list.subList(1, list.size());
    if (rest.contains("--help") || command.equals("help")) {
      out.println(USAGE);
      return 0;
    }
    try {
      switch (command) {
        case "serve":
          return serve(CommandLine.parse(rest, SERVE_VALUED, Set.of()), out);
        case "load":
          return load(CommandLine.parse(rest, LOAD_VALUED, LOAD_BOOLEANS), out, err);
        default:
          throw new CommandLine.UsageException(
              "unknown command '" + command + "' (expected serve or load)");
      }
    } catch (CommandLine.UsageException | IllegalArgumentException e) {
      err.println("sluice-sim: " + e.getMessage());
      err.println("run with --help for usage");
      return 2;
    }
  }

  static SimulatorServer.Builder serverBuilder(CommandLine line) {
    EngineConfig.Builder engine = EngineConfig.builder();
    EngineConfig defaults = engine.build();
    engine
        .maxNumSeqs(line.integer("max-num-seqs", defaults.maxNumSeqs()))
        .maxWaitingQueueLength(
            line.integer("max-waiting-queue-length", defaults.maxWaitingQueueLength()))
        .maxModelLen(line.integer("max-model-len", defaults.maxModelLen()))
        .blockSize(line.integer("block-size", defaults.blockSize()))
        .kvBlocks(line.integer("kv-blocks", defaults.kvBlocks()))
        .prefillOverhead(line.duration("prefill-overhead", defaults.prefillOverhead()))
        .prefillPerToken(line.duration("prefill-per-token", defaults.prefillPerToken()))
        .interTokenLatency(line.duration("inter-token-latency", defaults.interTokenLatency()))
        .timeFactorUnderLoad(line.number("time-factor-under-load", defaults.timeFactorUnderLoad()))
        .jitter(line.number("jitter", defaults.jitter()))
        .defaultOutputLength(
            line.integer("output-mean", defaults.defaultOutputMean()),
            line.integer("output-stddev", defaults.defaultOutputStdDev()))
        .seed(line.longValue("seed", defaults.seed()));
    String policy = line.get("scheduling-policy", "fcfs").toLowerCase(Locale.ROOT);
    switch (policy) {
      case "fcfs" -> engine.schedulingPolicy(EngineConfig.SchedulingPolicy.FCFS);
      case "priority" -> engine.schedulingPolicy(EngineConfig.SchedulingPolicy.PRIORITY);
      default ->
          throw new CommandLine.UsageException(
              "--scheduling-policy expects fcfs or priority, got '" + policy + "'");
    }
    String flavor = line.get("metrics-flavor", "vllm").toLowerCase(Locale.ROOT);
    if (!flavor.equals("vllm") && !flavor.equals("sglang")) {
      throw new CommandLine.UsageException(
          "--metrics-flavor expects vllm or sglang, got '" + flavor + "'");
    }
    SimulatorServer.Builder builder =
        SimulatorServer.builder()
            .host(line.get("host", "127.0.0.1"))
            .port(line.integer("port", 8001))
            .modelName(line.get("model", "sluice-sim"))
            .metricsFlavor(flavor.equals("vllm") ? MetricsFlavor.VLLM : MetricsFlavor.SGLANG)
            .engine(engine.build())
            .timeScale(line.number("time-scale", 1))
            .failureRatePercent(line.number("failure-rate", 0));
    if (line.has("failure-types")) {
      builder.failureTypes(List.of(line.get("failure-types", "").split(",")));
    }
    return builder;
  }

  private static int serve(CommandLine line, PrintStream out) {
    SimulatorServer server = serverBuilder(line).build().start();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.complete(null);
                },
                "sluice-sim-shutdown"));
    out.printf(
        Locale.ROOT,
        "sluice-sim serving model '%s' on http://%s:%d (%s metrics)%n",
        server.modelName(),
        line.get("host", "127.0.0.1"),
        server.port(),
        line.get("metrics-flavor", "vllm"));
    out.flush();
    stopped.join();
    return 0;
  }

  static LoadSpec loadSpec(CommandLine line) throws IOException {
    if (line.has("spec")) {
      for (String flag : SPEC_EXCLUSIVE) {
        if (line.has(flag)) {
          throw new CommandLine.UsageException("--spec cannot be combined with --" + flag);
        }
      }
      LoadSpec spec =
          LoadSpecYaml.parse(
              Files.readString(Path.of(line.get("spec", "")), StandardCharsets.UTF_8));
      if (line.flag("allow-non-loopback") && !spec.allowNonLoopback()) {
        spec =
            new LoadSpec(
                spec.target(),
                spec.path(),
                spec.model(),
                spec.mode(),
                spec.rate(),
                spec.concurrency(),
                spec.maxRequests(),
                spec.duration(),
                spec.drainTimeout(),
                spec.tenants(),
                spec.slo(),
                spec.seed(),
                true);
      }
      return spec;
    }
    if (line.has("rate") && line.has("concurrency")) {
      throw new CommandLine.UsageException(
          "give --rate (open loop) or --concurrency (closed loop), not both");
    }
    LoadSpec.Builder builder =
        LoadSpec.builder()
            .target(line.get("target", "http://127.0.0.1:8001"))
            .path(line.get("path", "/v1/chat/completions"))
            .model(line.get("model", "sluice-sim"))
            .maxRequests(line.integer("requests", 100))
            .duration(line.duration("duration", Duration.ofSeconds(60)))
            .drainTimeout(line.duration("drain-timeout", Duration.ofSeconds(30)))
            .seed(line.longValue("seed", 1))
            .allowNonLoopback(line.flag("allow-non-loopback"))
            .slo(
                new Slo(
                    line.optionalDuration("slo-ttft"),
                    line.optionalDuration("slo-tpot"),
                    line.optionalDuration("slo-itl"),
                    line.optionalDuration("slo-ntpot"),
                    line.optionalDuration("slo-e2e")));
    if (line.has("concurrency")) {
      builder.closedLoop(line.integer("concurrency", 8));
    } else {
      builder.openLoop(line.number("rate", 10));
    }
    List<String> tenants = line.all("tenant");
    if (tenants.isEmpty()) {
      builder.tenant(Tenant.of("default", 1, 128, 64));
    }
    for (String tenant : tenants) {
      builder.tenant(parseTenant(tenant));
    }
    return builder.build();
  }

  static Tenant parseTenant(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length < 4 || parts.length > 6) {
      throw new CommandLine.UsageException(
          "--tenant expects NAME:SHARE:PROMPT_TOKENS:OUTPUT_TOKENS"
              + "[:PRIORITY[:OBJECTIVE]], got '"
              + text
              + "'");
    }
    try {
      return new Tenant(
          parts[0],
          parts[0],
          parts.length > 5 && !parts[5].isEmpty() ? parts[5] : null,
          parts.length > 4 ? Integer.parseInt(parts[4]) : 0,
          Double.parseDouble(parts[1]),
          Integer.parseInt(parts[2]),
          Integer.parseInt(parts[3]),
          null,
          Map.of());
    } catch (NumberFormatException e) {
      throw new CommandLine.UsageException(
          "--tenant '"
              + text
              + "': SHARE must be a number and "
              + "PROMPT_TOKENS, OUTPUT_TOKENS, PRIORITY integers");
    }
  }

  private static int load(CommandLine line, PrintStream out, PrintStream err) {
    LoadSpec spec;
    try {
      spec = loadSpec(line);
    } catch (IOException e) {
      throw new CommandLine.UsageException("cannot read --spec: " + e.getMessage());
    }
    boolean progress = !line.flag("no-progress");
    LoadReport report;
    try (SimScheduler clock = SimScheduler.realTime(1)) {
      report =
          LoadRun.run(
              spec,
              clock,
              progressLine -> {
                if (progress) {
                  err.print("\r" + progressLine);
                  err.flush();
                }
              });
    }
    if (progress) {
      err.println();
    }
    out.print(ReportTable.render(report));
    String json = line.get("json");
    if (json != null) {
      if (json.equals("-")) {
        out.println(report.toJson());
      } else {
        try {
          Files.writeString(Path.of(json), report.toJson() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
          err.println("sluice-sim: cannot write " + json + ": " + e.getMessage());
          return 1;
        }
      }
    }
    return 0;
  }
}
