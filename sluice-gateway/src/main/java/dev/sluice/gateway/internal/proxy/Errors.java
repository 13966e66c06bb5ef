package dev.sluice.gateway.internal.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import dev.sluice.flow.Outcome;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own answers: OpenAI-style error bodies ({@code {"error": {"message", "type",
 * "param", "code"}}}), the status each flow-control outcome maps to, and the {@code
 * x-sluice-outcome} header. Stateless and thread-safe.
 *
 * <p>429 (with {@code Retry-After}) means "overloaded, try later": capacity, shedding,
 * displacement. 503 means "not served": TTL expiry in the queue, no endpoints, shutdown, a
 * withdrawn request, too many request bytes held at once (with {@code Retry-After}). 400 an invalid
 * request, 408 a body that took too long to arrive, 413 a body over the limit, 502 a backend that
 * could not be reached, 504 a backend that exceeded the configured response timeout.
 */
public final class Errors {

  /** Response header naming what happened, for example {@code rejected-capacity}. */
  public static final String OUTCOME_HEADER = "x-sluice-outcome";

  /** Response header with the endpoint that served the request. */
  public static final String ENDPOINT_HEADER = "x-sluice-endpoint";

  /** Response header with the time the request waited in the gateway's queue, in milliseconds. */
  public static final String QUEUE_WAIT_HEADER = "x-sluice-queue-wait-ms";

  /** {@code x-sluice-outcome} when no endpoint had fresh metrics. */
  public static final String NO_ENDPOINTS = "no-endpoints";

  /** {@code x-sluice-outcome} when the backend could not be reached. */
  public static final String UPSTREAM_UNREACHABLE = "upstream-unreachable";

  /** {@code x-sluice-outcome} when the backend took longer than the response timeout. */
  public static final String UPSTREAM_TIMEOUT = "upstream-timeout";

  /** {@code x-sluice-outcome} for a request the gateway refused before flow control. */
  public static final String INVALID = "rejected-invalid";

  /** {@code x-sluice-outcome} when the body did not arrive within the body timeout (408). */
  public static final String BODY_TIMEOUT = "rejected-body-timeout";

  /** {@code x-sluice-outcome} when the bodies held at once would pass their budget (503). */
  public static final String OVERLOADED = "rejected-overloaded";

  /** {@code x-sluice-outcome} for a path the gateway does not serve (404). */
  public static final String NOT_FOUND = "rejected-not-found";

  /** {@code x-sluice-outcome} when the request line or headers are over Armeria's limits (431). */
  public static final String HEADERS_TOO_LARGE = "rejected-headers-too-large";

  /** {@code x-sluice-outcome} for a server error of the gateway's own (500). */
  public static final String INTERNAL = "internal";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Errors() {}

  /** The HTTP status for a request that ended with {@code outcome} (never dispatched). */
  public static HttpStatus statusOf(Outcome outcome) {
    return switch (outcome) {
      case REJECTED_CAPACITY, REJECTED_SHED, EVICTED_DISPLACED -> HttpStatus.TOO_MANY_REQUESTS;
      case REJECTED_INVALID -> HttpStatus.BAD_REQUEST;
      case EVICTED_TTL, EVICTED_CANCELLED, REJECTED_SHUTDOWN, EVICTED_SHUTDOWN, DISPATCHED ->
          HttpStatus.SERVICE_UNAVAILABLE;
    };
  }

  /** The answer to a request that ended with {@code outcome}. */
  static HttpResponse forOutcome(Outcome outcome, String message, @Nullable Duration retryAfter) {
    HttpStatus status = statusOf(outcome);
    return response(status, outcome.reason(), message, typeOf(status), null, retryAfter);
  }

  /** An error answer; {@code retryAfter} is sent only with 429 and {@value #OVERLOADED}. */
  public static HttpResponse response(
      HttpStatus status,
      @Nullable String outcome,
      String message,
      String type,
      @Nullable String param,
      @Nullable Duration retryAfter) {
    return aggregated(status, outcome, message, type, param, retryAfter).toHttpResponse();
  }

  /** An error answer for a status the server itself produced (404, 405, 413, 431 ...). */
  public static AggregatedHttpResponse render(HttpStatus status, String message) {
    return aggregated(status, outcomeOf(status), message, typeOf(status), null, null);
  }

  /**
   * The {@code x-sluice-outcome} of a status Armeria produced itself: 404 {@value #NOT_FOUND}, 408
   * {@value #BODY_TIMEOUT}, 431 {@value #HEADERS_TOO_LARGE}, 503 (only while shutting down) {@code
   * rejected-shutdown}, any other 4xx {@value #INVALID}, anything else {@value #INTERNAL}.
   */
  static String outcomeOf(HttpStatus status) {
    return switch (status.code()) {
      case 404 -> NOT_FOUND;
      case 408 -> BODY_TIMEOUT;
      case 431 -> HEADERS_TOO_LARGE;
      case 503 -> Outcome.REJECTED_SHUTDOWN.reason();
      default -> status.isClientError() ? INVALID : INTERNAL;
    };
  }

  static AggregatedHttpResponse aggregated(
      HttpStatus status,
      @Nullable String outcome,
      String message,
      String type,
      @Nullable String param,
      @Nullable Duration retryAfter) {
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8);
    if (outcome != null) {
      headers.set(OUTCOME_HEADER, outcome);
    }
    if ((status.equals(HttpStatus.TOO_MANY_REQUESTS) || OVERLOADED.equals(outcome))
        && retryAfter != null) {
      long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
    }
    return AggregatedHttpResponse.of(
        headers.build(), HttpData.ofUtf8(body(message, type, param, outcome)));
  }

  /** OpenAI's {@code type} for a status. */
  static String typeOf(HttpStatus status) {
    if (status.equals(HttpStatus.TOO_MANY_REQUESTS)) {
      return "rate_limit_error";
    }
    return status.isClientError() ? "invalid_request_error" : "server_error";
  }

  /**
   * {@code cause} without the {@link java.util.concurrent.CompletionException} and {@link
   * java.util.concurrent.ExecutionException} wrappers futures add.
   */
  static Throwable unwrap(Throwable cause) {
    Throwable current = cause;
    while ((current instanceof java.util.concurrent.CompletionException
            || current instanceof java.util.concurrent.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  static String body(String message, String type, @Nullable String param, @Nullable String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return root.toString();
  }
}
