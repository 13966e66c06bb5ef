package dev.sluice.gateway.internal.proxy;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.flow.FlowControlException;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.config.GatewayConfig;
import java.util.concurrent.CancellationException;

/**
 * The answers to a request that is not forwarded: a body that could not be read (413 over the
 * limit, 400 otherwise) and an admission that was not granted (the flow-control outcome, 503 with
 * no fresh endpoint, 503 withdrawn, 500 anything else). Stateless and thread-safe.
 */
final class Refusals {

  private final GatewayConfig config;

  Refusals(GatewayConfig config) {
    this.config = config;
  }

  HttpResponse bodyFailed(ServiceRequestContext ctx, Throwable cause) {
    Throwable root = Errors.unwrap(cause);
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

  HttpResponse refused(Throwable cause) {
    if (cause instanceof FlowControlException e) {
      return Errors.forOutcome(
          e.outcome(), String.valueOf(e.getMessage()), config.server().retryAfter());
    }
    if (cause instanceof NoEndpointWatch.NoEndpointsException) {
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
}
