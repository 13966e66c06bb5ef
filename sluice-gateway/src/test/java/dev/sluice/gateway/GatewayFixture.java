package dev.sluice.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.flow.FlowStats;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.engine.EngineObserver;
import dev.sluice.sim.load.SseCall;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimClocks;
import dev.sluice.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Simulated backends on 127.0.0.1:0 driven by a manual clock, a gateway in front of them whose
 * flow-control time is a {@link ManualClock}, and a client. Backends hold their slots until {@link
 * #finishRunning()} advances their clock, so every scenario is decided by the test, not by timing.
 * Confined to the test thread, except the recorders, which are thread-safe.
 */
final class GatewayFixture implements AutoCloseable {

  static final String MODEL = "sluice-sim";
  static final long WAIT_SECONDS = Await.BOUND.toSeconds();

  final ManualClock clock = new ManualClock();
  final ManualClock simClock = new ManualClock();
  final List<SimulatorServer> backends = new ArrayList<>();
  final AtomicInteger aborted = new AtomicInteger();
  final AtomicInteger admitted = new AtomicInteger();

  /** Labels of calls in the order their response headers arrived, i.e. dispatch order. */
  final BlockingQueue<String> dispatched = new LinkedBlockingQueue<>();

  final ClientFactory clients = ClientFactory.builder().build();
  final Gateway gateway;
  final WebClient client;
  final WebClient admin;

  /**
   * Starts {@code backendCount} simulators with {@code maxNumSeqs} slots each and a gateway whose
   * configuration is {@code yaml} with {@code %BACKENDS%} replaced by their URLs (and {@code
   * %BACKEND0%} by the first one's).
   */
  GatewayFixture(int backendCount, int maxNumSeqs, String yaml) {
    this(backendCount, EngineConfig.builder().maxNumSeqs(maxNumSeqs).build(), yaml);
  }

  /** As above, with backends running {@code engine}. */
  GatewayFixture(int backendCount, EngineConfig engine, String yaml) {
    EngineObserver observer =
        new EngineObserver() {
          @Override
          public void onAdmitted(long id) {
            admitted.incrementAndGet();
          }

          @Override
          public void onAborted(long id) {
            aborted.incrementAndGet();
          }
        };
    for (int i = 0; i < backendCount; i++) {
      backends.add(
          SimulatorServer.builder()
              .port(0)
              .engine(engine)
              .scheduler(SimClocks.of(simClock))
              .observer(observer)
              .build()
              .start());
    }
    String urls =
        backends.stream()
            .map(b -> "http://127.0.0.1:" + b.port())
            .collect(Collectors.joining(", ", "[", "]"));
    GatewayConfig config =
        GatewayConfig.parse(
            yaml.replace("%BACKENDS%", urls)
                .replace("%BACKEND0%", "http://127.0.0.1:" + backends.get(0).port()));
    gateway = Gateway.builder(config).ticker(clock).scheduler(clock).build().start();
    client =
        WebClient.builder("http://127.0.0.1:" + gateway.port())
            .factory(clients)
            .responseTimeoutMillis(0)
            .maxResponseLength(0)
            .build();
    admin =
        WebClient.builder("http://127.0.0.1:" + gateway.adminPort())
            .factory(clients)
            .responseTimeoutMillis(0)
            .build();
    Await.until(
        "every backend scraped",
        () -> gateway.pool().endpoints().stream().allMatch(gateway.pool()::isFresh));
  }

  /** A gateway with the concurrency detector limiting in-flight requests to {@code max}. */
  static String concurrencyConfig(int max, String flowControl) {
    return """
        server: {port: 0, gracefulShutdown: 10s}
        admin: {port: 0}
        backends: %BACKENDS%
        objectives: {premium: 10, standard: 0, batch: -1}
        saturation: {detector: concurrency, maxConcurrency: MAX}
        flowControl:
        """
            .replace("MAX", Integer.toString(max))
        + (flowControl.isEmpty() ? "  defaultTtl: 0s\n" : flowControl);
  }

  static String chat(int maxTokens) {
    return "{\"model\":\""
        + MODEL
        + "\",\"stream\":true,\"max_tokens\":"
        + maxTokens
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
  }

  /** Starts a streaming chat call for {@code tenant}, labelled {@code label}. */
  Call call(String label, String tenant, String objective, Map<String, String> extraHeaders) {
    Map<String, String> headers = new HashMap<>(extraHeaders);
    if (tenant != null) {
      headers.put("x-gateway-inference-fairness-id", tenant);
    }
    if (objective != null) {
      headers.put("x-gateway-inference-objective", objective);
    }
    Call call = new Call(label);
    call.sse = SseCall.start(client, "/v1/chat/completions", headers, chat(2), call);
    return call;
  }

  Call call(String label, String tenant) {
    return call(label, tenant, null, Map.of());
  }

  /** Advances the backends' clock far enough to finish every running generation. */
  void finishRunning() {
    simClock.advance(Duration.ofSeconds(5));
  }

  /** Takes the next dispatched label, failing after the bound. */
  String nextDispatched() throws InterruptedException {
    String label = dispatched.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (label == null) {
      throw new AssertionError("no request was dispatched within " + WAIT_SECONDS + " s");
    }
    return label;
  }

  FlowStats stats() {
    return gateway.controller().stats();
  }

  /**
   * Waits until a timer due within {@code within} is pending on the fake clock: the controller arms
   * its deadline timer just after queueing, on the submitting thread.
   */
  void awaitTimerWithin(Duration within) {
    Await.until(
        "a timer due within " + within,
        () -> clock.pendingDelays().stream().anyMatch(delay -> delay <= within.toNanos()));
  }

  void awaitQueued(long queued) {
    Await.until(queued + " queued", () -> stats().queuedRequests() == queued);
  }

  /** Waits until nothing is queued or in flight, in the controller and on every endpoint. */
  void awaitIdle() {
    Await.until(
        "controller and endpoints idle",
        () -> {
          FlowStats stats = stats();
          return stats.queuedRequests() == 0
              && stats.inFlightRequests() == 0
              && gateway.pool().endpoints().stream().allMatch(e -> e.inFlight() == 0);
        });
  }

  Endpoint endpoint(int backend) {
    return gateway.pool().endpoints().get(backend);
  }

  AggregatedHttpResponse post(String path, String body, Map<String, String> headers) {
    RequestHeadersBuilder builder =
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8);
    headers.forEach(builder::add);
    return client
        .execute(HttpRequest.of(builder.build(), HttpData.ofUtf8(body)))
        .aggregate()
        .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS)
        .join();
  }

  AggregatedHttpResponse adminGet(String path) {
    return admin.get(path).aggregate().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
  }

  /** The admin endpoint's status, or -1 if it does not answer. */
  int adminGetOrNull(String path) {
    try {
      return adminGet(path).status().code();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Stops the backends, the gateway and the client: see {@link #stopWithoutWaiting}. */
  @Override
  public void close() {
    stopWithoutWaiting(gateway, backends);
    clients.closeAsync();
  }

  /**
   * Stops {@code backends}, then {@code gateway}, without waiting for their listeners to finish
   * stopping (Netty's two-second quiet period on each acceptor thread), as Armeria's {@code
   * ServerExtension} does: every port in these tests is ephemeral, so nothing that follows depends
   * on them being gone. The backends stop first, so that streams a test left open end and the
   * gateway's drain does not wait for them.
   */
  static void stopWithoutWaiting(Gateway gateway, List<SimulatorServer> backends) {
    for (SimulatorServer backend : backends) {
      backend.closeAsync();
    }
    gateway.closeAsync();
  }

  /** One streaming call's response, recorded as it arrives. Thread-safe. */
  final class Call implements SseCall.Listener {
    final String label;
    final CompletableFuture<ResponseHeaders> headers = new CompletableFuture<>();
    final CompletableFuture<Result> end = new CompletableFuture<>();
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile SseCall sse;

    Call(String label) {
      this.label = label;
    }

    @Override
    public void onHeaders(ResponseHeaders responseHeaders) {
      if (responseHeaders.status().code() == 200) {
        dispatched.add(label);
      }
      headers.complete(responseHeaders);
    }

    @Override
    public void onEvent(String data) {
      events.add(data);
    }

    @Override
    public void onEnd(byte[] body, Throwable cause) {
      headers.completeExceptionally(
          cause != null ? cause : new IllegalStateException("no headers"));
      end.complete(new Result(new String(body, StandardCharsets.UTF_8), cause));
    }

    ResponseHeaders awaitHeaders() {
      return headers.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    Result awaitEnd() {
      return end.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    void cancel() {
      sse.cancel();
    }
  }

  /** How a call ended: its non-SSE body and the failure, if any. */
  record Result(String body, Throwable cause) {}
}
