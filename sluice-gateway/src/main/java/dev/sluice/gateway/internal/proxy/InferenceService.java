package dev.sluice.gateway.internal.proxy;

import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowControlException;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.gateway.internal.pool.Placement;
import dev.sluice.gateway.internal.tenant.TenantResolver;
import dev.sluice.gateway.internal.tracing.RequestTracing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /v1/*} proxy: reads the body (up to the configured limit), identifies the flow,
 * submits the request to the {@link FlowController}, and once it is dispatched forwards it to the
 * endpoint the {@link EndpointPool} picks, streaming the response back with Armeria's demand-driven
 * backpressure.
 *
 * <p><b>Identity.</b> The flow id and the priority come from {@link TenantResolver}: from the
 * caller's API key and the fairness and objective headers (see there), or 401, 429 before any flow
 * control. A TTL header bounds the wait in the queue, and a TTFT-SLO header sets the request's
 * latency objective for {@code slo-deadline} ordering. The cost is the estimated prompt tokens plus
 * {@code max_tokens}; the byte size is the body length.
 *
 * <p><b>Lifetime.</b> The request goes to the endpoint its dispatch reserved (see {@link
 * EndpointPool}). If that endpoint refuses the connection (nothing was sent), the request moves to
 * another fresh endpoint, at most once per endpoint. The admission is closed, which gives the
 * endpoint back, exactly once: when the response has been sent, has failed, or the client has gone
 * away, whichever is first. A client that leaves while queued withdraws its request at once; one
 * that leaves mid-stream cancels the upstream request. A request of a preempting band that queues
 * on arrival may take back one lower-priority request that has not produced its first byte (see
 * {@link Preemptions}); that request is cancelled upstream and waits in the queue again. Requests
 * without a body (such as {@code GET /v1/models}) are not flow-controlled: they go straight to a
 * fresh endpoint.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class InferenceService implements HttpService {

  private final GatewayConfig config;
  private final GatewayConfig.Identity identity;
  private final FlowController controller;
  private final EndpointPool pool;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final Preemptions preemptions;
  private final TenantResolver tenants;

  /**
   * Creates the service; the caller owns the controller and the pool; {@code tenants} identifies
   * callers.
   */
  public InferenceService(
      GatewayConfig config,
      FlowController controller,
      EndpointPool pool,
      Ticker ticker,
      Scheduler scheduler,
      TenantResolver tenants) {
    this.config = config;
    this.tenants = tenants;
    this.identity = config.identity();
    this.controller = controller;
    this.pool = pool;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.preemptions = new Preemptions(config.saturation().preempt());
  }

  /** Preemption of requests that have not started: its bands and counts. */
  public Preemptions preemptions() {
    return preemptions;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    ctx.clearRequestTimeout();
    long receivedNanos = ticker.read();
    if (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD) {
      return passThrough(ctx, req);
    }
    if (req.method() != HttpMethod.POST) {
      return Errors.response(
          HttpStatus.METHOD_NOT_ALLOWED,
          Errors.INVALID,
          "Method " + req.method() + " is not allowed here; use POST.",
          "invalid_request_error",
          null,
          null);
    }
    return HttpResponse.of(
        req.aggregate()
            .handle(
                (aggregated, cause) -> {
                  if (cause != null) {
                    return bodyFailed(ctx, cause);
                  }
                  return admit(ctx, aggregated, receivedNanos);
                }));
  }

  private HttpResponse bodyFailed(ServiceRequestContext ctx, Throwable cause) {
    Throwable root = unwrap(cause);
    if (root instanceof ContentTooLargeException) {
      return Errors.response(
          HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          Errors.INVALID,
          "The request body is larger than the gateway's limit of "
              + ctx.maxRequestLength()
              + " bytes.",
          "invalid_request_error",
          null,
          null);
    }
    return Errors.response(
        HttpStatus.BAD_REQUEST,
        Errors.INVALID,
        "The request body could not be read: " + root,
        "invalid_request_error",
        null,
        null);
  }

  private HttpResponse admit(
      ServiceRequestContext ctx, AggregatedHttpRequest request, long receivedNanos) {
    InferenceRequest parsed;
    FlowRequest flowRequest;
    TenantResolver.Identified caller;
    try {
      caller = tenants.identify(request.headers(), ctx.log().whenComplete());
    } catch (TenantResolver.Refused e) {
      return e.response();
    }
    try {
      parsed = InferenceRequest.parse(request.path(), request.content().array());
      caller.charge(parsed.cost());
      flowRequest =
          flowRequest(
              request.headers(), caller, parsed, request.content().length(), receivedNanos, ctx);
    } catch (InferenceRequest.Invalid e) {
      return Errors.response(
          HttpStatus.BAD_REQUEST, Errors.INVALID, e.reason, "invalid_request_error", e.param, null);
    } catch (TenantResolver.Refused e) {
      return e.response();
    }
    pool.arrived(flowRequest);
    CompletableFuture<Admission> admission = controller.submit(flowRequest);
    caller.queuedUntil(admission);
    Exchange exchange = new Exchange(admission);
    CompletableFuture<Void> unused = ctx.log().whenComplete().thenRun(exchange::finish);
    if (!admission.isDone()) {
      watchForNoEndpoints(exchange, admission, receivedNanos);
      // No room: take back at most one lower-priority request that has not started.
      boolean ignored = preemptions.preemptFor(flowRequest.flowKey().priority());
    }
    CompletableFuture<HttpResponse> client = new CompletableFuture<>();
    await(admission, new Call(ctx, request, exchange, client));
    return HttpResponse.of(client);
  }

  /** One client request through its admissions: the first, and any after a preemption. */
  private record Call(
      ServiceRequestContext ctx,
      AggregatedHttpRequest request,
      Exchange exchange,
      CompletableFuture<HttpResponse> client) {}

  /** Forwards {@code call} once {@code admission} is granted, or answers why it was not. */
  private void await(CompletableFuture<Admission> admission, Call call) {
    CompletableFuture<Void> unused =
        admission.handleAsync(
            (granted, cause) -> {
              if (cause != null) {
                call.client.complete(refused(unwrap(cause)));
              } else {
                forward(granted, call);
              }
              return null;
            },
            call.ctx.eventLoop());
  }

  /**
   * Fails a queued request with 503 once no endpoint has been fresh for the no-endpoint TTL while
   * it waited, whether the pool was empty when it arrived or went stale later. Checks again at the
   * earliest moment that could be true, so a long wait with healthy endpoints costs one timer per
   * TTL period.
   */
  private void watchForNoEndpoints(
      Exchange exchange, CompletableFuture<Admission> admission, long receivedNanos) {
    long ttl = config.noEndpointTtl().toNanos();
    long now = ticker.read();
    long withoutSince = Math.max(pool.lastFreshNanos(), receivedNanos);
    long delay = pool.hasFreshEndpoint() ? ttl : withoutSince + ttl - now;
    exchange.noEndpointTimer =
        scheduler.schedule(
            () -> {
              if (admission.isDone() || exchange.isFinished()) {
                return;
              }
              long at = ticker.read();
              if (!pool.hasFreshEndpoint()
                  && at - Math.max(pool.lastFreshNanos(), receivedNanos) >= ttl) {
                admission.completeExceptionally(new NoEndpointsException());
              } else {
                watchForNoEndpoints(exchange, admission, receivedNanos);
              }
            },
            delay);
  }

  private FlowRequest flowRequest(
      RequestHeaders headers,
      TenantResolver.Identified caller,
      InferenceRequest parsed,
      long bytes,
      long receivedNanos,
      ServiceRequestContext ctx)
      throws InferenceRequest.Invalid {
    return FlowRequest.builder(FlowKey.of(caller.flowId(), caller.priority()))
        .byteSize(bytes)
        .cost(parsed.cost())
        .ttl(millisHeader(headers, identity.ttlHeaders()))
        .slo(millisHeader(headers, identity.sloTtftHeaders()))
        .receivedNanos(receivedNanos)
        .id(ctx.id().text())
        .payload(new Placement(parsed.model()))
        .build();
  }

  private static @Nullable Duration millisHeader(RequestHeaders headers, List<String> names)
      throws InferenceRequest.Invalid {
    for (String name : names) {
      String value = headers.get(name);
      if (value == null) {
        continue;
      }
      try {
        long millis = Long.parseLong(value.trim());
        if (millis > 0) {
          return Duration.ofMillis(millis);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new InferenceRequest.Invalid(
          "Header "
              + name
              + " must be an integer number of "
              + "milliseconds > 0, got '"
              + value
              + "'.",
          name);
    }
    return null;
  }

  private HttpResponse refused(Throwable cause) {
    if (cause instanceof FlowControlException e) {
      return Errors.forOutcome(
          e.outcome(), String.valueOf(e.getMessage()), config.server().retryAfter());
    }
    if (cause instanceof NoEndpointsException) {
      return Errors.response(
          HttpStatus.SERVICE_UNAVAILABLE,
          Errors.NO_ENDPOINTS,
          "No backend has reported fresh metrics for "
              + config.noEndpointTtl().toMillis()
              + " ms; try again later.",
          "server_error",
          null,
          null);
    }
    if (cause instanceof CancellationException) {
      return Errors.forOutcome(Outcome.EVICTED_CANCELLED, "The request was withdrawn.", null);
    }
    return Errors.response(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "internal",
        "Internal flow-control error: " + cause,
        "server_error",
        null,
        null);
  }

  private void forward(Admission admission, Call call) {
    Exchange exchange = call.exchange;
    Endpoint endpoint = exchange.isFinished() ? null : pool.placed(admission.request());
    if (endpoint == null) {
      exchange.finish();
      call.client.complete(
          Errors.forOutcome(Outcome.EVICTED_CANCELLED, "The client went away.", null));
      return;
    }
    String queueWaitMillis =
        Long.toString(TimeUnit.NANOSECONDS.toMillis(admission.queueWaitNanos()));
    HttpResponse response =
        send(
            call.request,
            admission.request(),
            endpoint,
            queueWaitMillis,
            pool.endpoints().size() - 1);
    Preemptible candidate =
        preemptions.track(
            admission.request().flowKey().priority(), () -> preempted(admission, response, call));
    CompletableFuture<Void> unused =
        response
            .whenComplete()
            .handle(
                (ignored, cause) -> {
                  if (candidate == null || !candidate.isPreempted()) {
                    exchange.finish();
                  }
                  return null;
                });
    if (candidate == null) {
      call.client.complete(response);
      return;
    }
    exchange.untrack = () -> preemptions.started(candidate);
    unused =
        FirstByteRelay.relay(response, () -> preemptions.started(candidate), call.ctx.eventLoop())
            .thenAccept(call.client::complete);
  }

  /**
   * The request was taken back before its first byte: cancels it upstream (the backend frees its
   * slot) and puts it back at the head of its flow's queue, where it waits for its next dispatch.
   */
  private void preempted(Admission admission, HttpResponse upstream, Call call) {
    upstream.abort();
    FlowRequest request = admission.request();
    pool.arrived(request); // queued again, as far as the gate is concerned
    CompletableFuture<Admission> again = admission.requeue();
    if (again.isCompletedExceptionally() && call.exchange.isFinished()) {
      // The client left first and its admission was closed: the re-entry never happened.
      pool.listener().onOutcome(request, Outcome.EVICTED_CANCELLED, 0);
      return;
    }
    call.exchange.requeued(again);
    await(again, call);
  }

  /**
   * Sends {@code request} to {@code endpoint}; if the endpoint refuses the connection (nothing was
   * sent), moves the request to another fresh endpoint, {@code retries} times at most.
   */
  private HttpResponse send(
      AggregatedHttpRequest request,
      FlowRequest flowRequest,
      Endpoint endpoint,
      String queueWaitMillis,
      int retries) {
    RequestHeadersBuilder headers = request.headers().toBuilder().authority(endpoint.name());
    for (String name : identity.stripped()) {
      headers.remove(name);
    }
    HttpData body =
        endpoint.enginePriority()
            ? EnginePriority.inject(request.content(), flowRequest.flowKey().priority())
            : request.content();
    HttpResponse upstream =
        RequestTracing.traced(
            endpoint
                .client()
                .execute(HttpRequest.of(RequestTracing.upstream(headers, endpoint.name()), body)));
    return upstream
        .recover(
            cause -> {
              Throwable root = unwrap(cause);
              if (root instanceof UnprocessedRequestException
                  && isConnectFailure(root.getCause())) {
                Endpoint next = pool.replace(flowRequest, endpoint);
                if (next != null && retries > 0) {
                  return send(request, flowRequest, next, queueWaitMillis, retries - 1);
                }
              }
              return upstreamFailed(endpoint, root);
            })
        .mapHeaders(
            responseHeaders ->
                responseHeaders.status().isInformational()
                        || responseHeaders.contains(Errors.ENDPOINT_HEADER)
                    ? responseHeaders
                    : addHeaders(responseHeaders, endpoint.name(), queueWaitMillis));
  }

  /** A connection that could not be made: refused, unreachable, or timed out. */
  private static boolean isConnectFailure(@Nullable Throwable cause) {
    return cause instanceof java.net.ConnectException
        || cause instanceof io.netty.channel.ConnectTimeoutException;
  }

  private static ResponseHeaders addHeaders(
      ResponseHeaders headers, String endpoint, String queueWaitMillis) {
    return headers.toBuilder()
        .set(Errors.ENDPOINT_HEADER, endpoint)
        .set(Errors.QUEUE_WAIT_HEADER, queueWaitMillis)
        .build();
  }

  private static HttpResponse upstreamFailed(Endpoint endpoint, Throwable cause) {
    if (cause instanceof ResponseTimeoutException) {
      return Errors.response(
          HttpStatus.GATEWAY_TIMEOUT,
          Errors.UPSTREAM_TIMEOUT,
          "Backend " + endpoint.name() + " did not answer within the response timeout.",
          "server_error",
          null,
          null);
    }
    return Errors.response(
        HttpStatus.BAD_GATEWAY,
        Errors.UPSTREAM_UNREACHABLE,
        "Backend " + endpoint.name() + " failed before responding: " + cause,
        "server_error",
        null,
        null);
  }

  /** A request with no body: not flow-controlled, sent to the least-loaded fresh endpoint. */
  private HttpResponse passThrough(ServiceRequestContext ctx, HttpRequest req) {
    Endpoint endpoint = pool.pickUncounted();
    if (endpoint == null) {
      return Errors.response(
          HttpStatus.SERVICE_UNAVAILABLE,
          Errors.NO_ENDPOINTS,
          "No backend has fresh metrics; try again later.",
          "server_error",
          null,
          null);
    }
    CompletableFuture<Void> unused = ctx.log().whenComplete().thenRun(() -> pool.release(endpoint));
    RequestHeaders headers = req.headers().toBuilder().authority(endpoint.name()).build();
    return endpoint
        .client()
        .execute(req.withHeaders(headers))
        .recover(cause -> upstreamFailed(endpoint, unwrap(cause)));
  }

  private static Throwable unwrap(Throwable cause) {
    Throwable current = cause;
    while ((current instanceof CompletionException
            || current instanceof java.util.concurrent.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** The queue wait ran out while no endpoint had fresh metrics. */
  private static final class NoEndpointsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoEndpointsException() {
      super("no endpoints", null, false, false);
    }
  }
}
