package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.GatewayFixture.Call;
import dev.sluice.gateway.internal.proxy.RequestBodyGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that misbehave at the HTTP level, driven over raw sockets on 127.0.0.1. */
class HostileClientTest {

  /** Far below Armeria's 3 s HTTP/1 close delay, far above a loopback round trip. */
  private static final Duration EOF_BOUND = Duration.ofSeconds(2);

  /** Long enough that the six stalled bodies are all held while the four refusals are tried. */
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

  private static final int DECLARED = 30_000;
  private static final int SENT = 10_000;

  /** Six stalled bodies of {@link #SENT} bytes fit; a seventh does not. */
  private static final int BUDGET = 65_536;

  private static GatewayFixture f;

  @BeforeAll
  static void start() {
    f =
        new GatewayFixture(
            1,
            4,
            concurrencyConfig(10, "  defaultTtl: 0s\n")
                .replace(
                    "server: {port: 0,",
                    "server: {port: 0, maxRequestBytes: 32768, requestBodyTimeout: "
                        + BODY_TIMEOUT.toMillis()
                        + "ms, maxBufferedRequestBytes: "
                        + BUDGET
                        + ","));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /**
   * A client that sends {@code Connection: close} and reads to EOF gets EOF as soon as the response
   * is written, on a proxied route, a route the gateway answers itself, and the admin port (the
   * read fails with a timeout if the server holds the socket open for its close delay).
   */
  @Test
  void connectionCloseEndsTheConnectionPromptly() throws Exception {
    int port = f.gateway.port();
    int admin = f.gateway.adminPort();
    assertThat(closeRequest(port, "GET /v1/models"))
        .startsWith("HTTP/1.1 200")
        .contains("sluice-sim");
    assertThat(closeRequest(port, "GET /nowhere")).startsWith("HTTP/1.1 404");
    assertThat(closeRequest(admin, "GET /health")).startsWith("HTTP/1.1 200");
  }

  private static String closeRequest(int port, String requestLine) throws Exception {
    try (RawHttp http = new RawHttp(port, EOF_BOUND)) {
      http.send(requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      return http.readToEof();
    }
  }

  /**
   * Slow clients that declare a large body, send part of it and stall: while six hold the byte
   * budget, four more are refused at once with 503 and {@code Retry-After} (the six are still held
   * when the refusals arrive); the six get 408 once the body timeout has passed and their
   * connections are closed; every byte is given back, and the next request is served (its body
   * given back once its response has started).
   */
  @Test
  void stalledBodiesAreBoundedInBytesAndTime() throws Exception {
    RequestBodyGuard guard = f.gateway.bodyGuard();
    int port = f.gateway.port();
    List<RawHttp> stalled = new ArrayList<>();
    List<Long> sentAt = new ArrayList<>();
    try {
      for (int i = 1; i <= 6; i++) {
        RawHttp http = new RawHttp(port, Await.BOUND);
        stalled.add(http);
        sentAt.add(System.nanoTime());
        http.send(partialPost()).send(filler(SENT));
        long held = (long) SENT * i;
        Await.until(held + " bytes held", () -> guard.bufferedBytes() == held);
      }
      for (int i = 0; i < 4; i++) {
        try (RawHttp over = new RawHttp(port, Await.BOUND)) {
          over.send(partialPost()).send(filler(SENT));
          String head = over.readHead();
          assertThat(RawHttp.status(head)).as(head).isEqualTo(503);
          assertThat(head.toLowerCase())
              .contains("x-sluice-outcome: rejected-overloaded")
              .contains("retry-after: 1");
          assertThat(guard.bufferedBytes())
              .as("the stalled bodies are still held")
              .isEqualTo(6L * SENT);
          over.readToEof();
        }
      }
      for (int i = 0; i < stalled.size(); i++) {
        String head = stalled.get(i).readHead();
        long waited = System.nanoTime() - sentAt.get(i);
        assertThat(RawHttp.status(head)).as(head).isEqualTo(408);
        assertThat(head.toLowerCase()).contains("x-sluice-outcome: rejected-body-timeout");
        assertThat(waited)
            .as("not before the body timeout")
            .isGreaterThanOrEqualTo(BODY_TIMEOUT.toNanos() * 9 / 10);
        stalled.get(i).readToEof();
      }
      Await.until("every byte given back", () -> guard.bufferedBytes() == 0);
    } finally {
      for (RawHttp http : stalled) {
        http.close();
      }
    }
    Call after = f.call("after", "tenant");
    assertThat(after.awaitHeaders().status().code()).isEqualTo(200);
    Await.until("the body given back once the response started", () -> guard.bufferedBytes() == 0);
    assertThat(after.end).as("still streaming").isNotDone();
    f.finishRunning();
    assertThat(after.awaitEnd().cause()).isNull();
    f.awaitIdle();
    assertThat(guard.bufferedBytes()).isZero();
  }

  private static String partialPost() {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: "
        + DECLARED
        + "\r\n\r\n";
  }

  private static byte[] filler(int bytes) {
    byte[] body = new byte[bytes];
    Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    return body;
  }
}
