package dev.sluice.gateway.internal.proxy;

import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.flow.FlowRequest;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.gateway.internal.tracing.RequestTracing;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests to backends: a dispatched request to the endpoint its dispatch reserved (moving it
 * to another fresh endpoint if the connection is refused before anything was sent), a request
 * without a body to the least-loaded fresh endpoint. Strips the identity headers, injects the
 * engine priority where the endpoint honours it, traces the call, and marks the answer with the
 * endpoint and the queue wait; a backend that cannot be reached or times out is answered with 502
 * or 504. Thread-safe; one instance serves every request.
 */
final class UpstreamForwarder {

  private final EndpointPool pool;
  private final GatewayConfig.Identity identity;

  UpstreamForwarder(EndpointPool pool, GatewayConfig.Identity identity) {
    this.pool = pool;
    this.identity = identity;
  }

  /**
   * Sends {@code request} to {@code endpoint}; if the endpoint refuses the connection (nothing was
   * sent), moves the request to another fresh endpoint, {@code retries} times at most.
   */
  HttpResponse send(
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
              Throwable root = Errors.unwrap(cause);
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
  HttpResponse passThrough(ServiceRequestContext ctx, HttpRequest req) {
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
        .recover(cause -> upstreamFailed(endpoint, Errors.unwrap(cause)));
  }
}
