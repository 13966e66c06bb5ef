package dev.sluice.sim.load;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.SubscriptionOption;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One HTTP POST whose response is read as it arrives: the response headers, then each SSE event's
 * payload, then the end. A non-SSE body (an error, or a non-streaming completion) is delivered
 * whole at the end. {@link #cancel()} closes the stream as a disconnecting client would.
 *
 * <p>Listener calls come from an Armeria event-loop thread, one at a time and in order; they must
 * not block. {@link #cancel()} may be called from any thread.
 */
public final class SseCall {

  /** Receives the response of one call. */
  public interface Listener {
    /** The final (non-1xx) response headers. */
    default void onHeaders(ResponseHeaders headers) {}

    /** One SSE event's data, e.g. a JSON chunk or {@code [DONE]}. */
    default void onEvent(String data) {}

    /**
     * The response ended.
     *
     * @param body the whole body if it was not an event stream, else empty
     * @param cause why it ended abnormally, or {@code null}
     */
    void onEnd(byte[] body, @Nullable Throwable cause);
  }

  private volatile @Nullable Subscription subscription; // set by the response's onSubscribe
  private volatile boolean cancelled;

  private SseCall() {}

  /** Sends {@code jsonBody} to {@code path} with extra {@code headers} and starts reading. */
  public static SseCall start(
      WebClient client,
      String path,
      Map<String, String> headers,
      String jsonBody,
      Listener listener) {
    RequestHeadersBuilder builder =
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8);
    headers.forEach(builder::add);
    HttpResponse response =
        client.execute(HttpRequest.of(builder.build(), HttpData.ofUtf8(jsonBody)));
    SseCall call = new SseCall();
    response.subscribe(call.new Reader(listener), SubscriptionOption.NOTIFY_CANCELLATION);
    return call;
  }

  /** Stops reading and closes the stream; the listener then sees its end with a non-null cause. */
  public void cancel() {
    cancelled = true;
    Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  private final class Reader implements Subscriber<HttpObject> {
    private final Listener listener;
    private final SseDecoder decoder = new SseDecoder();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean eventStream;
    private boolean ended;

    Reader(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
        end(new IllegalStateException("cancelled"));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(HttpObject object) {
      if (object instanceof ResponseHeaders headers) {
        if (headers.status().isInformational()) {
          return;
        }
        MediaType type = headers.contentType();
        eventStream = type != null && type.is(MediaType.EVENT_STREAM);
        listener.onHeaders(headers);
      } else if (object instanceof HttpData data) {
        byte[] bytes = data.array();
        if (eventStream) {
          for (String event : decoder.feed(bytes)) {
            listener.onEvent(event);
          }
        } else {
          body.writeBytes(bytes);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      end(t);
    }

    @Override
    public void onComplete() {
      end(cancelled ? new IllegalStateException("cancelled") : null);
    }

    private void end(@Nullable Throwable cause) {
      if (!ended) {
        ended = true;
        listener.onEnd(body.toByteArray(), cause);
      }
    }
  }
}
