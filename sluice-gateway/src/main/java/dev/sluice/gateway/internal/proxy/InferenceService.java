package dev.sluice.gateway.internal.proxy;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.gateway.internal.tenant.TenantResolver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code /v1/*} proxy: reads the body (up to the configured limit), identifies the flow,
 * submits the request to the {@link FlowController}, and once it is dispatched forwards it to the
 * endpoint the {@link EndpointPool} picks, streaming the response back with Armeria's demand-driven
 * backpressure.
 *
 * <p><b>Identity.</b> The flow id and the priority come from {@link TenantResolver}: from the
 * caller's API key and the fairness and objective headers (see there), or 401, 429 before any flow
 * control. {@link FlowClassifier} makes the flow request: a TTL header bounds the wait in the
 * queue, and a TTFT-SLO header sets the request's latency objective for {@code slo-deadline}
 * ordering. The cost is the estimated prompt tokens plus {@code max_tokens}; the byte size is the
 * body length.
 *
 * <p><b>Lifetime.</b> {@link UpstreamForwarder} sends the request to the endpoint its dispatch
 * reserved (see {@link EndpointPool}). If that endpoint refuses the connection (nothing was sent),
 * the request moves to another fresh endpoint, at most once per endpoint. The admission is closed,
 * which gives the endpoint back, exactly once: when the response has been sent, has failed, or the
 * client has gone away, whichever is first. A client that leaves while queued withdraws its request
 * at once; one that leaves mid-stream cancels the upstream request. A request of a preempting band
 * that queues on arrival may take back one lower-priority request that has not produced its first
 * byte (see {@link Preemptions}); that request is cancelled upstream and waits in the queue again.
 * Requests without a body (such as {@code GET /v1/models}) are not flow-controlled: they go
 * straight to a fresh endpoint.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class InferenceService implements HttpService {

  private final FlowController controller;
  private final EndpointPool pool;
  private final Ticker ticker;
  private final Preemptions preemptions;
  private final TenantResolver tenants;
  private final FlowClassifier classifier;
  private final UpstreamForwarder forwarder;
  private final NoEndpointWatch noEndpoints;
  private final Refusals refusals;

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
    this.tenants = tenants;
    GatewayConfig.Identity identity = config.identity();
    this.controller = controller;
    this.pool = pool;
    this.ticker = ticker;
    this.preemptions = new Preemptions(config.saturation().preempt());
    this.classifier = new FlowClassifier(identity);
    this.forwarder = new UpstreamForwarder(pool, identity);
    this.noEndpoints = new NoEndpointWatch(pool, ticker, scheduler, config.noEndpointTtl());
    this.refusals = new Refusals(config);
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
      return forwarder.passThrough(ctx, req);
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
                    return refusals.bodyFailed(ctx, cause);
                  }
                  return admit(ctx, aggregated, receivedNanos);
                }));
  }

  private HttpResponse admit(
      ServiceRequestContext ctx, AggregatedHttpRequest request, long receivedNanos) {
    InferenceRequest parsed;
    FlowRequest flowRequest;
    TenantResolver.Identified caller;
    CompletableFuture<RequestLog> done = ctx.log().whenComplete();
    try {
      caller = tenants.identify(request.headers(), done);
    } catch (TenantResolver.Refused e) {
      return e.response();
    }
    try {
      parsed = InferenceRequest.parse(request.path(), request.content().array());
      caller.charge(parsed.cost());
      flowRequest =
          classifier.classify(
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
    CompletableFuture<Void> unused = done.thenRun(exchange::finish);
    if (!admission.isDone()) {
      noEndpoints.watch(exchange, admission, receivedNanos);
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
                call.client.complete(refusals.refused(Errors.unwrap(cause)));
              } else {
                forward(granted, call);
              }
              return null;
            },
            call.ctx.eventLoop());
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
        forwarder.send(
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
}
