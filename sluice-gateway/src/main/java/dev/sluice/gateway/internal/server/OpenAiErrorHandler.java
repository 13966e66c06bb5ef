package dev.sluice.gateway.internal.server;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.gateway.internal.metrics.ResponseMetrics;
import dev.sluice.gateway.internal.proxy.Errors;
import org.jspecify.annotations.Nullable;

/**
 * Answers Armeria's own errors (404, 405, 413, 431 ...) with OpenAI-style bodies and an {@code
 * x-sluice-outcome}; counts the protocol violations, which no decorator sees. Thread-safe.
 */
final class OpenAiErrorHandler implements ServerErrorHandler {
  private final ResponseMetrics responses;

  OpenAiErrorHandler(ResponseMetrics responses) {
    this.responses = responses;
  }

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
    AggregatedHttpResponse response = render(status, description);
    responses.record(response.headers());
    return response;
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
    String message =
        switch (status.code()) {
          case 404 -> "No such endpoint; the gateway serves /v1/*.";
          case 413 -> "The request body is larger than the gateway's limit.";
          case 431 -> "The request line or headers are larger than the gateway's limit.";
          default -> description != null ? description : status.reasonPhrase();
        };
    return Errors.render(status, message);
  }
}
