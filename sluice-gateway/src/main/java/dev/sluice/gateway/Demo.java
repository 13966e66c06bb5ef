package dev.sluice.gateway;

import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.load.GroupStats;
import dev.sluice.sim.load.LoadReport;
import dev.sluice.sim.load.LoadRun;
import dev.sluice.sim.load.LoadSpec;
import dev.sluice.sim.load.ReportTable;
import dev.sluice.sim.load.Tenant;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimScheduler;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice demo}: three simulated model servers, an overload from four tenants, once through
 * the Sluice gateway and once through a plain round-robin proxy, and the two per-tenant tables
 * side by side.
 *
 * <p>The tenants: {@code premium} (objective {@code premium}, priority 10), {@code standard-a}
 * and {@code standard-b} (priority 0; b sends ten times as much as a), and {@code batch}
 * (objective {@code batch}, priority -1, sheddable). Everything runs in this JVM on 127.0.0.1
 * ephemeral ports, bounded in time, and is stopped before {@link #run} returns. Stateless; each
 * {@link #run} call is independent and confined to its caller's thread.
 */
public final class Demo {

  /** Default length of each of the two load phases. */
  static final Duration DEFAULT_PHASE = Duration.ofSeconds(20);
  /** Default offered load: about twice what the three simulated servers can serve. */
  static final double DEFAULT_RATE = 40;

  private static final String GATEWAY_YAML = """
      server: {port: 0, gracefulShutdown: 5s}
      admin: {port: 0}
      objectives: {premium: 10, standard: 0, batch: -1}
      saturation: {detector: utilization, queueDepthThreshold: 3}
      flowControl:
        defaultTtl: 5s
        rejectSheddableWhenSaturated: true
        bands:
          - {priority: 10}
          - {priority: 0, fairness: round-robin}
          - {priority: -1}
      """;

  private Demo() {}

  /** {@code sluice demo [--duration 20s] [--rate 40]}. */
  public static void main(String[] args) {
    // The demo prints its own progress; the servers' start-up lines would only interleave with it.
    System.setProperty("org.slf4j.simpleLogger.log.com.linecorp.armeria.server.Server", "warn");
    Duration phase = DEFAULT_PHASE;
    double rate = DEFAULT_RATE;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if ((arg.equals("--duration") || arg.equals("--rate")) && value != null) {
        try {
          if (arg.equals("--duration")) {
            phase = Duration.ofMillis(Math.round(1000 * Double.parseDouble(value.replace("s", ""))));
          } else {
            rate = Double.parseDouble(value);
          }
        } catch (NumberFormatException e) {
          System.err.println("demo: " + arg + ": '" + value + "' is not a number");
          System.exit(2);
        }
        i++;
      } else {
        System.err.println("usage: sluice demo [--duration SECONDS] [--rate REQUESTS_PER_SECOND]");
        System.exit(arg.equals("--help") ? 0 : 2);
      }
    }
    run(phase, rate, System.out, System.err);
    System.exit(0);
  }

  /** Runs both phases and prints the comparison to {@code out}, progress to {@code progress}. */
  public static void run(Duration phase, double rate, PrintStream out, PrintStream progress) {
    out.printf(Locale.ROOT, "Sluice demo: 3 simulated model servers (5 slots each), %.0f req/s "
        + "offered for %d s per run, about twice what they can serve.%n", rate, phase.toSeconds());
    out.println("Tenants: premium (priority 10), standard-a and standard-b (priority 0, b sends 10x "
        + "more), batch (priority -1, sheddable).");
    QueueWaits waits = new QueueWaits();
    progress.println("[1/2] through the Sluice gateway ...");
    LoadReport gated = withBackends(backends -> {
      GatewayConfig config = GatewayConfig.parse(GATEWAY_YAML).withBackends(backends.stream()
          .map(uri -> new Backend(uri, "/metrics")).toList());
      try (Gateway gateway = Gateway.builder(config).listener(waits).build().start()) {
        return load(gateway.port(), phase, rate, line -> progress.println("  gateway: " + line));
      }
    });
    progress.println("[2/2] through a plain round-robin proxy ...");
    LoadReport plain = withBackends(backends -> {
      try (RoundRobinProxy proxy = new RoundRobinProxy(backends).start()) {
        return load(proxy.port(), phase, rate, line -> progress.println("  proxy:   " + line));
      }
    });
    out.println();
    out.print(ReportTable.sideBySide("WITH SLUICE (flow-controlled gateway)", gated,
        "WITHOUT (round-robin proxy)", plain));
    out.println();
    out.println("Queue wait p99 in the gateway (ms), dispatched requests; the proxy has no queue of "
        + "its own, its requests wait inside the model servers (TTFT above):");
    for (GroupStats stats : gated.byTenant()) {
      out.printf(Locale.ROOT, "  %-11s %8s%n", stats.group(), waits.p99Millis(stats.group()));
    }
    out.println();
    out.println("429 = rejected at once (over capacity or shed), 503 = waited its TTL in the queue. "
        + "Without flow control every tenant shares one backlog.");
  }

  private interface Phase {
    LoadReport run(List<URI> backends);
  }

  /** Starts three simulators, runs {@code phase} against them, and stops them. */
  private static LoadReport withBackends(Phase phase) {
    List<SimulatorServer> servers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        servers.add(SimulatorServer.builder()
            .port(0)
            .engine(EngineConfig.builder().seed(42 + i).build())
            .build()
            .start());
      }
      return phase.run(servers.stream().map(s -> URI.create("http://127.0.0.1:" + s.port())).toList());
    } finally {
      List<CompletableFuture<Void>> stops = new ArrayList<>();
      servers.forEach(s -> stops.add(s.closeAsync()));
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }
  }

  private static LoadReport load(int port, Duration phase, double rate,
      java.util.function.Consumer<String> progress) {
    LoadSpec spec = LoadSpec.builder()
        .target("http://127.0.0.1:" + port)
        .openLoop(rate)
        .duration(phase)
        .maxRequests((int) Math.ceil(rate * phase.toMillis() / 1000.0) + 1)
        .drainTimeout(Duration.ofSeconds(15))
        .seed(7)
        .tenant(new Tenant("premium", "premium", "premium", 10, 1, 64, 40, null, Map.of()))
        .tenant(new Tenant("standard-a", "standard-a", "standard", 0, 1, 64, 40, null, Map.of()))
        .tenant(new Tenant("standard-b", "standard-b", "standard", 0, 10, 64, 40, null, Map.of()))
        .tenant(new Tenant("batch", "batch", "batch", -1, 2, 64, 40, null, Map.of()))
        .build();
    try (SimScheduler clock = SimScheduler.realTime(1)) {
      return LoadRun.run(spec, clock, progress);
    }
  }

  /** Queue waits of dispatched requests by fairness id. Thread-safe. */
  private static final class QueueWaits implements FlowControlListener {
    private final Map<String, Queue<Long>> waits = new ConcurrentHashMap<>();

    @Override
    public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
      if (outcome == Outcome.DISPATCHED) {
        waits.computeIfAbsent(request.flowKey().id(), k -> new ConcurrentLinkedQueue<>())
            .add(queueNanos);
      }
    }

    String p99Millis(String id) {
      Queue<Long> values = waits.get(id);
      if (values == null || values.isEmpty()) {
        return "-";
      }
      long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
      int index = (int) Math.ceil(0.99 * sorted.length) - 1;
      return Long.toString(TimeUnit.NANOSECONDS.toMillis(sorted[Math.max(0, index)]));
    }
  }
}
