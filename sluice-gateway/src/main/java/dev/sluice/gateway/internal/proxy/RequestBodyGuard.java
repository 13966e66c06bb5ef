package dev.sluice.gateway.internal.proxy;

import static dev.sluice.internal.Preconditions.checkArgument;

import com.linecorp.armeria.common.FilteredHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.logging.RequestLogProperty;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;

/**
 * Bounds what request bodies can cost while the gateway holds them: each body must arrive whole
 * within the body timeout, and the bytes of all bodies held at once share one budget, so slow or
 * stalled uploads cannot exhaust the heap.
 *
 * <p><b>Counting.</b> A body's bytes are reserved against the budget as they stream in, and given
 * back once, when the response headers go out or the exchange ends, whichever is first. That is
 * when the gateway stops holding them: a request body is buffered whole, waits in the flow-control
 * queue, and is sent to the backend before the backend's response headers come back. (A backend
 * that answers before reading the whole body, rare for inference servers, makes this an
 * overestimate for a moment, never an underestimate.)
 *
 * <p><b>Answers.</b> A body that would take the total over the budget is refused at once with 503
 * {@value Errors#OVERLOADED} and {@code Retry-After}; one still incomplete when the timeout passes
 * gets 408 {@value Errors#BODY_TIMEOUT}. Either way the request is aborted, its bytes are given
 * back at once, and Armeria closes the connection (the rest of the body is never read). The answer
 * replaces the service's response unless that response has already started. A body over the
 * per-request limit is still the service's 413. The timer runs on the request's event loop, in real
 * time.
 *
 * <p>Thread-safe; one instance guards every request of a listener.
 */
public final class RequestBodyGuard {

  private final long maxBufferedBytes;
  private final Duration timeout;
  private final Duration retryAfter;
  private final AtomicLong buffered = new AtomicLong();

  /**
   * Creates a guard.
   *
   * @param maxBufferedBytes the budget shared by every body held at once; > 0
   * @param timeout the longest a body may take to arrive, from its request's headers; zero for none
   * @param retryAfter the {@code Retry-After} sent with the 503
   */
  public RequestBodyGuard(long maxBufferedBytes, Duration timeout, Duration retryAfter) {
    checkArgument(maxBufferedBytes > 0, "maxBufferedBytes: %s (expected: > 0)", maxBufferedBytes);
    checkArgument(!timeout.isNegative(), "timeout: %s (expected: >= 0)", timeout);
    this.maxBufferedBytes = maxBufferedBytes;
    this.timeout = timeout;
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** A decorator for {@code ServerBuilder.decorator} or {@code serviceUnder(..., decorators)}. */
  public Function<? super HttpService, ? extends HttpService> decorator() {
    return Guarded::new;
  }

  /** The bytes of request bodies held now. */
  public long bufferedBytes() {
    return buffered.get();
  }

  /** The budget. */
  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  private boolean tryReserve(long bytes) {
    long current;
    do {
      current = buffered.get();
      if (current + bytes > maxBufferedBytes) {
        return false;
      }
    } while (!buffered.compareAndSet(current, current + bytes));
    return true;
  }

  private final class Guarded extends SimpleDecoratingHttpService {
    Guarded(HttpService delegate) {
      super(delegate);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
      Reception reception = new Reception(ctx, req);
      // The body's bytes are given back when the answer starts, or when the exchange ends (a
      // complete log has its response headers too, so this one future covers both).
      CompletableFuture<Void> unused =
          ctx.log().whenAvailable(RequestLogProperty.RESPONSE_HEADERS).thenRun(reception::release);
      if (!timeout.isZero()) {
        reception.timer =
            ctx.eventLoop().schedule(reception::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      HttpResponse response = unwrap().serve(ctx, reception.counted);
      reception.attach(response);
      // Not recover(Rejection.class, ...): it rethrows other causes wrapped in a
      // CompositeException, which turns Armeria's own 413 for an oversized body into a 500.
      return response.recover(
          cause ->
              cause instanceof Rejection rejection
                  ? rejection.response()
                  : HttpResponse.ofFailure(cause));
    }
  }

  /** One request's body: its reservation, its timer and how it ended. Guarded by its monitor. */
  private final class Reception {
    final ServiceRequestContext ctx;
    final HttpRequest request;
    final HttpRequest counted;
    volatile @Nullable ScheduledFuture<?> timer;
    private long reserved;
    private boolean complete;
    private boolean released;
    private @Nullable Rejection rejection;
    private @Nullable HttpResponse response;

    Reception(ServiceRequestContext ctx, HttpRequest request) {
      this.ctx = ctx;
      this.request = request;
      this.counted =
          new FilteredHttpRequest(request) {
            @Override
            protected HttpObject filter(HttpObject obj) {
              if (obj instanceof HttpData data && !data.isEmpty()) {
                received(data.length());
              }
              return obj;
            }

            @Override
            protected void beforeComplete(Subscriber<? super HttpObject> subscriber) {
              bodyComplete();
            }
          };
    }

    void received(int bytes) {
      synchronized (this) {
        if (released || rejection != null) {
          return;
        }
        if (tryReserve(bytes)) {
          reserved += bytes;
          return;
        }
      }
      reject(
          new Rejection(
              Errors.response(
                  HttpStatus.SERVICE_UNAVAILABLE,
                  Errors.OVERLOADED,
                  "The gateway is holding as many request bytes as it may ("
                      + maxBufferedBytes
                      + "); try again later.",
                  "server_error",
                  null,
                  retryAfter)));
    }

    void bodyComplete() {
      synchronized (this) {
        complete = true;
      }
      cancelTimer();
    }

    void timedOut() {
      synchronized (this) {
        if (complete) {
          return;
        }
      }
      reject(
          new Rejection(
              Errors.response(
                  HttpStatus.REQUEST_TIMEOUT,
                  Errors.BODY_TIMEOUT,
                  "The request body did not arrive within " + timeout.toMillis() + " ms.",
                  "invalid_request_error",
                  null,
                  null)));
    }

    /** Answers {@code rejection} instead of the service, unless the service already answered. */
    private void reject(Rejection reason) {
      HttpResponse current;
      synchronized (this) {
        if (complete || released || rejection != null) {
          return;
        }
        rejection = reason;
        current = response;
      }
      release();
      if (!ctx.sessionProtocol().isMultiplex()) {
        // HTTP/1 would otherwise read and drop the rest of the body to keep the connection.
        CompletableFuture<Void> unused = ctx.initiateConnectionShutdown(); // nothing to wait for
      }
      // The service's response first: it must fail with the rejection before the aborted
      // request turns into the service's own error answer.
      if (current != null) {
        current.abort(reason);
      }
      request.abort(reason);
    }

    void attach(HttpResponse serviceResponse) {
      Rejection early;
      synchronized (this) {
        response = serviceResponse;
        early = rejection;
      }
      if (early != null) {
        serviceResponse.abort(early);
      }
    }

    void release() {
      long bytes;
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        bytes = reserved;
        reserved = 0;
      }
      buffered.addAndGet(-bytes);
      cancelTimer();
    }

    private void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  /** Why the guard refused a body, carrying the answer to send instead. */
  private static final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient HttpResponse response;

    Rejection(HttpResponse response) {
      super(null, null, false, false);
      this.response = response;
    }

    HttpResponse response() {
      return response;
    }
  }
}
