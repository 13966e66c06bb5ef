package dev.sluice.gateway.internal.tracing;

import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.internal.proxy.Errors;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One request's spans: the root ({@code sluice.request}), and under it {@code sluice.queued} (from
 * arrival to the flow-control outcome), {@code sluice.dispatched} (while the request holds its
 * dispatch) and, under that, {@code sluice.upstream} (each call to a backend). Thread-safe: events
 * come from the event loop, the flow controller and the scheduler.
 */
final class Trace {

  private final Tracer tracer;
  private final Span root;
  private final Context rootContext;
  private @Nullable Span dispatched; // guarded by this
  private @Nullable Context dispatchedContext; // guarded by this
  private boolean dispatchStarted; // guarded by this
  private long dispatchedAt; // epoch nanoseconds; guarded by this
  private boolean outcomeSet; // guarded by this

  Trace(Tracer tracer, Span root, Context rootContext) {
    this.tracer = tracer;
    this.root = root;
    this.rootContext = rootContext;
  }

  /**
   * The flow-control outcome: records the queue span, and opens the dispatched span unless the
   * upstream call already did (the controller's listener may run after the proxy has moved on).
   */
  synchronized void outcome(FlowRequest request, Outcome outcome, long queueNanos) {
    long end = epochNanos();
    if (outcome == Outcome.DISPATCHED) {
      if (dispatchStarted) {
        end = Math.min(end, dispatchedAt);
      } else {
        startDispatched(end);
      }
    }
    String flow = request.flowKey().id();
    int priority = request.flowKey().priority();
    double waitMillis = queueNanos / 1e6;
    root.setAttribute(RequestTracing.FLOW, flow);
    root.setAttribute(RequestTracing.PRIORITY, priority);
    root.setAttribute(RequestTracing.OUTCOME, outcome.reason());
    root.setAttribute(RequestTracing.QUEUE_WAIT_MS, waitMillis);
    outcomeSet = true;
    Span queued =
        tracer
            .spanBuilder("sluice.queued")
            .setParent(rootContext)
            .setStartTimestamp(end - queueNanos, TimeUnit.NANOSECONDS)
            .setAttribute(RequestTracing.FLOW, flow)
            .setAttribute(RequestTracing.PRIORITY, (long) priority)
            .setAttribute(RequestTracing.OUTCOME, outcome.reason())
            .setAttribute(RequestTracing.QUEUE_WAIT_MS, waitMillis)
            .startSpan();
    queued.end(end, TimeUnit.NANOSECONDS);
  }

  /** Opens the dispatched span at {@code at} (epoch nanoseconds), once. */
  private void startDispatched(long at) {
    if (dispatchStarted) {
      return;
    }
    dispatchStarted = true;
    dispatchedAt = at;
    Span span =
        tracer
            .spanBuilder("sluice.dispatched")
            .setParent(rootContext)
            .setStartTimestamp(at, TimeUnit.NANOSECONDS)
            .startSpan();
    dispatched = span;
    dispatchedContext = rootContext.with(span);
  }

  /** The dispatch was given back (the response ended, failed, or the client left). */
  synchronized void released() {
    if (dispatched != null) {
      dispatched.end();
      dispatched = null;
    }
  }

  /**
   * Opens a {@code sluice.upstream} span for a call to {@code endpoint} and writes its W3C {@code
   * traceparent} into {@code headers}.
   */
  synchronized Span upstream(RequestHeadersBuilder headers, String endpoint) {
    startDispatched(epochNanos()); // only ever called for a dispatched request
    Context parent = dispatchedContext != null ? dispatchedContext : rootContext;
    Span span =
        tracer
            .spanBuilder("sluice.upstream")
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("server.address", endpoint)
            .startSpan();
    W3CTraceContextPropagator.getInstance()
        .inject(parent.with(span), headers, (carrier, key, value) -> carrier.set(key, value));
    return span;
  }

  /** The response went out: ends every span still open. */
  synchronized void finish(ResponseHeaders headers) {
    int status = headers.status().code();
    root.setAttribute("http.response.status_code", (long) status);
    String gatewayOutcome = headers.get(Errors.OUTCOME_HEADER);
    if (!outcomeSet && gatewayOutcome != null) {
      root.setAttribute(RequestTracing.OUTCOME, gatewayOutcome);
    }
    if (status >= 500) {
      root.setStatus(StatusCode.ERROR);
    }
    released();
    root.end();
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }
}
