package dev.sluice.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.engine.EngineObserver;
import dev.sluice.sim.load.SseCall;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimClocks;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Several gateway replicas in this JVM in front of the same simulated backends, as behind a load
 * balancer. The gateways run on the system clock (their coordinators sync in real time); the
 * backends run on a manual clock, so a generation holds its slot until {@link #finishRunning()}:
 * what runs at once is decided by the gateways, never by timing. The backends count what they run,
 * which is the ground truth of the fleet's in-flight requests.
 */
final class ReplicaFleet implements AutoCloseable {

  private static final Pattern NOT_AN_ERROR = Pattern.compile("\\[DONE]");

  final ManualClock simClock = new ManualClock();
  final List<SimulatorServer> backends = new ArrayList<>();
  final List<Gateway> gateways = new ArrayList<>();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final AtomicInteger finished = new AtomicInteger();
  final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

  /** {@code replica/tenant} of each call whose 200 arrived, in that order: dispatch order. */
  final ConcurrentLinkedQueue<String> dispatched = new ConcurrentLinkedQueue<>();

  private final ClientFactory clients = ClientFactory.builder().build();
  private final List<WebClient> inference = new ArrayList<>();
  private final List<WebClient> admins = new ArrayList<>();
  private final List<CompletableFuture<Void>> calls = new ArrayList<>();

  /**
   * Starts two backends with room for everything and {@code replicas} gateways configured by {@code
   * yaml}, {@code %BACKENDS%} replaced by the backends' URLs and {@code %REPLICA%} by the replica's
   * index.
   */
  ReplicaFleet(int replicas, String yaml) {
    EngineObserver observer =
        new EngineObserver() {
          @Override
          public void onAdmitted(long id) {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          }

          @Override
          public void onFinished(long id, String finishReason) {
            running.decrementAndGet();
            finished.incrementAndGet();
          }

          @Override
          public void onAborted(long id) {
            running.decrementAndGet();
            errors.add("a backend saw request " + id + " aborted");
          }
        };
    for (int i = 0; i < 2; i++) {
      backends.add(
          SimulatorServer.builder()
              .port(0)
              .engine(EngineConfig.builder().maxNumSeqs(32).build())
              .scheduler(SimClocks.of(simClock))
              .observer(observer)
              .build()
              .start());
    }
    String urls =
        backends.stream()
            .map(b -> "http://127.0.0.1:" + b.port())
            .collect(Collectors.joining(", ", "[", "]"));
    for (int i = 0; i < replicas; i++) {
      GatewayConfig config =
          GatewayConfig.parse(
              yaml.replace("%BACKENDS%", urls).replace("%REPLICA%", Integer.toString(i)));
      Gateway gateway = Gateway.builder(config).build().start();
      gateways.add(gateway);
      inference.add(client("http://127.0.0.1:" + gateway.port()));
      admins.add(client("http://127.0.0.1:" + gateway.adminPort()));
      Await.until(
          "replica " + i + " scraped every backend",
          () -> gateway.pool().endpoints().stream().allMatch(gateway.pool()::isFresh));
    }
  }

  private WebClient client(String uri) {
    return WebClient.builder(uri).factory(clients).responseTimeoutMillis(0).build();
  }

  /** Sends one streaming chat call through replica {@code replica}; errors are recorded. */
  SseCall call(int replica, String tenant) {
    return call(replica, tenant, 2);
  }

  /** As above, asking for {@code maxTokens} (the request's cost grows with it). */
  SseCall call(int replica, String tenant, int maxTokens) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    String label = replica + "/" + tenant;
    SseCall call =
        SseCall.start(
            inference.get(replica),
            "/v1/chat/completions",
            Map.of("x-gateway-inference-fairness-id", tenant),
            GatewayFixture.chat(maxTokens),
            new SseCall.Listener() {
              private volatile @Nullable ResponseHeaders headers;
              private volatile String last = "";

              @Override
              public void onHeaders(ResponseHeaders value) {
                headers = value;
                if (value.status().code() == 200) {
                  dispatched.add(label);
                }
              }

              @Override
              public void onEvent(String data) {
                last = data;
              }

              @Override
              public void onEnd(byte[] body, @Nullable Throwable cause) {
                ResponseHeaders h = headers;
                if (cause != null || h == null || h.status().code() != 200) {
                  errors.add(label + ": " + (h == null ? "no headers" : h.status()) + ", " + cause);
                } else if (!NOT_AN_ERROR.matcher(last).matches()) {
                  errors.add(label + ": ended without [DONE] (last event " + last + ")");
                }
                done.complete(null);
              }
            });
    calls.add(done);
    return call;
  }

  /**
   * What the fleet can run at once now: each replica's requests not yet ended, at most {@code
   * perReplica} of them, and at most {@code limit} in all.
   */
  long runnable(long perReplica, long limit) {
    long sum = 0;
    for (Gateway gateway : gateways) {
      var stats = gateway.controller().stats();
      sum += Math.min(perReplica, stats.inFlightRequests() + stats.queuedRequests());
    }
    return Math.min(limit, sum);
  }

  /** Requests queued in the replicas' flow controllers. */
  long queued() {
    return gateways.stream().mapToLong(g -> g.controller().stats().queuedRequests()).sum();
  }

  /** Advances the backends' clock far enough to finish every running generation. */
  void finishRunning() {
    simClock.advance(Duration.ofSeconds(5));
  }

  /** Waits until every call sent has ended. */
  void awaitCalls() {
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .orTimeout(Await.BOUND.toSeconds(), TimeUnit.SECONDS)
        .join();
  }

  /** Replica {@code replica}'s {@code /metrics} text. */
  String metrics(int replica) {
    return admins
        .get(replica)
        .get("/metrics")
        .aggregate()
        .orTimeout(Await.BOUND.toSeconds(), TimeUnit.SECONDS)
        .join()
        .contentUtf8();
  }

  /** Whether every replica's {@code sluice_cluster_mode{mode}} gauge is 1. */
  boolean allInMode(String mode) {
    Pattern gauge =
        Pattern.compile("(?m)^sluice_cluster_mode\\{[^}]*mode=\"" + mode + "\"[^}]*} 1(\\.0)?$");
    for (int i = 0; i < gateways.size(); i++) {
      if (!gauge.matcher(metrics(i)).find()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits for {@code condition}; on timeout the failure shows the fleet's state: what runs, what is
   * queued, and each replica's share of the pool's limit.
   */
  void await(String what, java.util.function.BooleanSupplier condition) {
    try {
      Await.until(what, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + state(), e);
    }
  }

  private String state() {
    StringBuilder out =
        new StringBuilder()
            .append("running ")
            .append(running.get())
            .append(", finished ")
            .append(finished.get())
            .append(", queued ")
            .append(queued());
    Pattern limitGauge = Pattern.compile("(?m)^sluice_cluster_(limit_\\w+)\\{[^}]*} (\\S+)$");
    for (int i = 0; i < gateways.size(); i++) {
      out.append("; replica ")
          .append(i)
          .append(": inFlight=")
          .append(gateways.get(i).controller().stats().inFlightRequests())
          .append(" queued=")
          .append(gateways.get(i).controller().stats().queuedRequests());
      java.util.regex.Matcher m = limitGauge.matcher(metrics(i));
      while (m.find()) {
        out.append(' ').append(m.group(1)).append('=').append(m.group(2));
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Gateway gateway : gateways) {
      stops.add(CompletableFuture.runAsync(gateway::close));
    }
    for (SimulatorServer backend : backends) {
      stops.add(backend.closeAsync());
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    clients.close();
  }
}
