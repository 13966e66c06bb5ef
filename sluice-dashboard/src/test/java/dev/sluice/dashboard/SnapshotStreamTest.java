package dev.sluice.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SnapshotStream} over real HTTP, its ticks on a {@link ManualClock}: a snapshot is taken
 * only while a page is open, each goes out as one server-sent event with a reconnect hint, and
 * closing the stream ends the responses.
 */
class SnapshotStreamTest {

  private final ManualClock clock = new ManualClock();
  private final AtomicInteger taken = new AtomicInteger();
  private final SnapshotStream stream =
      new SnapshotStream(
          () -> "{\"n\":" + taken.incrementAndGet() + "}",
          clock,
          Runnable::run,
          Duration.ofSeconds(1));
  private Server server;

  @BeforeEach
  void start() {
    server = Server.builder().http(0).service("/events", stream.service()).build();
    server.start().join();
  }

  @AfterEach
  void stop() {
    stream.close();
    server.stop(); // not joined (Netty's 2 s quiet period): the next test binds a new port
  }

  @Test
  void snapshotsGoOutOnePerIntervalOnlyWhileAPageIsOpen() throws Exception {
    clock.advance(Duration.ofSeconds(5));
    assertThat(taken).hasValue(0);

    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    CompletableFuture<ResponseHeaders> headers = new CompletableFuture<>();
    HttpResponse response =
        WebClient.of("http://127.0.0.1:" + server.activeLocalPort()).get("/events");
    response.subscribe(
        new org.reactivestreams.Subscriber<Object>() {
          @Override
          public void onSubscribe(org.reactivestreams.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(Object o) {
            if (o instanceof ResponseHeaders h) {
              headers.complete(h);
            } else if (o instanceof HttpData data) {
              events.add(data.toStringUtf8());
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    assertThat(headers.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.OK);
    assertThat(headers.get().contentType().toString()).startsWith("text/event-stream");
    assertThat(next(events)).contains("retry:1000").contains("data:{\"n\":1}");
    assertThat(stream.subscribers()).isOne();

    clock.advance(Duration.ofSeconds(1));
    assertThat(next(events)).contains("data:{\"n\":2}");

    stream.close();
    response.whenComplete().get(10, TimeUnit.SECONDS);
    assertThat(stream.subscribers()).isZero();
    clock.advance(Duration.ofSeconds(5));
    assertThat(taken).hasValue(2);
  }

  @Test
  void intervalMustBePositive() {
    assertThatThrownBy(() -> new SnapshotStream(() -> "", clock, Runnable::run, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval: PT0S (expected: > 0)");
  }

  private static String next(BlockingQueue<String> events) throws InterruptedException {
    String event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event).as("an event within 10 s").isNotNull();
    return event;
  }
}
