package dev.sluice.sim.server;

import static dev.sluice.sim.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.sim.engine.Engine;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.engine.EngineObserver;
import dev.sluice.sim.engine.EngineRejectedException;
import dev.sluice.sim.engine.Generation;
import dev.sluice.sim.engine.Ticket;
import dev.sluice.sim.metrics.MetricsFlavor;
import dev.sluice.sim.metrics.PrometheusExposition;
import dev.sluice.sim.time.SimScheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible model server backed by a simulated {@link Engine}: {@code POST
 * /v1/chat/completions}, {@code POST /v1/completions}, {@code GET /v1/models}, {@code GET /health}
 * and {@code GET /metrics}.
 *
 * <p>Status codes: 400 for a malformed or invalid body and for requests longer than the model or
 * the KV cache, 404 for an unknown model, 429 when the waiting queue is full, and whatever status
 * the {@code x-return-error} request header names or failure injection picks. Error bodies follow
 * OpenAI's {@code {"error": {...}}} shape. When the client disconnects, the request leaves the
 * queue or stops generating at once.
 *
 * <p>Thread-safe. {@link #close()} stops the server and, if the builder created the scheduler, the
 * scheduler too.
 */
public final class SimulatorServer implements AutoCloseable {

  /** Request header that forces an error response with the given HTTP status. */
  public static final String RETURN_ERROR_HEADER = "x-return-error";

  private final ObjectMapper mapper = new ObjectMapper();
  private final String modelName;
  private final MetricsFlavor flavor;
  private final Engine engine;
  private final SimScheduler scheduler;
  private final boolean ownsScheduler;
  private final FailureInjection failures;
  private final SplittableRandom seeds;
  private final AtomicLong requestCounter = new AtomicLong();
  private final Server server;

  private SimulatorServer(Builder builder) {
    this.modelName = builder.modelName;
    this.flavor = builder.flavor;
    this.failures = new FailureInjection(builder.failureRatePercent, builder.failureTypes);
    SimScheduler given = builder.scheduler;
    this.ownsScheduler = given == null;
    this.scheduler = given != null ? given : SimScheduler.realTime(builder.timeScale);
    this.engine = new Engine(builder.engine, scheduler, builder.observer);
    this.seeds = new SplittableRandom(builder.engine.seed());
    this.server =
        Server.builder()
            .http(new InetSocketAddress(builder.host, builder.port))
            .requestTimeoutMillis(0)
            // A simulator has nothing to drain; stop at once.
            .gracefulShutdownTimeoutMillis(0, 0)
            .connectionDrainDurationMicros(0)
            .service(
                Route.builder().path("/v1/chat/completions").methods(HttpMethod.POST).build(),
                (ctx, req) ->
                    HttpResponse.of(req.aggregate().thenApply(agg -> complete(ctx, agg, true))))
            .service(
                Route.builder().path("/v1/completions").methods(HttpMethod.POST).build(),
                (ctx, req) ->
                    HttpResponse.of(req.aggregate().thenApply(agg -> complete(ctx, agg, false))))
            .service(
                Route.builder().path("/v1/models").methods(HttpMethod.GET).build(),
                (ctx, req) -> models())
            .service(
                Route.builder().path("/health").methods(HttpMethod.GET, HttpMethod.HEAD).build(),
                (ctx, req) -> HttpResponse.of(HttpStatus.OK))
            .service(
                Route.builder().path("/metrics").methods(HttpMethod.GET).build(),
                (ctx, req) ->
                    HttpResponse.of(
                        HttpStatus.OK,
                        MediaType.parse(PrometheusExposition.CONTENT_TYPE),
                        PrometheusExposition.render(flavor, modelName, engine.metrics())))
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts listening; blocks until the port is bound. */
  public SimulatorServer start() {
    server.start().join();
    return this;
  }

  /** The bound port, useful when the builder asked for port 0. */
  public int port() {
    return server.activeLocalPort();
  }

  /** The model name clients must send. */
  public String modelName() {
    return modelName;
  }

  /** The engine, for reading its metrics in-process. */
  public Engine engine() {
    return engine;
  }

  /** The metrics page as {@code GET /metrics} serves it. */
  public String metricsText() {
    return PrometheusExposition.render(flavor, modelName, engine.metrics());
  }

  /** Stops the server and blocks until it has stopped (about two seconds, Netty's quiet period). */
  @Override
  public void close() {
    closeAsync().join();
  }

  /** Stops the server; the port is closed before the returned future completes. */
  public CompletableFuture<Void> closeAsync() {
    return server
        .stop()
        .whenComplete(
            (ignored, cause) -> {
              if (ownsScheduler) {
                scheduler.close();
              }
            });
  }

  private HttpResponse complete(
      ServiceRequestContext ctx, AggregatedHttpRequest req, boolean chat) {
    SplittableRandom random;
    synchronized (seeds) {
      random = seeds.split();
    }
    long number = requestCounter.incrementAndGet();
    String forced = req.headers().get(RETURN_ERROR_HEADER);
    if (forced != null) {
      return forcedError(forced);
    }
    CompletionRequest request;
    try {
      JsonNode body = mapper.readTree(req.contentUtf8());
      request = CompletionRequest.parse(body, chat);
    } catch (JsonProcessingException e) {
      engine.recordRejection("bad_request");
      return OpenAiError.badRequest(
              "The request body is not valid JSON: " + e.getOriginalMessage(), null)
          .toResponse(mapper);
    } catch (CompletionRequest.Invalid e) {
      engine.recordRejection("bad_request");
      return e.error.toResponse(mapper);
    }
    if (!modelName.equals(request.model())) {
      engine.recordRejection("model_not_found");
      return new OpenAiError(
              HttpStatus.NOT_FOUND,
              "invalid_request_error",
              "The model `" + request.model() + "` does not exist.",
              "model",
              "model_not_found")
          .toResponse(mapper);
    }
    OpenAiError injected = failures.pick(random);
    if (injected != null) {
      engine.recordRejection("injected");
      return injected.toResponse(mapper);
    }
    Generation generation =
        Generation.of(
            engine.config(),
            request.promptTokens(),
            request.maxTokens(),
            random,
            request.priority());
    String id =
        (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(engine.config().seed()) + '-' + number;
    CompletionSink sink =
        new CompletionSink(mapper, request, id, scheduler.currentTimeMillis() / 1000);
    Ticket ticket;
    try {
      ticket = engine.submit(generation, sink);
    } catch (EngineRejectedException e) {
      HttpStatus status =
          e.reason() == EngineRejectedException.Reason.QUEUE_FULL
              ? HttpStatus.TOO_MANY_REQUESTS
              : HttpStatus.BAD_REQUEST;
      String type =
          status.equals(HttpStatus.TOO_MANY_REQUESTS)
              ? "rate_limit_error"
              : "invalid_request_error";
      String code = e.reason().name().toLowerCase(java.util.Locale.ROOT);
      String message = Objects.requireNonNull(e.getMessage(), "the engine always says why");
      return new OpenAiError(status, type, message, null, code).toResponse(mapper);
    }
    sink.accepted();
    // Either signal cancels the generation; the futures these return complete with it.
    CompletableFuture<Void> unused = ctx.whenRequestCancelling().thenRun(ticket::cancel);
    unused = sink.whenAborted().thenRun(ticket::cancel);
    return sink.response();
  }

  private HttpResponse forcedError(String value) {
    int status;
    try {
      status = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      status = -1;
    }
    if (status < 400 || status > 599) {
      return OpenAiError.badRequest(
              "'"
                  + RETURN_ERROR_HEADER
                  + "' must be an HTTP error status "
                  + "between 400 and 599, got '"
                  + value
                  + "'.",
              RETURN_ERROR_HEADER)
          .toResponse(mapper);
    }
    engine.recordRejection("forced");
    return OpenAiError.forStatus(status, "Error forced by the " + RETURN_ERROR_HEADER + " header.")
        .toResponse(mapper);
  }

  private HttpResponse models() {
    ObjectNode root = mapper.createObjectNode();
    root.put("object", "list");
    ObjectNode model = root.putArray("data").addObject();
    model.put("id", modelName);
    model.put("object", "model");
    model.put("created", scheduler.currentTimeMillis() / 1000);
    model.put("owned_by", "sluice-sim");
    model.put("root", modelName);
    model.putNull("parent");
    model.put("max_model_len", engine.config().maxModelLen());
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, root.toString());
  }

  /** Mutable, single-threaded builder; {@link #build()} validates. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8001;
    private String modelName = "sluice-sim";
    private MetricsFlavor flavor = MetricsFlavor.VLLM;
    private EngineConfig engine = EngineConfig.builder().build();
    private double failureRatePercent;
    private List<String> failureTypes = new ArrayList<>(FailureInjection.TYPES.keySet());
    private double timeScale = 1.0;
    private @Nullable SimScheduler scheduler; // null: build() creates a real-time one
    private EngineObserver observer = EngineObserver.NONE;

    private Builder() {}

    /** Address to bind; default {@code 127.0.0.1}. */
    public Builder host(String value) {
      this.host = Objects.requireNonNull(value, "host");
      return this;
    }

    /** Port to bind; 0 picks a free one. Default 8001. */
    public Builder port(int value) {
      checkArgument(value >= 0 && value <= 65535, "port: %s (expected: 0..65535)", value);
      this.port = value;
      return this;
    }

    /** The only model name served. Default {@code sluice-sim}. */
    public Builder modelName(String value) {
      checkArgument(
          value != null && !value.isBlank(), "modelName: %s (expected: non-blank)", value);
      this.modelName = value;
      return this;
    }

    public Builder metricsFlavor(MetricsFlavor value) {
      this.flavor = Objects.requireNonNull(value, "metricsFlavor");
      return this;
    }

    public Builder engine(EngineConfig value) {
      this.engine = Objects.requireNonNull(value, "engine");
      return this;
    }

    /** Percentage (0..100) of requests failed on purpose. Default 0. */
    public Builder failureRatePercent(double value) {
      this.failureRatePercent = value;
      return this;
    }

    /**
     * Failure types to draw from: {@code rate_limit, invalid_api_key, context_length, server_error,
     * invalid_request, model_not_found}.
     */
    public Builder failureTypes(List<String> value) {
      this.failureTypes = List.copyOf(value);
      return this;
    }

    /** Simulated seconds per real second when the builder creates the scheduler. Default 1. */
    public Builder timeScale(double value) {
      checkArgument(value > 0 && Double.isFinite(value), "timeScale: %s (expected: > 0)", value);
      this.timeScale = value;
      return this;
    }

    /** Uses this scheduler (not closed by the server) instead of a real-time one. */
    public Builder scheduler(SimScheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    public Builder observer(EngineObserver value) {
      this.observer = Objects.requireNonNull(value, "observer");
      return this;
    }

    /** Builds the server without starting it. */
    public SimulatorServer build() {
      return new SimulatorServer(this);
    }
  }
}
