package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP CONNECT frontend through a real agent, over loopback sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TunnelConnectTest {

  private final Loopback loopback = new Loopback();
  private TunnelServer server;
  private TunnelAgent agent;

  @BeforeEach
  void start() throws Exception {
    server = TunnelServer.builder().dialTimeout(Duration.ofSeconds(5)).build().start();
    agent = TunnelAgent.builder("127.0.0.1", server.agentPort()).agentId("agent-1").build().start();
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    server.closeAsync(); // not joined: the next test binds a new port
    loopback.close();
  }

  @Test
  void connectRelaysBothWays() throws Exception {
    int echo = loopback.echoServer();
    Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    assertThat(connect.status()).as(connect.head()).isEqualTo(200);
    loopback.echo(connect.socket(), 3 * 1024 * 1024 + 17);
  }

  @Test
  void refusedDialIs502WithTheAgentsReason() throws Exception {
    int port = Loopback.closedPort();
    Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + port);
    assertThat(connect.status()).isEqualTo(502);
    assertThat(connect.body()).contains("dial tcp 127.0.0.1:" + port).contains("refused");
  }

  @Test
  void otherMethodsAre405AndBadTargets400() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.connectPort())) {
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes("US-ASCII"));
      String response = new String(socket.getInputStream().readAllBytes(), "US-ASCII");
      assertThat(response).startsWith("HTTP/1.1 405").contains("only CONNECT is supported");
    }
    Loopback.Connect bad = loopback.connect(server.connectPort(), "no-port");
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void withoutAnAgentConnectIs503() throws Exception {
    agent.close();
    try (Started lonely = Started.start(TunnelServer.builder())) {
      Loopback.Connect connect = loopback.connect(lonely.server().connectPort(), "127.0.0.1:1");
      assertThat(connect.status()).isEqualTo(503);
      assertThat(connect.body()).contains("no agent connected");
    }
  }

  @Test
  void agentKilledMidTransferEndsTheFrontendConnections() throws Exception {
    int echo = loopback.echoServer();
    Loopback.Connect first = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    Loopback.Connect second = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    loopback.echo(first.socket(), 64 * 1024); // both relay before the agent dies
    loopback.echo(second.socket(), 64 * 1024);

    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    var flooding =
        loopback.flood(first.socket(), written, 0, new java.util.concurrent.CompletableFuture<>());
    agent.close();

    assertThat(endOfStream(first.socket().getInputStream())).isTrue();
    assertThat(endOfStream(second.socket().getInputStream())).isTrue();
    assertThat(server.awaitNoAgents(Duration.ofSeconds(10))).isTrue();
    assertThat(flooding).failsWithin(Duration.ofSeconds(10));
  }

  /** Reads until the stream ends or fails; true when it did within the test's timeout. */
  private static boolean endOfStream(InputStream in) {
    byte[] buffer = new byte[64 * 1024];
    try {
      while (in.read(buffer) >= 0) {
        // drain echoed bytes
      }
      return true;
    } catch (IOException e) {
      return true; // reset: ended too
    }
  }
}
