package dev.sluice.sim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.engine.EngineObserver;
import dev.sluice.sim.load.SseCall;
import dev.sluice.sim.metrics.MetricsFlavor;
import dev.sluice.sim.time.SimClocks;
import dev.sluice.testing.ManualClock;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A simulator on 127.0.0.1:0 driven by a manual clock, plus a client and event recorders. */
final class SimFixture implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Bound on every wait for a network event; a failing test fails after this, a passing one never
   * waits it out.
   */
  static final long WAIT_SECONDS = 10;

  final ManualClock clock = new ManualClock();
  final RecordingObserver events = new RecordingObserver();
  final SimulatorServer server;
  final ClientFactory clients = ClientFactory.builder().build();
  final WebClient client;

  SimFixture(EngineConfig config) {
    this(config, MetricsFlavor.VLLM, 0);
  }

  SimFixture(EngineConfig config, MetricsFlavor flavor, double failureRatePercent) {
    server =
        SimulatorServer.builder()
            .port(0)
            .engine(config)
            .metricsFlavor(flavor)
            .failureRatePercent(failureRatePercent)
            .failureTypes(java.util.List.of("server_error"))
            .scheduler(SimClocks.of(clock))
            .observer(events)
            .build()
            .start();
    client =
        WebClient.builder("http://127.0.0.1:" + server.port())
            .factory(clients)
            .responseTimeoutMillis(0)
            .build();
  }

  AggregatedHttpResponse post(String path, String body, Map<String, String> headers) {
    var builder = RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8);
    headers.forEach(builder::add);
    return client
        .execute(HttpRequest.of(builder.build(), HttpData.ofUtf8(body)))
        .aggregate()
        .join();
  }

  AggregatedHttpResponse get(String path) {
    return client.get(path).aggregate().join();
  }

  PrometheusParser metrics() {
    return PrometheusParser.parse(get("/metrics").contentUtf8());
  }

  Stream stream(String path, String body) {
    Stream stream = new Stream();
    stream.call = SseCall.start(client, path, Map.of(), body, stream);
    return stream;
  }

  static String chat(int promptWords, int maxTokens, boolean stream) {
    return "{\"model\":\"sluice-sim\",\"stream\":"
        + stream
        + ",\"max_tokens\":"
        + maxTokens
        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + words(promptWords)
        + "\"}]}";
  }

  static String words(int count) {
    return "word ".repeat(count).trim();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    clients.close();
    // Not joined: stopping waits out Netty's two-second quiet period, which tests need not.
    server.closeAsync();
  }

  /** An SSE response being recorded event by event. */
  static final class Stream implements SseCall.Listener {
    final CompletableFuture<ResponseHeaders> headers = new CompletableFuture<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> end = new CompletableFuture<>();
    SseCall call;

    @Override
    public void onHeaders(ResponseHeaders value) {
      headers.complete(value);
    }

    @Override
    public void onEvent(String data) {
      events.add(data);
    }

    @Override
    public void onEnd(byte[] body, Throwable cause) {
      end.complete(cause);
    }

    /** The next event, waiting for it to arrive. */
    String next() throws InterruptedException {
      String event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no SSE event within " + WAIT_SECONDS + " s");
      }
      return event;
    }
  }

  /** Engine events as strings such as {@code admitted:0}, in the order they happened. */
  static final class RecordingObserver implements EngineObserver {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void onQueued(long id) {
      events.add("queued:" + id);
    }

    @Override
    public void onAdmitted(long id) {
      events.add("admitted:" + id);
    }

    @Override
    public void onFinished(long id, String reason) {
      events.add("finished:" + id);
    }

    @Override
    public void onAborted(long id) {
      events.add("aborted:" + id);
    }

    /** Waits for the next engine event and returns it. */
    String next() throws InterruptedException {
      String event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no engine event within " + WAIT_SECONDS + " s");
      }
      return event;
    }
  }
}
