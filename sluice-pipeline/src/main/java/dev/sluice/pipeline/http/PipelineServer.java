package dev.sluice.pipeline.http;

import com.fasterxml.jackson.databind.node.TextNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.dashboard.DashboardService;
import dev.sluice.pipeline.Pipeline;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline behind an HTTP JSON API, for producers and consumers in any language, and {@code
 * /metrics} (Prometheus), {@code /health} and the live dashboard ({@code /}) on an admin port. See
 * the module README for the routes and their answers.
 *
 * <p>Thread-safe. {@link #start} blocks until both ports are bound; {@link #close()} stops both
 * listeners (open long polls are cut) but does not close the pipeline, which the caller owns.
 */
public final class PipelineServer implements AutoCloseable {

  private final Server server;
  private final @Nullable Server admin;
  private final @Nullable DashboardService dashboard;
  private final PrometheusMeterRegistry registry;

  private PipelineServer(Pipeline pipeline, HttpSettings settings) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics.bind(registry, pipeline);
    PipelineApi api = new PipelineApi(pipeline, settings.maxWait());
    ServerBuilder sb =
        Server.builder()
            .http(new InetSocketAddress(settings.host(), settings.port()))
            .requestTimeoutMillis(0) // long polls are bounded by maxWait instead
            .maxRequestLength(settings.maxRequestBytes())
            .gracefulShutdownTimeoutMillis(0, 0)
            .meterRegistry(registry)
            .errorHandler(new JsonErrorHandler());
    // A durable pipeline's calls write to disk: run them off the event loops.
    boolean blocking = pipeline.durable();
    post(sb, blocking, "/v1/items", api::addItems);
    post(sb, blocking, "/v1/leases", api::lease);
    post(sb, blocking, "/v1/leases/{id}/heartbeat", api::heartbeat);
    post(sb, blocking, "/v1/leases/{id}/commit", api::commit);
    post(sb, blocking, "/v1/leases/{id}/fail", api::fail);
    post(sb, blocking, "/v1/results/leases", api::leaseResults);
    post(sb, blocking, "/v1/results/{id}/ack", api::ack);
    post(sb, blocking, "/v1/results/{id}/heartbeat", api::heartbeatResult);
    post(sb, blocking, "/v1/results/{id}/fail", api::failResult);
    sb.service(
        Route.builder().path("/v1/items/{id}").methods(HttpMethod.GET).build(),
        (ctx, req) -> api.item(ctx));
    sb.service(
        Route.builder().path("/v1/status").methods(HttpMethod.GET).build(),
        (ctx, req) -> api.status());
    this.server = sb.build();
    if (settings.adminPort() >= 0) {
      ServerBuilder adminBuilder = Server.builder();
      this.dashboard =
          DashboardService.addTo(
              adminBuilder,
              new PipelineDashboard(pipeline, PipelineDashboard.TOP_WORKERS)::render,
              pipeline.config().scheduler(),
              CommonPools.blockingTaskExecutor());
      this.admin =
          adminBuilder
              .http(new InetSocketAddress(settings.adminHost(), settings.adminPort()))
              .gracefulShutdownTimeoutMillis(0, 0)
              .service(
                  Route.builder().path("/metrics").methods(HttpMethod.GET).build(),
                  (ctx, req) ->
                      HttpResponse.of(
                          HttpStatus.OK,
                          MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                          registry.scrape()))
              .service(
                  Route.builder().path("/health").methods(HttpMethod.GET, HttpMethod.HEAD).build(),
                  (ctx, req) ->
                      HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{\"status\":\"ok\"}"))
              .build();
    } else {
      this.dashboard = null;
      this.admin = null;
    }
  }

  /**
   * Starts serving {@code pipeline}; blocks until the ports are bound.
   *
   * @param pipeline the pipeline, owned by the caller
   * @param settings where to listen
   * @return the running server
   */
  public static PipelineServer start(Pipeline pipeline, HttpSettings settings) {
    PipelineServer started =
        new PipelineServer(
            Objects.requireNonNull(pipeline, "pipeline"),
            Objects.requireNonNull(settings, "settings"));
    started.server.start().join();
    if (started.admin != null) {
      started.admin.start().join();
    }
    return started;
  }

  /** The API's port. */
  public int port() {
    return server.activeLocalPort();
  }

  /** The admin port, or -1 if the admin listener is off. */
  public int adminPort() {
    return admin == null ? -1 : admin.activeLocalPort();
  }

  /** Stops both listeners and the metrics; blocks until they are stopped. Idempotent. */
  @Override
  public void close() {
    closeAsync().join();
  }

  /**
   * Starts stopping both listeners and the metrics. Idempotent.
   *
   * @return completes when both listeners are stopped, about 2 s later (Netty's boss group winds
   *     down with a quiet period)
   */
  public CompletableFuture<Void> closeAsync() {
    if (dashboard != null) {
      dashboard.close();
    }
    return CompletableFuture.allOf(
            server.stop(), admin == null ? CompletableFuture.completedFuture(null) : admin.stop())
        .whenComplete((ignored, cause) -> registry.close());
  }

  private static void post(
      ServerBuilder sb,
      boolean blocking,
      String path,
      BiFunction<ServiceRequestContext, AggregatedHttpRequest, HttpResponse> handler) {
    HttpService service =
        (ServiceRequestContext ctx, HttpRequest req) ->
            HttpResponse.of(
                blocking
                    ? req.aggregate()
                        .thenApplyAsync(
                            aggregated -> handler.apply(ctx, aggregated),
                            ctx.blockingTaskExecutor())
                    : req.aggregate().thenApply(aggregated -> handler.apply(ctx, aggregated)));
    sb.service(Route.builder().path(path).methods(HttpMethod.POST).build(), service);
  }

  /** Armeria's own errors (404, 405, 413) as JSON, in the API's error shape. */
  private static final class JsonErrorHandler implements ServerErrorHandler {
    @Override
    public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
      return null;
    }

    @Override
    public AggregatedHttpResponse onProtocolViolation(
        ServiceConfig config,
        RequestHeaders headers,
        HttpStatus status,
        String description,
        Throwable cause) {
      return render(status, description);
    }

    @Override
    public AggregatedHttpResponse renderStatus(
        ServiceRequestContext ctx,
        ServiceConfig config,
        RequestHeaders headers,
        HttpStatus status,
        String description,
        Throwable cause) {
      return render(status, description);
    }

    private static AggregatedHttpResponse render(HttpStatus status, String description) {
      String reason =
          switch (status.code()) {
            case 404 -> "no-such-route";
            case 405 -> "method-not-allowed";
            case 413 -> "body-too-large";
            default -> "http-" + status.code();
          };
      String message =
          switch (status.code()) {
            case 404 -> "no such route; the API is under /v1 (see the sluice-pipeline README)";
            case 413 -> "the request body is larger than server.maxRequestBytes";
            default -> description != null ? description : status.reasonPhrase();
          };
      String body =
          "{\"error\":{\"reason\":\""
              + reason
              + "\",\"message\":"
              + TextNode.valueOf(message)
              + "}}";
      return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body);
    }
  }
}
