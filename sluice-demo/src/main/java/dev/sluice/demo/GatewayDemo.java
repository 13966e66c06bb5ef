package dev.sluice.demo;

import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.Gateway;
import dev.sluice.sim.load.GroupStats;
import dev.sluice.sim.load.LoadReport;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import dev.sluice.sim.testbed.ClosedLoop.Streams;
import dev.sluice.sim.testbed.RoundRobinProxy;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code sluice demo}: three realistic simulated model servers (4 running slots each, a FIFO queue
 * beyond), four closed-loop tenants, once through the Sluice gateway with its default settings and
 * once through a plain round-robin proxy, and one table comparing them. The headline is goodput:
 * requests per second whose time to first token met the objective.
 *
 * <p>The tenants: {@code premium} (objective {@code premium}, priority 10, 2 streams), {@code
 * standard-a} (2 streams) and {@code standard-b} (6 streams) at priority 0, and {@code batch}
 * (objective {@code batch}, priority -1, sheddable, 16 streams, longer answers): 26 streams on 12
 * slots. Everything runs in this JVM on 127.0.0.1 ephemeral ports, bounded in time, and is stopped
 * before {@link #run} returns. Stateless; each {@link #run} call is independent and confined to its
 * caller's thread.
 */
public final class GatewayDemo {

  /** Default length of each of the two runs. */
  static final Duration DEFAULT_PHASE = Duration.ofSeconds(20);

  /** The load each run starts with, not counted in its figures. */
  static final Duration WARM_UP = Duration.ofSeconds(2);

  /** Default time-to-first-token objective for goodput. */
  static final Duration DEFAULT_TTFT_OBJECTIVE = Duration.ofMillis(300);

  /** The gateway's configuration: its defaults, plus the objectives' priorities. */
  private static final String GATEWAY_YAML =
      """
      server: {port: 0, gracefulShutdown: 5s}
      admin: {port: 0}
      objectives: {premium: 10, standard: 0, batch: -1}
      """;

  private GatewayDemo() {}

  /** {@code sluice demo [--duration 20] [--ttft-objective 300]}. */
  public static void main(String[] args) {
    DemoSupport.quietServerStartup();
    Duration phase = DEFAULT_PHASE;
    Duration objective = DEFAULT_TTFT_OBJECTIVE;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if ((arg.equals("--duration") || arg.equals("--ttft-objective")) && value != null) {
        try {
          if (arg.equals("--duration")) {
            phase = DemoSupport.amount(value, TimeUnit.SECONDS);
          } else {
            objective = DemoSupport.amount(value, TimeUnit.MILLISECONDS);
          }
        } catch (IllegalArgumentException e) {
          System.err.println("demo: " + arg + ": " + e.getMessage());
          System.exit(2);
        }
        i++;
      } else {
        System.err.println(
            "usage: sluice demo [--duration SECONDS] [--ttft-objective MILLISECONDS]");
        System.exit(arg.equals("--help") ? 0 : 2);
      }
    }
    run(phase, objective, System.out, System.err);
    System.exit(0);
  }

  /** The tenants, each with {@code objective} on time to first token. */
  static List<Streams> tenants(Duration objective) {
    return List.of(
        streams(ClosedLoop.tenant("premium", "premium", 10, 32, 16), objective, 2),
        streams(ClosedLoop.tenant("standard-a", "standard", 0, 64, 40), objective, 2),
        streams(ClosedLoop.tenant("standard-b", "standard", 0, 64, 40), objective, 6),
        streams(ClosedLoop.tenant("batch", "batch", -1, 64, 80), objective, 16));
  }

  private static Streams streams(dev.sluice.sim.load.Tenant tenant, Duration objective, int count) {
    return new Streams(ClosedLoop.withTtftObjective(tenant, objective), count);
  }

  /** Each tenant's report through the gateway and through the plain proxy. */
  public record Result(Map<String, LoadReport> gateway, Map<String, LoadReport> proxy) {}

  /**
   * Runs both phases and prints the comparison to {@code out}, progress to {@code progress}.
   *
   * @return the reports behind the table
   */
  public static Result run(
      Duration phase, Duration objective, PrintStream out, PrintStream progress) {
    List<Streams> tenants = tenants(objective);
    out.printf(
        Locale.ROOT,
        "Sluice demo: 3 simulated model servers (%d running slots each, FIFO "
            + "queue beyond), %d closed-loop streams, %d s per run.%n",
        ClosedLoop.SLOTS,
        tenants.stream().mapToInt(Streams::streams).sum(),
        phase.toSeconds());
    out.println("The gateway runs with its default settings; the proxy is plain round-robin.");
    QueueWaits waits = new QueueWaits();
    // The gateway stays up (idle in the second run) until the table is printed, so its dashboard
    // can be watched throughout; its backends are not the proxy's.
    List<SimulatorServer> gatewayBackends = ClosedLoop.startBackends(3, 1);
    Map<String, LoadReport> gated;
    Map<String, LoadReport> plain;
    try (Gateway gateway =
        Gateway.builder(DemoSupport.gatewayConfig(GATEWAY_YAML, gatewayBackends))
            .listener(waits)
            .build()
            .start()) {
      out.printf(
          Locale.ROOT,
          "Dashboard: http://127.0.0.1:%d/ (live while the demo runs)%n",
          gateway.adminPort());
      progress.println("[1/2] through the Sluice gateway ...");
      gated = warmThenRun(gateway.port(), phase, tenants);
      progress.println("[2/2] through a plain round-robin proxy ...");
      plain =
          withBackends(
              backends -> {
                try (RoundRobinProxy proxy =
                    new RoundRobinProxy(ClosedLoop.urls(backends)).start()) {
                  return warmThenRun(proxy.port(), phase, tenants);
                }
              });
    } finally {
      ClosedLoop.stop(gatewayBackends);
    }
    out.println();
    out.print(table(tenants, gated, plain, objective, waits));
    out.println();
    out.println(
        "goodput = requests per second whose time to first token met the objective. Both "
            + "runs keep every slot busy;");
    out.println(
        "the gateway decides which request gets the next free slot (priority, then fair "
            + "shares), so the backends' own");
    out.println(
        "FIFO queues stay empty. Through the proxy every tenant waits in those queues. "
            + "Running requests are not");
    out.println("preempted: batch gets what the higher priorities leave.");
    return new Result(gated, plain);
  }

  /** The comparison, one row per tenant; at most 120 columns. */
  static String table(
      List<Streams> tenants,
      Map<String, LoadReport> gated,
      Map<String, LoadReport> plain,
      Duration objective,
      QueueWaits waits) {
    StringBuilder out = new StringBuilder();
    String format = "%-11s %7s  %8s %8s  %8s %8s  %8s %8s  %8s %8s  %9s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "",
            "",
            "goodput/s",
            "",
            "TTFT p50",
            "ms",
            "TTFT p99",
            "ms",
            "done/s",
            "",
            "queue p99"));
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "tenant",
            "streams",
            "Sluice",
            "proxy",
            "Sluice",
            "proxy",
            "Sluice",
            "proxy",
            "Sluice",
            "proxy",
            "Sluice ms"));
    for (Streams streams : tenants) {
      String name = streams.tenant().name();
      GroupStats a = Objects.requireNonNull(gated.get(name), name).total();
      GroupStats b = Objects.requireNonNull(plain.get(name), name).total();
      out.append(
          String.format(
              Locale.ROOT,
              format,
              name,
              streams.streams(),
              fixed(a.goodputPerSecond(), 2),
              fixed(b.goodputPerSecond(), 2),
              ms(a.ttftMs().p50()),
              ms(b.ttftMs().p50()),
              ms(a.ttftMs().p99()),
              ms(b.ttftMs().p99()),
              fixed(a.requestsPerSecond(), 2),
              fixed(b.requestsPerSecond(), 2),
              waits.p99Millis(name)));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "TTFT objective %d ms; latencies over completed requests; "
                + "queue p99 = wait in the gateway's queue.%n",
            objective.toMillis()));
    return out.toString();
  }

  private static String ms(@Nullable Double value) {
    return value == null ? "-" : fixed(value, 0);
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /**
   * Runs the load for {@link #WARM_UP} first, not counted, so that the run measures the steady
   * state: the JVM's code compiled, the gateway's knowledge of the servers' slots learned.
   */
  private static Map<String, LoadReport> warmThenRun(
      int port, Duration phase, List<Streams> tenants) {
    ClosedLoop.run(port, WARM_UP, 1, tenants);
    return ClosedLoop.run(port, phase, 1, tenants);
  }

  private interface Phase {
    Map<String, LoadReport> run(List<SimulatorServer> backends);
  }

  /** Starts three realistic backends, runs {@code phase} against them, and stops them. */
  private static Map<String, LoadReport> withBackends(Phase phase) {
    List<SimulatorServer> servers = ClosedLoop.startBackends(3, 1);
    try {
      return phase.run(servers);
    } finally {
      ClosedLoop.stop(servers);
    }
  }

  /** Queue waits of dispatched requests by fairness id. Thread-safe. */
  static final class QueueWaits implements FlowControlListener {
    private final Map<String, Queue<Long>> waits = new ConcurrentHashMap<>();

    @Override
    public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
      if (outcome == Outcome.DISPATCHED) {
        waits
            .computeIfAbsent(request.flowKey().id(), k -> new ConcurrentLinkedQueue<>())
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
