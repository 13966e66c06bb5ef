package dev.sluice.sim.testbed;

import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.load.LoadReport;
import dev.sluice.sim.load.LoadRun;
import dev.sluice.sim.load.LoadSpec;
import dev.sluice.sim.load.Slo;
import dev.sluice.sim.load.Tenant;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Closed-loop tenants against realistic model servers: what the gateway demo and the gateway's
 * end-to-end tests run. Each tenant keeps its own number of streams busy, sending the next request
 * as soon as the previous one ends, as a chat front-end or a batch worker does.
 *
 * <p>The backends are the kind a default must cope with: {@value #SLOTS} running slots each and a
 * FIFO waiting queue beyond them (as vLLM's {@code --max-num-seqs} and its scheduler), metrics in
 * vLLM's format, 10 % jitter on every delay. Stateless; every method is thread-safe.
 */
public final class ClosedLoop {

  /** Running slots per simulated backend. */
  public static final int SLOTS = 4;

  private ClosedLoop() {}

  /** One tenant and how many requests it keeps in flight. */
  public record Streams(Tenant tenant, int streams) {}

  /** A tenant with its own fairness id, an objective (or none), and fixed request sizes. */
  public static Tenant tenant(
      String name, String objective, int priority, int promptTokens, int outputTokens) {
    return new Tenant(
        name, name, objective, priority, 1, promptTokens, outputTokens, null, Map.of());
  }

  /** The same tenant with a goodput objective on time to first token. */
  public static Tenant withTtftObjective(Tenant tenant, Duration ttft) {
    return new Tenant(
        tenant.name(),
        tenant.fairnessId(),
        tenant.objective(),
        tenant.priority(),
        tenant.share(),
        tenant.promptTokens(),
        tenant.outputTokens(),
        new Slo(ttft, null, null, null, null),
        tenant.headers());
  }

  /**
   * Starts {@code count} realistic backends on 127.0.0.1 ephemeral ports.
   *
   * @param timeScale simulated seconds per real second (1 = real time)
   */
  public static List<SimulatorServer> startBackends(int count, double timeScale) {
    return startBackends(count, timeScale, EngineConfig.SchedulingPolicy.FCFS);
  }

  /**
   * As {@link #startBackends(int, double)}, scheduling by {@code policy} (vLLM's {@code
   * --scheduling-policy}).
   */
  public static List<SimulatorServer> startBackends(
      int count, double timeScale, EngineConfig.SchedulingPolicy policy) {
    List<SimulatorServer> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      servers.add(
          SimulatorServer.builder()
              .port(0)
              .timeScale(timeScale)
              .engine(
                  EngineConfig.builder()
                      .maxNumSeqs(SLOTS)
                      .jitter(0.1)
                      .seed(42 + i)
                      .schedulingPolicy(policy)
                      .build())
              .build()
              .start());
    }
    return servers;
  }

  /** The base URLs of {@code servers}. */
  public static List<URI> urls(List<SimulatorServer> servers) {
    return servers.stream().map(s -> URI.create("http://127.0.0.1:" + s.port())).toList();
  }

  /** Stops {@code servers} together. */
  public static void stop(List<SimulatorServer> servers) {
    CompletableFuture.allOf(
            servers.stream().map(SimulatorServer::closeAsync).toArray(CompletableFuture[]::new))
        .join();
  }

  /**
   * Runs every tenant's streams at once against {@code port} on 127.0.0.1 for {@code duration} of
   * simulated time. Requests still running at the end are cancelled and not counted as completed,
   * so counts compare across tenants with different stream counts.
   *
   * @return each tenant's report, by tenant name, in the given order
   */
  public static Map<String, LoadReport> run(
      int port, Duration duration, double timeScale, List<Streams> tenants) {
    ExecutorService threads = Executors.newFixedThreadPool(tenants.size());
    try (SimScheduler clock = SimScheduler.realTime(timeScale)) {
      Map<String, CompletableFuture<LoadReport>> runs = new LinkedHashMap<>();
      for (Streams streams : tenants) {
        LoadSpec spec =
            LoadSpec.builder()
                .target("http://127.0.0.1:" + port)
                .closedLoop(streams.streams())
                .duration(duration)
                .maxRequests(Integer.MAX_VALUE)
                .drainTimeout(Duration.ZERO)
                .seed(streams.tenant().name().hashCode())
                .tenant(streams.tenant())
                .build();
        runs.put(
            streams.tenant().name(),
            CompletableFuture.supplyAsync(() -> LoadRun.run(spec, clock, line -> {}), threads));
      }
      Map<String, LoadReport> reports = new LinkedHashMap<>();
      runs.forEach((name, run) -> reports.put(name, run.join()));
      return reports;
    } finally {
      threads.shutdownNow();
    }
  }
}
