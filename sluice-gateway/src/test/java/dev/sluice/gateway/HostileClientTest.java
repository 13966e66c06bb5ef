package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that misbehave at the HTTP level, driven over raw sockets on 127.0.0.1. */
class HostileClientTest {

  /** Far below Armeria's 3 s HTTP/1 close delay, far above a loopback round trip. */
  private static final Duration EOF_BOUND = Duration.ofSeconds(2);

  private static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(1, 4, concurrencyConfig(10, "  defaultTtl: 0s\n"));
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
    assertThat(closeRequest(port, "GET /v1/models")).startsWith("HTTP/1.1 200").contains("sluice-sim");
    assertThat(closeRequest(port, "GET /nowhere")).startsWith("HTTP/1.1 404");
    assertThat(closeRequest(admin, "GET /health")).startsWith("HTTP/1.1 200");
  }

  private static String closeRequest(int port, String requestLine) throws Exception {
    try (RawHttp http = new RawHttp(port, EOF_BOUND)) {
      http.send(requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      return http.readToEof();
    }
  }
}
