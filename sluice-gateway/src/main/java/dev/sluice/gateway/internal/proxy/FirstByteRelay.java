package dev.sluice.gateway.internal.proxy;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.ResponseHeaders;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Relays an upstream response to the client, holding its headers back until its first byte: a
 * backend such as vLLM commits to {@code 200} the moment it accepts a streaming request, long
 * before its first token, and a response whose headers reached the client can no longer be taken
 * back. The first byte is the first non-empty data (or the trailers, the end or a failure,
 * whichever comes first); {@code firstByte} decides then whether the response goes to the client:
 * if it says no (the request was preempted), the upstream request is cancelled and nothing reaches
 * the client.
 *
 * <p>Demand-driven: one object is requested upstream at a time, the next once the client has
 * consumed the last; a client that goes away cancels the upstream request. Callbacks run on the
 * given event loop, one at a time.
 */
final class FirstByteRelay implements Subscriber<HttpObject> {

  private final BooleanSupplier firstByte;
  private final CompletableFuture<HttpResponse> client = new CompletableFuture<>();
  private final HttpResponseWriter out = HttpResponse.streaming();
  private @Nullable Subscription upstream;
  private @Nullable ResponseHeaders headers;
  private boolean started;
  private boolean cancelled;

  private FirstByteRelay(BooleanSupplier firstByte) {
    this.firstByte = firstByte;
  }

  /**
   * Subscribes to {@code response} on {@code executor}; the returned future completes with the
   * response for the client at its first byte, if {@code firstByte} returns true then, and never
   * otherwise.
   */
  static CompletableFuture<HttpResponse> relay(
      HttpResponse response, BooleanSupplier firstByte, EventExecutor executor) {
    FirstByteRelay relay = new FirstByteRelay(firstByte);
    response.subscribe(relay, executor);
    return relay.client;
  }

  @Override
  public void onSubscribe(Subscription subscription) {
    upstream = subscription;
    CompletableFuture<Void> unused =
        out.whenComplete()
            .exceptionally(
                cause -> {
                  subscription.cancel(); // the client went away
                  return null;
                });
    subscription.request(1);
  }

  @Override
  public void onNext(HttpObject object) {
    Subscription subscription = subscription();
    if (!started) {
      if (object instanceof ResponseHeaders responseHeaders) {
        if (!responseHeaders.status().isInformational()) {
          headers = responseHeaders;
        }
        subscription.request(1);
        return;
      }
      if (object instanceof HttpData data && data.isEmpty()) {
        subscription.request(1);
        return;
      }
      if (!start()) {
        return;
      }
    }
    if (!out.tryWrite(object)) {
      subscription.cancel();
      return;
    }
    CompletableFuture<Void> unused = out.whenConsumed().thenRun(() -> subscription.request(1));
  }

  @Override
  public void onError(Throwable cause) {
    if (cancelled) {
      return;
    }
    if (!started) {
      if (firstByte.getAsBoolean()) {
        client.complete(HttpResponse.ofFailure(cause));
      }
      return;
    }
    out.close(cause);
  }

  @Override
  public void onComplete() {
    if (!started && !start()) {
      return;
    }
    out.close();
  }

  /** The first byte: whether the response goes to the client; if not, cancels upstream. */
  private boolean start() {
    if (!firstByte.getAsBoolean()) {
      cancelled = true;
      subscription().cancel();
      return false;
    }
    started = true;
    ResponseHeaders held = headers;
    if (held == null) {
      IllegalStateException missing = new IllegalStateException("upstream sent no headers");
      client.complete(HttpResponse.ofFailure(missing));
      cancelled = true;
      subscription().cancel();
      return false;
    }
    boolean unused = out.tryWrite(held);
    client.complete(out);
    return true;
  }

  private Subscription subscription() {
    Subscription subscription = upstream;
    if (subscription == null) {
      throw new IllegalStateException("onNext before onSubscribe");
    }
    return subscription;
  }
}
