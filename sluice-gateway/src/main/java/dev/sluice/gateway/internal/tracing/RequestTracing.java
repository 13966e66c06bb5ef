package dev.sluice.gateway.internal.tracing;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import io.netty.util.AttributeKey;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry spans for the requests of the inference port, through the OpenTelemetry API (the
 * application or an agent supplies the SDK and the exporter): one {@code sluice.request} span per
 * request (a child of the caller's W3C {@code traceparent}, if any) with children {@code
 * sluice.queued} and {@code sluice.dispatched}, and {@code sluice.upstream} under the latter for
 * each call to a backend, which gets the W3C {@code traceparent} of that span. The request span and
 * the queue span carry {@value #FLOW}, {@value #PRIORITY}, {@value #OUTCOME} and {@value
 * #QUEUE_WAIT_MS}.
 *
 * <p>Off unless configured: without an instance, the gateway installs neither the decorator nor the
 * listener, and {@link #upstream} and {@link #traced} find no trace in the request context and
 * return their argument, so no span objects are created. Thread-safe.
 */
public final class RequestTracing {

  /** The instrumentation scope of the spans. */
  public static final String SCOPE = "dev.sluice.gateway";

  /** Attribute: the fairness id (tenant). */
  public static final String FLOW = "sluice.flow.id";

  /** Attribute: the priority. */
  public static final String PRIORITY = "sluice.priority";

  /** Attribute: the flow-control outcome, or the gateway's {@code x-sluice-outcome}. */
  public static final String OUTCOME = "sluice.outcome";

  /** Attribute: the time in the queue, in milliseconds. */
  public static final String QUEUE_WAIT_MS = "sluice.queue_wait_ms";

  private static final AttributeKey<Trace> TRACE =
      AttributeKey.valueOf(RequestTracing.class, "TRACE");

  private static final AttributeKey<Span> UPSTREAM =
      AttributeKey.valueOf(RequestTracing.class, "UPSTREAM");

  private static final TextMapGetter<RequestHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders carrier) {
          return carrier.names().stream().map(Object::toString).toList();
        }

        @Override
        public @Nullable String get(@Nullable RequestHeaders carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracer tracer;
  private final Map<String, Trace> byRequestId = new ConcurrentHashMap<>();

  /** Spans through {@code openTelemetry}'s tracer. */
  public RequestTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
  }

  /**
   * The tracing of a gateway: through {@code explicit} if given, else through {@code
   * GlobalOpenTelemetry} if {@code enabled}, else none (null).
   */
  public static @Nullable RequestTracing of(boolean enabled, @Nullable OpenTelemetry explicit) {
    if (explicit != null) {
      return new RequestTracing(explicit);
    }
    return enabled ? new RequestTracing(GlobalOpenTelemetry.get()) : null;
  }

  /** {@code service} with {@code tracing}'s request spans, or as it is without tracing. */
  public static HttpService wrap(@Nullable RequestTracing tracing, HttpService service) {
    return tracing == null ? service : tracing.decorate(service);
  }

  /** {@code delegate}, with a request span around every request. */
  public HttpService decorate(HttpService delegate) {
    return (ctx, req) -> {
      Context parent =
          W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), HEADERS);
      Span root =
          tracer
              .spanBuilder("sluice.request")
              .setParent(parent)
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.request.method", req.method().name())
              .setAttribute("url.path", req.path())
              .startSpan();
      Trace trace = new Trace(tracer, root, parent.with(root));
      String id = ctx.id().text();
      ctx.setAttr(TRACE, trace);
      byRequestId.put(id, trace);
      CompletableFuture<Void> unused =
          ctx.log()
              .whenComplete()
              .thenAccept(
                  log -> {
                    byRequestId.remove(id);
                    trace.finish(log.responseHeaders());
                  });
      return delegate.serve(ctx, req);
    };
  }

  /** The flow controller's side: the queue span, and the dispatch span's start and end. */
  public FlowControlListener listener() {
    return new FlowControlListener() {
      @Override
      public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
        Trace trace = trace(request);
        if (trace != null) {
          trace.outcome(request, outcome, queueNanos);
        }
      }

      @Override
      public void onAdmissionClosed(FlowRequest request) {
        Trace trace = trace(request);
        if (trace != null) {
          trace.released();
        }
      }
    };
  }

  private @Nullable Trace trace(FlowRequest request) {
    String id = request.id();
    return id == null ? null : byRequestId.get(id);
  }

  /**
   * The headers of a call to {@code endpoint}: with tracing on, opens its {@code sluice.upstream}
   * span and adds that span's {@code traceparent}; otherwise just {@code headers}. Call on the
   * request's context, then pass the response to {@link #traced}.
   */
  public static RequestHeaders upstream(RequestHeadersBuilder headers, String endpoint) {
    RequestContext ctx = RequestContext.currentOrNull();
    Trace trace = ctx == null ? null : ctx.attr(TRACE);
    if (trace != null) {
      ctx.setAttr(UPSTREAM, trace.upstream(headers, endpoint));
    }
    return headers.build();
  }

  /** {@code response}, ending the span {@link #upstream} opened (if any) when it ends. */
  public static HttpResponse traced(HttpResponse response) {
    RequestContext ctx = RequestContext.currentOrNull();
    Span span = ctx == null ? null : ctx.attr(UPSTREAM);
    if (span == null) {
      return response;
    }
    ctx.setAttr(UPSTREAM, null);
    CompletableFuture<Void> unused =
        response
            .whenComplete()
            .whenComplete(
                (ignored, cause) -> {
                  if (cause != null) {
                    span.setStatus(StatusCode.ERROR, cause.toString());
                  }
                  span.end();
                });
    return response.mapHeaders(
        headers -> {
          if (!headers.status().isInformational()) {
            span.setAttribute("http.response.status_code", (long) headers.status().code());
          }
          return headers;
        });
  }
}
